"""The job list model: newest first, in-place updates, selection kept on refresh."""

from __future__ import annotations

import os
from dataclasses import replace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot

from desktop_app.api.request import GenerationRequest
from desktop_app.models.job_list_model import JOB_ROLE, JobListModel
from desktop_app.store.job import Job, JobState

REQUEST = GenerationRequest(prompt="character1 sings", video_urls=("https://e.com/a.mp4",))


def job(job_id: str, created: float, state: JobState = JobState.QUEUED) -> Job:
    return Job(job_id, f"cr-{job_id}", REQUEST, state, created, created)


def test_new_jobs_go_on_top_and_changes_update_in_place(qtbot: QtBot) -> None:
    model = JobListModel()
    model.replace_all([job("b", 2), job("a", 1)])
    with qtbot.waitSignal(model.rowsInserted):
        model.upsert(job("c", 3))
    assert [model.job_at(r).id for r in range(model.rowCount())] == ["c", "b", "a"]
    with qtbot.waitSignal(model.dataChanged):
        model.upsert(replace(job("b", 2), state=JobState.DONE))
    assert model.index(1).data(JOB_ROLE).state is JobState.DONE
    assert "done" in model.index(1).data(Qt.ItemDataRole.DisplayRole)
    model.remove("a")
    assert model.rowCount() == 2


def test_a_refresh_with_the_same_jobs_keeps_the_selection(qtbot: QtBot) -> None:
    model = JobListModel()
    model.replace_all([job("b", 2), job("a", 1)])
    selection = QItemSelectionModel(model)
    selection.setCurrentIndex(model.index(1), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    with qtbot.assertNotEmitted(model.modelReset):
        model.replace_all([job("b", 2), replace(job("a", 1), state=JobState.GENERATING)])
    assert selection.currentIndex().row() == 1
    assert model.job_at(1).state is JobState.GENERATING

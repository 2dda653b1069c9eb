"""The job list model over a real journal: every row counted, pages read as they are
shown, new jobs on top, rows found by id, filters, and repaints only where something
moves."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QListView
from pytestqt.qtbot import QtBot

from desktop_app.domain.job import JobState
from desktop_app.domain.job_change import JobChange
from desktop_app.domain.job_query import JobFilter
from desktop_app.domain.request import GenerationRequest
from desktop_app.journal.job_journal import JobJournal
from desktop_app.journal.queries import HistoryQueries
from desktop_app.qt.job_list_model import JOB_ROLE, PAGE_SIZE, JobListModel
from desktop_app.ui.job_delegate import JobDelegate


def request(prompt: str) -> GenerationRequest:
    return GenerationRequest(prompt=prompt, video_urls=("https://e.com/a.mp4",))


def open_journal(tmp_path: Path) -> tuple[JobJournal, HistoryQueries]:
    journal = JobJournal(tmp_path / "journal.sqlite3")
    return journal, HistoryQueries(tmp_path / "journal.sqlite3")


def ids(model: JobListModel) -> list[str]:
    return [model.job_at(r).id for r in range(model.rowCount())]


def test_every_row_is_counted_at_once_and_jobs_are_read_a_page_at_a_time(
    tmp_path: Path,
) -> None:
    journal, history = open_journal(tmp_path)
    made = [journal.create(request(f"character1 take {n}")).id for n in range(PAGE_SIZE * 2 + 50)]
    model = JobListModel(history)
    model.reload()
    assert model.rowCount() == len(made)  # the scroll bar is right from the start
    assert model.row_of(made[0]) == len(made) - 1  # found by id before it is read
    assert ids(model) == made[::-1]  # newest first
    assert all(model.row_of(job_id) == row for row, job_id in enumerate(ids(model)))


def test_a_job_forgotten_elsewhere_leaves_the_list_by_itself(qtbot: QtBot, tmp_path: Path) -> None:
    journal, history = open_journal(tmp_path)
    gone = journal.create(request("character1 leaves"))  # the oldest: on the second page
    for n in range(PAGE_SIZE):
        journal.create(request(f"character1 stays {n}"))
    model = JobListModel(history)
    model.reload()
    view = QListView()
    view.setModel(model)
    view.setItemDelegate(JobDelegate(tmp_path / "thumbnails", view))
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    journal.forget(gone.id)  # by another process, before this one's feed says so
    assert model.index(PAGE_SIZE).data(JOB_ROLE) is None  # no stale job, no crash
    view.doItemsLayout()
    view.scrollToBottom()
    view.grab()  # its row is drawn empty, not as an error
    qtbot.waitUntil(lambda: model.rowCount() == PAGE_SIZE)
    assert gone.id not in ids(model)


def test_new_jobs_go_on_top_and_changes_repaint_only_their_row(
    qtbot: QtBot, tmp_path: Path
) -> None:
    journal, history = open_journal(tmp_path)
    first = journal.create(request("character1 sings"))
    second = journal.create(request("character1 dances"))
    model = JobListModel(history)
    model.reload()
    selection = QItemSelectionModel(model)
    selection.setCurrentIndex(model.index(1), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    newest = journal.create(request("character1 bows"))
    with qtbot.waitSignal(model.rowsInserted):
        model.upsert(newest)
    assert ids(model) == [newest.id, second.id, first.id]
    assert model.row_of(first.id) == 2 and model.row_of(newest.id) == 0
    assert selection.currentIndex().data(JOB_ROLE).id == first.id  # the selection moved along

    changed = journal.update(first.id, JobChange(state=JobState.QUEUED, generation_id="g1"))
    rows: list[int] = []
    model.dataChanged.connect(lambda top, bottom: rows.append(top.row()))
    model.upsert(changed)
    model.upsert(changed)  # the same job again: nothing to repaint
    assert rows == [2]
    assert "queued" in model.index(2).data(Qt.ItemDataRole.DisplayRole)

    model.remove(second.id)
    assert ids(model) == [newest.id, first.id] and model.row_of(first.id) == 1


def test_a_filter_lists_only_what_it_selects_even_as_jobs_arrive(tmp_path: Path) -> None:
    journal, history = open_journal(tmp_path)
    beach = journal.create(request("character1 on a sunny beach"))
    journal.create(request("character1 in the snow"))
    model = JobListModel(history)
    model.set_filter(JobFilter(text="beach"))
    assert ids(model) == [beach.id]
    model.upsert(journal.create(request("character1 in a forest")))
    assert ids(model) == [beach.id]
    another = journal.create(request("character2 builds a beach castle"))
    model.upsert(another)
    assert ids(model) == [another.id, beach.id]


def test_each_tick_repaints_only_the_rows_of_running_jobs(tmp_path: Path) -> None:
    journal, history = open_journal(tmp_path)
    finished = journal.create(request("character1 waits"))
    journal.update(finished.id, JobChange(state=JobState.REJECTED))
    running = journal.create(request("character1 runs"))
    model = JobListModel(history)
    model.reload()
    rows: list[int] = []
    model.dataChanged.connect(lambda top, bottom: rows.append(top.row()))
    model.tick()
    assert rows == [model.row_of(running.id)]

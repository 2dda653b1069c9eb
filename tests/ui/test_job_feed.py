"""The window hears of each version of a job once: from its own engine as it happens, and
from the journal's feed only what another process wrote (#19: the feed used to tell every
change of this process a second time, each costing the window a round of work)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.domain.job import Job, JobState
from desktop_app.domain.job_change import JobChange
from desktop_app.journal.job_journal import JobJournal
from desktop_app.simulator import Simulator
from tests.cli.test_cli import PROMPT
from tests.conftest import FAST_SIM
from tests.ui.conftest import WindowFactory, compose_and_generate, wait_for_state


@pytest.fixture
def sim() -> Iterator[Simulator]:
    """A job stays queued for a few of the feed's rounds (one a second)."""
    with Simulator(replace(FAST_SIM, queued_seconds=3.0)) as simulator:
        yield simulator


def test_each_version_of_a_job_is_told_once_and_other_processes_changes_arrive(
    qtbot: QtBot, windows: WindowFactory, sim: Simulator, sample_links: list[str]
) -> None:
    window = windows()
    told: list[Job] = []
    window.controller.job_changed.connect(told.append)
    compose_and_generate(window, sample_links[:1], PROMPT)
    job = wait_for_state(qtbot, window, JobState.DONE, timeout=30_000)

    elsewhere = JobJournal(windows.home / "journal.sqlite3")
    try:
        elsewhere.update(job.id, JobChange(status_detail="seen by the command line"))
    finally:
        elsewhere.close()
    qtbot.waitUntil(lambda: told[-1].status_detail == "seen by the command line", timeout=5_000)

    versions = [j for j in told if j.id == job.id]
    assert [j.state for j in versions][-2:] == [JobState.DONE, JobState.DONE]
    assert all(earlier != later for earlier, later in itertools.pairwise(versions))

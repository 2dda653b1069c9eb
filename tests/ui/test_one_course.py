"""The window and the command line run one engine policy: the same scenario (a lost answer
to the POST, then a service that hides the new generation for a moment) ends in the same
state, with the same milestones in the job's history, through either."""

from __future__ import annotations

import json
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop_app.api.client import GENERATIONS_PATH
from desktop_app.domain.job import JobState
from desktop_app.journal.queries import HistoryQueries
from desktop_app.simulator import Fault, Simulator
from tests.cli.test_cli import PROMPT, wan
from tests.ui.conftest import WindowFactory, compose_and_generate, wait_for_state

MILESTONES = ["submitting", "unknown", "queued", "downloading", "done"]


def milestones(journal: Path, job_id: str) -> list[str]:
    history = HistoryQueries(journal)
    try:
        states = [e["state"] for e in history.events(job_id) if e["kind"] == "state"]
    finally:
        history.close()
    return [state for state in states if state in MILESTONES]


def script(sim: Simulator) -> None:
    sim.add_fault(Fault("create", accept_then_drop=True))
    sim.add_fault(Fault("poll", status=404, message="Generation not found"))


def test_the_window_and_the_command_line_take_a_job_the_same_way(
    qtbot: QtBot,
    windows: WindowFactory,
    sim: Simulator,
    sample_links: list[str],
    tmp_path: Path,
    demo_clip: bytes,
) -> None:
    script(sim)
    by_cli = wan(tmp_path / "cli", "generate", "--prompt", PROMPT, "--ref", sample_links[0],
                 "--wait", "--json", base_url=sim.base_url)  # fmt: skip
    assert by_cli.returncode == 0, by_cli.stderr
    cli_job = json.loads(by_cli.stdout)

    script(sim)
    window = windows()
    compose_and_generate(window, sample_links[:1], PROMPT)
    window_job = wait_for_state(qtbot, window, JobState.DONE, timeout=30_000)

    assert cli_job["state"] == window_job.state.value == "done"
    assert cli_job["recovered"] is True and window_job.recovered_at is not None
    assert Path(cli_job["file"]).read_bytes() == demo_clip
    assert window_job.file_path is not None and window_job.file_path.read_bytes() == demo_clip
    cli_steps = milestones(tmp_path / "cli" / "journal.sqlite3", cli_job["id"])
    window_steps = milestones(windows.home / "journal.sqlite3", window_job.id)
    assert cli_steps == window_steps == MILESTONES
    assert sim.count("POST", GENERATIONS_PATH) == 2  # one each, never resent

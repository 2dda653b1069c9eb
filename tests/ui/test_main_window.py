"""The window against the simulator: a submit becomes a played clip; a restart keeps
the history and finishes what was left."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.domain.job import Job, JobState
from desktop_app.domain.request import GenerationRequest
from desktop_app.simulator import Simulator
from tests.conftest import service_on
from tests.ui.conftest import (
    WindowFactory,
    compose_and_generate,
    run_in_loop,
    wait_for_state,
)
from tests.ui.test_player import frames_shown


def test_generate_follow_save_and_play(
    qtbot: QtBot, windows: WindowFactory, sample_links: list[str]
) -> None:
    window = windows()
    window.references.add_links(sample_links[:2])
    window.composer.prompt.setPlainText("character1 chases character2 across the frame")
    assert window.composer.generate_button.isEnabled(), window.composer.reason.text()
    seen: list[JobState] = []
    window.controller.job_changed.connect(lambda job: seen.append(job.state))
    qtbot.mouseClick(window.composer.generate_button, Qt.MouseButton.LeftButton)

    job = wait_for_state(qtbot, window, JobState.DONE)
    assert job.file_path is not None and job.file_path.exists()
    assert JobState.QUEUED in seen and JobState.DOWNLOADING in seen
    # Sent before the price list arrived: what the service reported, until the charge.
    assert window.composer.cost.text() in (
        "Last job: $1.57 (as the service reported)",
        "Last job: $1.50, charged (the provider's ledger)",
    )

    window.jobs.view.setCurrentIndex(window.services.model.index(0))
    assert window.jobs.play_button.isEnabled()
    qtbot.mouseClick(window.jobs.play_button, Qt.MouseButton.LeftButton)
    sink = window.player.video.videoSink()
    frames = frames_shown(qtbot, sink, 5)
    assert window.player.player.source().toLocalFile() == str(job.file_path)
    image = frames[-1].toImage()
    assert image.width() == 640 and image.height() == 360


def test_restart_shows_history_and_finishes_unfinished_jobs(
    qtbot: QtBot, windows: WindowFactory, sample_links: list[str], sim: Simulator
) -> None:
    first = windows()
    compose_and_generate(first, sample_links[:1], "character1 spins")
    wait_for_state(qtbot, first, JobState.QUEUED)
    windows.close(first)  # closed mid-job
    second = windows()
    assert second.services.model.rowCount() == 1
    done = wait_for_state(qtbot, second, JobState.DONE)
    assert done.file_path is not None and Path(done.file_path).exists()
    assert sim.count("POST", "/v2/video/generations") == 1


def test_a_job_another_process_submitted_shows_up_and_is_followed(
    qtbot: QtBot, windows: WindowFactory, sim: Simulator, tmp_path: Path
) -> None:
    window = windows()
    assert window.services.model.rowCount() == 0

    async def submit_elsewhere() -> Job:
        async with service_on(tmp_path / "home", sim.base_url) as cli:
            return await cli.submit(
                GenerationRequest(
                    prompt="character1 naps", video_urls=("https://example.com/a.mp4",)
                )
            )

    job = run_in_loop(qtbot, submit_elsewhere())
    qtbot.waitUntil(lambda: window.services.model.row_of(job.id) is not None, timeout=5_000)
    wait_for_state(qtbot, window, JobState.DONE)
    assert len([r for r in sim.requests if r.path.startswith("/cdn/")]) == 1

"""The window drives the one job service: a replaced key applies to the very next request,
a follow that keeps failing backs off and speaks once, the CLI and the window refuse the
same things in the same words, and File > Quit ends cleanly."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.api.client import GENERATIONS_PATH
from desktop_app.api.secret import ApiKey
from desktop_app.domain.job import JobState
from desktop_app.simulator import Simulator, SimulatorConfig
from desktop_app.ui.main_window import MainWindow
from tests.cli.test_cli import cli_env, wan
from tests.conftest import SAMPLES, TEST_KEY
from tests.ui.conftest import WindowFactory, compose_and_generate, wait_for_state

NEW_KEY = "replacement-key-6c1d0e2f9a"


@pytest.fixture
def slow_sim() -> Iterator[Simulator]:
    """Generations that stay queued for a while; any key is accepted (and recorded)."""
    config = SimulatorConfig(api_key=None, queued_seconds=60, generating_seconds=1, samples=SAMPLES)
    with Simulator(config) as simulator:
        yield simulator


def bearer(key: str) -> str:
    return f"Bearer {key}"


def open_dialogs(window: MainWindow) -> list[QMessageBox]:
    return [box for box in window.findChildren(QMessageBox) if box.isVisible()]


def test_a_replaced_key_is_used_from_the_very_next_request(
    qtbot: QtBot, loop: object, tmp_path: Path, slow_sim: Simulator
) -> None:
    windows = WindowFactory(qtbot, tmp_path / "home", slow_sim.base_url, {"AIMLAPI_KEY": TEST_KEY})
    try:
        window = windows()
        links = [f"{slow_sim.base_url}/samples/{p.name}" for p in SAMPLES[:1]]
        compose_and_generate(window, links, "character1 waves")
        job = wait_for_state(qtbot, window, JobState.QUEUED)
        window.controller.stop_following(job.id)
        qtbot.waitUntil(lambda: not window.services.model.job_at(0).followed)
        before = len(slow_sim.requests)

        window.services.keys.use(ApiKey(NEW_KEY), remember=False)
        window.controller.follow(job.id)
        qtbot.waitUntil(lambda: slow_sim.count("GET", GENERATIONS_PATH) >= 2, timeout=5_000)
    finally:
        windows.close_all()
    api = [r for r in slow_sim.requests if r.path == GENERATIONS_PATH]
    assert api[0].headers["authorization"] == bearer(TEST_KEY)  # the POST, before
    after = [r for r in slow_sim.requests[before:] if r.path == GENERATIONS_PATH]
    assert after and all(r.headers["authorization"] == bearer(NEW_KEY) for r in after)


def test_a_revoked_key_backs_off_speaks_once_per_job_and_recovers_with_a_new_key(
    qtbot: QtBot, loop: object, tmp_path: Path
) -> None:
    config = SimulatorConfig(
        api_key=TEST_KEY, queued_seconds=5, generating_seconds=0.5, samples=SAMPLES
    )
    with Simulator(config) as sim:
        windows = WindowFactory(qtbot, tmp_path / "home", sim.base_url, {"AIMLAPI_KEY": TEST_KEY})
        try:
            window = windows()
            model = window.services.model
            links = [f"{sim.base_url}/samples/{p.name}" for p in SAMPLES]
            compose_and_generate(window, links[:1], "character1 hops")
            compose_and_generate(window, links[1:2], "character1 skips", qtbot)
            qtbot.waitUntil(
                lambda: (
                    model.rowCount() == 2
                    and all(model.job_at(r).state is JobState.QUEUED for r in range(2))
                )
            )
            gets_before = sim.count("GET", GENERATIONS_PATH)
            window.services.keys.use(ApiKey("a-revoked-key-0000000000"), remember=False)
            qtbot.waitUntil(lambda: all(model.trouble_of(model.job_at(r).id) for r in range(2)))
            qtbot.wait(3_000)  # what an unchanged key earns in 3 s: a few, growing waits
            refused = sim.count("GET", GENERATIONS_PATH) - gets_before
            assert 2 <= refused <= 12, refused  # was 20 stacked dialogs in 10 s
            assert open_dialogs(window) == []
            trouble = model.trouble_of(model.job_at(0).id) or ""
            assert "refused the API key" in trouble and "tries again" in trouble

            window.services.keys.use(ApiKey(TEST_KEY), remember=False)
            qtbot.waitUntil(
                lambda: all(model.job_at(r).state is JobState.DONE for r in range(2)),
                timeout=20_000,
            )
            assert all(model.trouble_of(model.job_at(r).id) is None for r in range(2))
            assert open_dialogs(window) == []
        finally:
            windows.close_all()


def test_the_window_and_the_cli_refuse_the_same_action_in_the_same_words(
    qtbot: QtBot, windows: WindowFactory, sim: Simulator, sample_links: list[str]
) -> None:
    window = windows()
    compose_and_generate(window, sample_links[:1], "character1 sits")
    job = wait_for_state(qtbot, window, JobState.DONE)
    with qtbot.waitSignal(window.controller.problem_raised) as raised:
        window.controller.stop_following(job.id)
    sentence = f"Job {job.id} is done: there is nothing to stop following."
    assert raised.args == ["Not possible now", sentence]
    result = wan(windows.home, "unfollow", job.id, base_url=sim.base_url)
    assert result.returncode == 2
    assert result.stderr.strip() == sentence


QUIT_DRIVER = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QApplication
    import desktop_app.window_engine as engine
    from desktop_app.cli.main import main
    from desktop_app.ui.main_window import MainWindow

    window_services = engine.window_services

    def services_then_quit_when_done(runtime, tasks, media):
        services = window_services(runtime, tasks, media)
        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))

        def check():
            model = window.services.model
            if model.rowCount() and model.job_at(0).state.value == "done":
                quit = next(a for a in window.findChildren(QAction) if a.text() == "&Quit")
                quit.trigger()
            else:
                QTimer.singleShot(50, check)

        QTimer.singleShot(50, check)
        return services

    engine.window_services = services_then_quit_when_done
    sys.exit(main(sys.argv[1:]))
    """
)


def test_file_quit_after_a_job_exits_0_with_a_clean_log(tmp_path: Path, sim: Simulator) -> None:
    home = tmp_path / "home"
    submitted = wan(home, "generate", "--prompt", "character1 naps", "--ref",
                    "https://example.com/a.mp4", base_url=sim.base_url)  # fmt: skip
    assert submitted.returncode == 0, submitted.stderr
    window = subprocess.run(
        [sys.executable, "-c", QUIT_DRIVER, "--home", str(home), "--base-url", sim.base_url,
         "--poll-interval", "0.2"],
        env=cli_env(AIMLAPI_KEY=TEST_KEY, QT_QPA_PLATFORM="offscreen",
                    QT_LOGGING_RULES="qt.multimedia.*=false"),
        capture_output=True, text=True, timeout=90,
    )  # fmt: skip
    assert window.returncode == 0, window.stderr
    assert "Traceback" not in window.stderr
    log = "".join(p.read_text() for p in (home / "logs").glob("*.log*"))
    assert " ERROR " not in log and "Traceback" not in log, log
    job = first_done(home, sim)
    assert job["state"] == "done"


def first_done(home: Path, sim: Simulator) -> dict[str, object]:
    listed = wan(home, "jobs", "--json", base_url=sim.base_url)
    return dict(json.loads(listed.stdout)[0])

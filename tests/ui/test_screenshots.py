"""Pictures of the main states, for review: offscreen grabs in-process, and one real X
window under Xvfb (where video and native painting show as a person sees them)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from desktop_app.domain.job import JobState
from desktop_app.simulator import Simulator
from tests.conftest import TEST_KEY
from tests.ui.conftest import WindowFactory, first_job, wait_for_state

SHOTS = Path(
    os.environ.get("WAN_STUDIO_SCREENSHOT_DIR", Path(__file__).parents[2] / ".screenshots")
)


def assert_real_picture(path: Path, min_size: tuple[int, int] = (800, 500)) -> None:
    image = QImage(str(path))
    assert not image.isNull(), path
    assert image.width() >= min_size[0] and image.height() >= min_size[1]
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 29)
    }
    assert len(colours) > 20, f"{path} looks blank"


def test_main_states(qtbot: QtBot, windows: WindowFactory, sample_links: list[str]) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    window = windows()
    window.resize(1280, 800)
    states = {"01-empty.png": lambda: None}

    def compose() -> None:
        window.references.add_links(sample_links[:2])
        window.composer.prompt.setPlainText("character1 circles around character2 at sunset")
        qtbot.waitUntil(lambda: "480×270" in window.references.list.item(1).text(), timeout=20_000)

    def finish() -> None:
        window.composer.generate_button.click()
        wait_for_state(qtbot, window, JobState.DONE)
        qtbot.waitUntil(
            lambda: (window.basics.thumbnails / f"{first_job(window).id}.png").exists(),
            timeout=20_000,
        )  # type: ignore[union-attr]
        window.jobs.view.setCurrentIndex(window.services.model.index(0))

    states["02-composed.png"] = compose
    states["03-done.png"] = finish
    for name, reach in states.items():
        reach()
        path = SHOTS / name
        assert window.grab().save(str(path))
        assert_real_picture(path)


@pytest.mark.skipif(
    not shutil.which("xvfb-run") and not os.environ.get("CI"), reason="needs xvfb-run"
)
def test_screenshot_flag_under_xvfb(tmp_path: Path, sim: Simulator) -> None:
    """`wan-studio --screenshot` in a real X window shows the history with its thumbnail."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env.update(AIMLAPI_KEY=TEST_KEY, QT_LOGGING_RULES="qt.multimedia.*=false")
    base = [sys.executable, "-m", "desktop_app", "--home", str(home), "--base-url", sim.base_url]
    seeded = subprocess.run(
        [*base, "--poll-interval", "0.2", "generate", "--prompt", "character1 waves",
         "--ref", f"{sim.base_url}/samples/sample-red-box.mp4", "--wait"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert seeded.returncode == 0, seeded.stderr
    target = SHOTS / "04-xcb-window.png"
    shot = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1400x900x24", *base, "--screenshot", str(target)],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert shot.returncode == 0, shot.stderr
    assert_real_picture(target)

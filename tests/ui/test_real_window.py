"""The window in a real X session (Xvfb, the openbox window manager, the dunst
notification daemon on the test's own session bus), worked with real pointer moves,
clicks and keys (xdotool) by tests/ui/real_window_driver.py in its own process.
Screenshots go to .screenshots/ for review."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.simulator import Simulator
from tests.desktop_session import desktop_session, missing_tools
from tests.ui.test_screenshots import SHOTS, assert_real_picture

pytestmark = pytest.mark.skipif(
    bool(missing_tools()) and not os.environ.get("CI"),
    reason=f"needs {', '.join(missing_tools())} (packaging/dev/setup.sh installs them)",
)


def test_a_person_at_a_real_window(tmp_path: Path, sim: Simulator) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with desktop_session(tmp_path, window_manager=True, notifications=True) as session:
        env = session.env | {
            "WAN_STUDIO_SAMPLE_LINK": f"{sim.base_url}/samples/sample-red-box.mp4",
            "QT_LOGGING_RULES": "qt.multimedia.*=false",
        }
        driven = subprocess.run(
            [sys.executable, "-m", "tests.ui.real_window_driver", str(tmp_path / "home"),
             sim.base_url, str(SHOTS)],
            env=env, capture_output=True, text=True, timeout=150,
        )  # fmt: skip
        assert driven.returncode == 0, driven.stderr[-3000:]
        seen = json.loads(driven.stdout.strip().splitlines()[-1])
        told = session.notifications()
    before, playing, paused = seen["generate_moves"]
    assert before == playing == paused  # the layout stays put
    assert seen["prompt_focused_by_click"] and seen["generate_enabled"] and seen["sent"]
    assert seen["focus_after_generate"] == "Prompt"
    assert seen["typed_into_prompt"]
    assert seen["fullscreen_fills"] == [True] * 5  # F11 and double clicks, in turn
    assert seen["back_in_window"] == [True] * 5  # Esc: the keys go to the window again
    assert seen["space_in_fullscreen"] and seen["controls_on_move"]
    assert seen["notices_told"] and "Your clip is ready" in told
    for name in ("real-after-generate.png", "real-fullscreen.png"):
        assert_real_picture(SHOTS / name)

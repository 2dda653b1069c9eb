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
    assert seen["other_window_active"]
    assert seen["notices_told"] and "Your clip is ready" in told
    for name in ("real-after-generate.png", "real-fullscreen.png"):
        assert_real_picture(SHOTS / name)


FIRST_FRAME_PROBE = """
import os, sys
from desktop_app.app import show_first_frame
from desktop_app.cli.parser import build_parser
app, window = show_first_frame(build_parser().parse_args(["--home", sys.argv[1]]), dict(os.environ))
engine = [m for m in ("httpx", "keyring", "sqlite3", "qasync") if m in sys.modules]
print(window.windowHandle().isExposed(), window.composer.prompt.toPlainText(), engine)
"""


def test_the_first_frame_is_on_a_real_screen_with_the_draft_before_the_engine(
    tmp_path: Path,
) -> None:
    """Under a window manager a window is exposed a moment after `show`: the first frame
    waits for it, so the creator sees the window (and the draft) before the engine loads."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "draft.json").write_text(
        json.dumps({"request": {"prompt": "character1 waits on a real screen",
                                "video_urls": []}, "variations": 1})
    )  # fmt: skip
    with desktop_session(tmp_path, window_manager=True) as session:
        for _ in range(3):
            shown = subprocess.run(
                [sys.executable, "-c", FIRST_FRAME_PROBE, str(home)],
                env=session.env | {"QT_QPA_PLATFORM": "xcb",
                                   "QT_LOGGING_RULES": "qt.multimedia.*=false"},
                capture_output=True, text=True, timeout=60,
            )  # fmt: skip
            assert shown.returncode == 0, shown.stderr[-2000:]
            assert shown.stdout.strip() == "True character1 waits on a real screen []"


def test_a_finished_clip_drags_out_of_the_list_and_the_grid(tmp_path: Path, sim: Simulator) -> None:
    """Press on a finished job, move, release over another program's window: the clip's
    file arrives there, five times of five from the list and from the grid."""
    out = tmp_path / "drops.jsonl"
    with desktop_session(tmp_path, window_manager=True) as session:
        driven = subprocess.run(
            [sys.executable, "-m", "tests.ui.real_drag_driver", str(tmp_path / "home"),
             sim.base_url, f"{sim.base_url}/samples/sample-red-box.mp4", str(out)],
            env=session.env | {"QT_LOGGING_RULES": "qt.multimedia.*=false"},
            capture_output=True, text=True, timeout=150,
        )  # fmt: skip
    assert driven.returncode == 0, driven.stderr[-3000:]
    seen = json.loads(driven.stdout.strip().splitlines()[-1])
    assert seen["list"] == [True] * 5
    assert seen["grid"] == [True] * 5
    clip = Path(seen["file"]).as_uri()
    for drop in seen["drops"]:
        assert drop["urls"] == [clip] and drop["files_exist"] == [True]
        assert "text/uri-list" in drop["formats"]
        assert "x-special/gnome-copied-files" in drop["formats"]

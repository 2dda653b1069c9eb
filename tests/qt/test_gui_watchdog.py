"""A window that stops answering leaves every thread's stack in its stacks file, and says
where in the log; one that answers writes nothing but its start line. Each case runs in a
process of its own (faulthandler's watchdog is one per process, and the test run's own
watchdog uses it)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

FREEZE = textwrap.dedent(
    """
    import logging, sys, time
    from pathlib import Path
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from desktop_app.qt.gui_watchdog import GuiWatchdog

    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    freeze_s = float(sys.argv[2])
    app = QApplication([])
    watchdog = GuiWatchdog(Path(sys.argv[1]), stuck_after=1.0, rearm_every_ms=100)
    watchdog.start()

    def freeze_the_window():
        time.sleep(freeze_s)  # the GUI thread holds on, as in a deadlock

    def done():
        watchdog.stop()
        app.quit()

    QTimer.singleShot(300, freeze_the_window)
    QTimer.singleShot(300 + int(freeze_s * 1000) + 500, done)
    app.exec()
    """
)


def run_window(stacks: Path, freeze_s: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", FREEZE, str(stacks), str(freeze_s)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
        check=True,
    )


@pytest.mark.parametrize("runs", [1, 2])
def test_a_stuck_window_leaves_its_stacks_and_says_where(tmp_path: Path, runs: int) -> None:
    stacks = tmp_path / "logs" / "stuck-window.txt"
    stacks.parent.mkdir()
    for _ in range(runs):  # a restart keeps what the frozen run wrote
        done = run_window(stacks, freeze_s=2.5)
    text = stacks.read_text()
    assert text.count("window started") == runs
    assert text.count("Timeout (0:00:01)!") == runs
    assert "in freeze_the_window" in text
    assert f"every thread's stack is written to {stacks}" in done.stderr
    assert "The window did not answer for 2." in done.stderr
    assert stacks.stat().st_mode & 0o777 == 0o600


def test_a_window_that_answers_writes_no_stacks(tmp_path: Path) -> None:
    stacks = tmp_path / "stuck-window.txt"
    done = run_window(stacks, freeze_s=0.3)
    assert "Timeout" not in stacks.read_text()
    assert "did not answer" not in done.stderr


def test_a_stacks_path_that_is_no_file_is_not_opened(tmp_path: Path) -> None:
    """A FIFO there would block the start for ever if opened: it is left alone."""
    stacks = tmp_path / "stuck-window.txt"
    os.mkfifo(stacks)
    done = run_window(stacks, freeze_s=0.1)
    assert "is not a regular file" in done.stderr

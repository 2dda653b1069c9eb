"""Runs in its own process, in a real X window (xcb, under the test's Xvfb with a window
manager), and works the window as a person does: real pointer moves, clicks and keys
through xdotool. Prints what it saw as one JSON line; the test judges it.

    python -m tests.ui.real_window_driver HOME BASE_URL SHOTS_DIR

The window is built as `wan-studio` builds it (`window_engine.build_window` over a `Runtime`)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

os.environ["QT_QPA_PLATFORM"] = "xcb"
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false")

from PySide6.QtCore import QPoint
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import QApplication, QWidget

from desktop_app.domain.job import JobState
from desktop_app.qt.event_loop import new_event_loop
from desktop_app.runtime import Runtime, RuntimeOptions
from desktop_app.secrets.keystore import KeyStore
from desktop_app.tasks import TaskGroup
from desktop_app.ui.main_window import MainWindow
from desktop_app.window_engine import build_window, shut_down
from tests.conftest import SAMPLES, TEST_KEY

FULLSCREEN_TRIES = 5


async def until(condition: Callable[[], bool], within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def xdotool(*args: str) -> None:
    process = await asyncio.create_subprocess_exec("xdotool", *args)
    await process.wait()


async def move_to(x: int, y: int) -> None:
    # --sync waits for a move; with the pointer already there it waits 15 s: step off first.
    await xdotool("mousemove", str(x + 2), str(y + 2))
    await xdotool("mousemove", "--sync", str(x), str(y))


async def click(widget: QWidget, *, double: bool = False) -> None:
    centre = widget.mapToGlobal(QPoint(widget.width() // 2, widget.height() // 2))
    await move_to(centre.x(), centre.y())
    await xdotool("click", *(["--repeat", "2", "--delay", "80"] if double else []), "1")


def where(widget: QWidget) -> list[int]:
    point = widget.mapToGlobal(QPoint(0, 0))
    return [point.x(), point.y()]


def shot(window: QWidget, path: Path) -> None:
    window.screen().grabWindow(0).save(str(path))


async def work(window: MainWindow, shots: Path) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    await until(window.isActiveWindow)
    # Generate stays where it was when playback starts and stops.
    generate = window.composer.generate_button
    before = where(generate)
    window.player.play(str(SAMPLES[0]), "a clip")
    await until(
        lambda: window.player.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
    )
    await asyncio.sleep(0.5)  # layouts settle through queued events
    seen["generate_moves"] = [before, where(generate)]
    window.player.player.pause()
    await asyncio.sleep(0.3)
    seen["generate_moves"].append(where(generate))

    # A real click on Generate: the focus stays in the prompt.
    await click(window.composer.prompt)
    seen["prompt_focused_by_click"] = await until(window.composer.prompt.hasFocus)
    await xdotool("type", "--delay", "5", "character1 waves")
    window.references.add_links([os.environ["WAN_STUDIO_SAMPLE_LINK"]])
    seen["generate_enabled"] = await until(generate.isEnabled)
    await click(generate)
    seen["sent"] = await until(lambda: window.services.model.rowCount() == 1)
    focus = QApplication.focusWidget()
    seen["focus_after_generate"] = focus.accessibleName() if focus else None
    await xdotool("type", "--delay", "5", " again")
    seen["typed_into_prompt"] = window.composer.prompt.toPlainText().endswith(" again")
    shot(window, shots / "real-after-generate.png")

    # Fullscreen fills the screen every time; keys and the pointer work there.
    full = window.player.fullscreen
    screen = window.screen().geometry()
    fills, back = [], []
    for n in range(FULLSCREEN_TRIES):
        await click(window.player.video, double=(n % 2 == 1))
        if n % 2 == 0:
            await xdotool("key", "F11")
        ok = await until(
            lambda: full.isVisible() and full.isActiveWindow() and full.geometry() == screen
        )
        await asyncio.sleep(0.3)
        if n == 0:
            shot(window, shots / "real-fullscreen.png")
            playing = window.player.player.playbackState()
            await xdotool("key", "space")
            seen["space_in_fullscreen"] = await until(
                lambda playing=playing: window.player.player.playbackState() != playing
            )
            full.hide_controls()
            centre = full.mapToGlobal(full.rect().center())
            await move_to(centre.x(), centre.y() - 40)
            await move_to(centre.x() + 30, centre.y())
            seen["controls_on_move"] = await until(full.controls.isVisible, 3)
        fills.append(ok and full.frameGeometry() == screen)
        await xdotool("key", "Escape")
        back.append(await until(lambda: not full.isVisible() and window.isActiveWindow()))
    seen["fullscreen_fills"] = fills
    seen["back_in_window"] = back

    # The job finishes while the creator works in another window: the desktop is told.
    other = QWidget()
    other.setWindowTitle("Another program")
    other.resize(300, 200)
    other.show()
    other.raise_()  # on top of the main window, as a program a person switches to
    await until(lambda: (handle := other.windowHandle()) is not None and handle.isExposed())
    await click(other)
    seen["other_window_active"] = await until(lambda: not window.isActiveWindow())
    # The first job may have ended while the window was in front (no notice then): a new
    # one is sent from here, so it surely ends while the creator is in the other window.
    told_before = window.services.notices.told
    await until(generate.isEnabled)
    generate.click()  # a click that does not bring the window to the front
    await until(lambda: window.services.model.rowCount() == 2)
    await until(lambda: window.services.model.job_at(0).state is JobState.DONE, 30)
    seen["notices_told"] = await until(lambda: window.services.notices.told > told_before)
    shot(window, shots / "real-notification.png")
    other.close()
    return seen


def open_window(home: str, base_url: str) -> tuple[MainWindow, Runtime, TaskGroup]:
    """The window as `wan-studio` builds it, on the test's simulator, asking before no
    price; not shown yet."""
    environ = {**os.environ, "AIMLAPI_KEY": TEST_KEY}
    options = RuntimeOptions(home=home, base_url=base_url, poll_interval=0.2, keep_trying=True)
    runtime = Runtime(options, environ, KeyStore(environ=environ))
    runtime.settings_file.save(runtime.settings_file.load().with_changes(confirm_above_usd=100))
    tasks = TaskGroup()
    return build_window(runtime, tasks), runtime, tasks


async def main(home: str, base_url: str, shots: Path) -> dict[str, Any]:
    window, runtime, tasks = open_window(home, base_url)
    window.resize(1280, 760)
    window.show()
    window.start()
    try:
        return await work(window, shots)
    finally:
        await shut_down(window, runtime, tasks)


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)  # as the app: the loop ends after shut_down
    loop = new_event_loop(app)
    asyncio.set_event_loop(loop)
    with closing(loop):
        result = loop.run_until_complete(main(sys.argv[1], sys.argv[2], Path(sys.argv[3])))
    print(json.dumps(result))

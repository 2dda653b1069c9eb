"""Drags a finished job out of the window with a real pointer (xdotool, under the test's
Xvfb and window manager) onto a drop target in another process, five times from the list
and five from the grid. Prints what arrived as one JSON line; the test judges it.

    python -m tests.ui.real_drag_driver HOME BASE_URL SAMPLE_LINK OUT_FILE"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

os.environ["QT_QPA_PLATFORM"] = "xcb"
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false")

from PySide6.QtWidgets import QApplication

from desktop_app.domain.job import JobState
from desktop_app.qt.event_loop import new_event_loop
from desktop_app.ui.main_window import MainWindow
from desktop_app.window_engine import shut_down
from tests.ui.real_window_driver import open_window, until, xdotool

TRIES = 5
TARGET = (960, 120)
"""Where the drop target's window is (300×300), right of the main window."""


def drops(out: Path) -> int:
    return len(out.read_text().splitlines()) if out.exists() else 0


async def drag_first_row(window: MainWindow) -> None:
    """Press on the first job, move in steps past the drag distance, release over the
    target: as a hand does."""
    view = window.jobs.view
    rect = view.visualRect(view.model().index(0, 0))
    start = view.viewport().mapToGlobal(rect.center())
    x, y = start.x(), start.y()
    tx, ty = TARGET[0] + 150, TARGET[1] + 150
    await xdotool("mousemove", str(x + 3), str(y + 3))
    await xdotool("mousemove", "--sync", str(x), str(y))
    await xdotool(
        "mousedown", "1", "sleep", "0.2",
        "mousemove", str(x + 12), str(y + 4), "sleep", "0.2",
        "mousemove", str(x + 40), str(y + 10), "sleep", "0.2",
        "mousemove", str((x + tx) // 2), str((y + ty) // 2), "sleep", "0.2",
        "mousemove", str(tx), str(ty), "sleep", "0.3",
        "mousemove", str(tx + 6), str(ty + 6), "sleep", "0.3",
        "mouseup", "1",
    )  # fmt: skip


async def until_target_shown() -> None:
    for _ in range(100):
        search = await asyncio.create_subprocess_exec(
            "xdotool", "search", "--onlyvisible", "--name", "Drop target",
            stdout=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        if await search.wait() == 0:
            await asyncio.sleep(0.5)  # placed by the window manager
            return
        await asyncio.sleep(0.1)


async def work(window: MainWindow, sample: str, out: Path) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    await until(window.isActiveWindow)
    window.references.add_links([sample])
    window.composer.prompt.setPlainText("character1 waves")
    await until(window.composer.generate_button.isEnabled)
    window.composer.generate_button.click()
    await until(lambda: window.services.model.rowCount() == 1)
    await until(lambda: window.services.model.job_at(0).state is JobState.DONE, 60)
    job = window.services.model.job_at(0)
    seen["file"] = str(job.file_path)
    target = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.ui.drop_target", str(out), *map(str, TARGET)
    )
    try:
        await until_target_shown()
        for mode in ("list", "grid"):
            window.state.grid.set(mode == "grid")
            await asyncio.sleep(0.3)
            results = []
            for _ in range(TRIES):
                before = drops(out)
                window.activateWindow()
                await drag_first_row(window)
                results.append(await until(lambda before=before: drops(out) > before, 5))
            seen[mode] = results
    finally:
        target.terminate()
        await target.wait()
    lines = out.read_text().splitlines() if out.exists() else []
    seen["drops"] = [json.loads(line) for line in lines]
    return seen


async def main(home: str, base_url: str, sample: str, out: Path) -> dict[str, Any]:
    window, runtime, tasks = open_window(home, base_url)
    window.setGeometry(0, 0, 900, 720)
    window.show()
    window.start()
    try:
        return await work(window, sample, out)
    finally:
        await shut_down(window, runtime, tasks)


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    loop = new_event_loop(app)
    asyncio.set_event_loop(loop)
    with closing(loop):
        result = loop.run_until_complete(
            main(sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4]))
        )
    print(json.dumps(result))

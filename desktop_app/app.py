"""The window's composition root, first frame first: the Qt application and the main
window with the creator's draft, on screen before anything of the engine is imported (no
network, keyring or journal yet). Then `window_engine` brings the runtime, attaches it,
and runs the loop. `wan-studio` with no command, and `python -m desktop_app`.

What is loaded when:
1. this module: Qt's widgets and multimedia, and the window's own parts (a structural
   test says none of them imports httpx, keyring or sqlite3);
2. after the first frame: `window_engine` (the window's loop, the runtime, the services),
   while a thread builds the TLS context (`api/tls.py`).

`wan-studio` tells PySide6's import hook not to read each module's source first
(`qt/import_hook.py`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from desktop_app.api.tls import TlsAhead
from desktop_app.exit_now import exit_now
from desktop_app.meta import APP_ID, APP_NAME, VERSION
from desktop_app.paths import AppPaths
from desktop_app.resources import app_icon
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.window_basics import WindowBasics

FIRST_FRAME_WAIT_MS = 500


def run_window(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    app, window = show_first_frame(args, environ)
    tls = TlsAhead(environ)  # on a thread, while the engine is imported
    from desktop_app.window_engine import run_engine

    code = run_engine(app, window, args, environ, tls.result)
    # Everything durable is done (journal closed, draft and window state written): the
    # process ends now rather than tear Qt down object by object. Not while it holds the
    # clipboard: Qt hands a copied clip to the desktop's clipboard manager as it ends.
    if not QApplication.clipboard().ownsClipboard():
        exit_now(code)
    return code


def show_first_frame(
    args: argparse.Namespace, environ: Mapping[str, str]
) -> tuple[QApplication, MainWindow]:
    """The Qt application and the window with the draft, painted; nothing of the engine."""
    app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(VERSION)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName(APP_ID)
    # The loop must outlive the window: closing it starts an orderly shut-down (tasks,
    # HTTP clients, journal) that ends the loop, not Qt quitting it underneath.
    app.setQuitOnLastWindowClosed(False)
    icon = app_icon()
    if icon is not None:
        app.setWindowIcon(QIcon(str(icon)))
    paths = AppPaths.resolve(args.home, environ)
    window = MainWindow(WindowBasics.at(paths.demo() if args.demo else paths, demo=args.demo))
    window.show()
    paint_first_frame(app, window)
    return app, window


def paint_first_frame(app: QApplication, window: MainWindow) -> None:
    """Return once the window is on screen and painted: the window system says so with an
    Expose, which may come a moment after `show` (a window manager maps it first). Half a
    second at most, for one that never says."""
    handle = window.windowHandle()
    if handle is not None and not handle.isExposed():
        waiting = QEventLoop()
        exposed = _QuitWhenExposed(waiting)
        handle.installEventFilter(exposed)
        QTimer.singleShot(FIRST_FRAME_WAIT_MS, waiting.quit)
        waiting.exec()
        handle.removeEventFilter(exposed)
    app.processEvents()


class _QuitWhenExposed(QObject):
    def __init__(self, loop: QEventLoop) -> None:
        super().__init__()
        self._loop = loop

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Expose:
            QTimer.singleShot(0, self._loop.quit)  # once Qt has painted what it exposed
        return False

"""The window's asyncio loop: qasync's, with one socket notifier kept per socket.

asyncio resumes reading a socket before each read that must wait, and pauses it after
(anyio, under httpx, does so for every chunk), and qasync makes a new QSocketNotifier and
connects a new slot at every resume, then defers the callback by one more timer. On a
clip streaming at hundreds of MB/s that was most of the GUI thread's time. Here a socket's
notifier is made once, switched on and off, and calls asyncio's handle directly.

On Windows qasync's loop is a proactor (completion ports, no readers): it is used as is.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from functools import partial
from typing import Any

import qasync  # type: ignore[import-untyped]
from PySide6.QtCore import QSocketNotifier
from PySide6.QtWidgets import QApplication


class _ReadersKeptLoop(qasync.QSelectorEventLoop):  # type: ignore[misc]
    def __init__(self, app: QApplication | None = None, **kwargs: Any) -> None:
        self._readers: dict[int, asyncio.Handle] = {}
        self._reader_notifiers: dict[int, QSocketNotifier] = {}
        super().__init__(app, **kwargs)

    def _add_reader(self, fd: Any, callback: Callable[..., object], *args: object) -> None:
        self._check_closed()
        number = qasync._fileno(fd)
        replaced = self._readers.get(number)
        if replaced is not None:
            replaced.cancel()
        self._readers[number] = asyncio.Handle(callback, args, self)
        notifier = self._reader_notifiers.get(number)
        if notifier is None:
            notifier = QSocketNotifier(number, QSocketNotifier.Type.Read)
            notifier.activated.connect(partial(self._readable, number))
            self._reader_notifiers[number] = notifier
        notifier.setEnabled(True)

    def _remove_reader(self, fd: Any) -> bool:
        if self.is_closed():
            return False
        number = qasync._fileno(fd)
        notifier = self._reader_notifiers.get(number)
        if notifier is not None:
            notifier.setEnabled(False)
        handle = self._readers.pop(number, None)
        if handle is None:
            return False
        handle.cancel()
        return True

    def _readable(self, number: int, *_signal: object) -> None:
        handle = self._readers.get(number)
        if handle is None or handle.cancelled():
            self._reader_notifiers[number].setEnabled(False)
            return
        handle._run()  # asyncio's own: errors go to the loop's exception handler

    def close(self) -> None:
        if not self.is_running() and not self.is_closed():
            for notifier in self._reader_notifiers.values():
                notifier.setEnabled(False)
                notifier.activated.disconnect()
            self._reader_notifiers.clear()
            self._readers.clear()
        super().close()


def new_event_loop(app: QApplication | None = None, **kwargs: Any) -> qasync.QEventLoop:
    """The loop the window runs on (`kwargs` are qasync's, `already_running` for tests)."""
    if os.name == "nt":
        return qasync.QEventLoop(app, **kwargs)
    return _ReadersKeptLoop(app, **kwargs)

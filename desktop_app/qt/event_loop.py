"""The window's asyncio loop: qasync's, with asyncio's own scheduling over one Qt timer,
and one socket notifier kept per socket.

qasync starts a Qt timer for every callback asyncio schedules: each `call_soon` (every
resumed task, every finished future) and each `call_later`. A timer that was cancelled
stays with Qt until it fires, and anyio arms a deadline around every read and write of
httpx, so hundreds of dead timeouts a second pile up there and each still fires into
Python. Here, as in asyncio's own loop, ready callbacks wait in a queue and timed ones in a
heap, cancelled ones are dropped from it, and a single Qt timer wakes the loop when the
first of them is due. Each wake runs the callbacks ready at that moment, then Qt's other
events (input, painting, sockets) come before the ones those callbacks scheduled.

asyncio resumes reading a socket before each read that must wait, and pauses it after
(anyio, under httpx, does so for every chunk), and qasync makes a new QSocketNotifier and
connects a new slot at every resume, then defers the callback by one more timer. Here a
socket's notifier is made once, switched on and off, and calls asyncio's handle directly.

On Windows qasync's loop is a proactor (completion ports, no readers): it is used as is.
"""

from __future__ import annotations

import asyncio
import heapq
import math
import os
from collections import deque
from collections.abc import Callable
from contextvars import Context
from functools import partial
from typing import Any

import qasync  # type: ignore[import-untyped]
from PySide6.QtCore import QSocketNotifier, Qt, QTimer
from PySide6.QtWidgets import QApplication

PRUNE_AT_LEAST = 100
"""Cancelled timed callbacks are dropped from the heap at once when there are more of
them than this and they are most of it (asyncio's own rule)."""


class _WindowLoop(qasync.QSelectorEventLoop):  # type: ignore[misc]
    # asyncio's own queue and heap, which its `close` clears, and the count of cancelled
    # timed callbacks in the heap, which `TimerHandle.cancel` keeps.
    _ready: deque[asyncio.Handle]
    _scheduled: list[asyncio.TimerHandle]
    _timer_cancelled_count: int
    _clock_resolution: float

    def __init__(self, app: QApplication | None = None, **kwargs: Any) -> None:
        self._readers: dict[int, asyncio.Handle] = {}
        self._reader_notifiers: dict[int, QSocketNotifier] = {}
        self._wake = QTimer()
        self._wake.setSingleShot(True)
        self._wake.setTimerType(Qt.TimerType.PreciseTimer)
        self._wake.timeout.connect(self._run_due)
        self._wake_at: float | None = None
        super().__init__(app, **kwargs)

    def call_soon(
        self, callback: Callable[..., object], *args: object, context: Context | None = None
    ) -> asyncio.Handle:
        self._check_closed()
        handle = asyncio.Handle(callback, args, self, context)
        self._ready.append(handle)
        self._wake_by(self.time())
        return handle

    def call_later(
        self,
        delay: float,
        callback: Callable[..., object],
        *args: object,
        context: Context | None = None,
    ) -> asyncio.TimerHandle:
        return self.call_at(self.time() + delay, callback, *args, context=context)

    def call_at(
        self,
        when: float,
        callback: Callable[..., object],
        *args: object,
        context: Context | None = None,
    ) -> asyncio.TimerHandle:
        self._check_closed()
        timer = asyncio.TimerHandle(when, callback, args, self, context)
        heapq.heappush(self._scheduled, timer)
        _set_scheduled(timer, True)
        self._wake_by(when)
        return timer

    def _wake_by(self, when: float) -> None:
        if self._wake_at is not None and self._wake_at <= when:
            return
        self._wake_at = when
        self._wake.start(max(0, math.ceil((when - self.time()) * 1000)))

    def _run_due(self) -> None:
        """Run what is due now: the queue as it stands, with the timed callbacks whose time
        has come; what they schedule waits for the next wake."""
        self._wake_at = None
        try:
            self._drop_cancelled()
            due_by = self.time() + self._clock_resolution
            while self._scheduled and self._scheduled[0].when() <= due_by:
                timer = heapq.heappop(self._scheduled)
                _set_scheduled(timer, False)
                self._ready.append(timer)
            for _ in range(len(self._ready)):
                if not self._ready:  # a modal dialog's own loop, opened by one, ran the rest
                    break
                handle = self._ready.popleft()
                if not handle.cancelled():
                    handle._run()  # asyncio's own: errors go to the exception handler
        finally:
            self._wake_next()

    def _drop_cancelled(self) -> None:
        scheduled = self._scheduled
        if len(scheduled) > PRUNE_AT_LEAST and self._timer_cancelled_count > len(scheduled) / 2:
            kept = []
            for timer in scheduled:
                if timer.cancelled():
                    _set_scheduled(timer, False)
                else:
                    kept.append(timer)
            heapq.heapify(kept)
            self._scheduled = kept
            self._timer_cancelled_count = 0
            return
        while scheduled and scheduled[0].cancelled():
            self._timer_cancelled_count -= 1
            _set_scheduled(heapq.heappop(scheduled), False)

    def _wake_next(self) -> None:
        if self.is_closed():
            return
        self._drop_cancelled()
        if self._ready:
            self._wake_by(self.time())
        elif self._scheduled:
            self._wake_by(self._scheduled[0].when())

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
            self._wake.stop()
            self._wake_at = None
            for notifier in self._reader_notifiers.values():
                notifier.setEnabled(False)
                notifier.activated.disconnect()
            self._reader_notifiers.clear()
            self._readers.clear()
        super().close()


def _set_scheduled(timer: asyncio.TimerHandle, scheduled: bool) -> None:
    """Whether `timer` is in the heap: its `cancel` counts it as cancelled there only then."""
    timer._scheduled = scheduled  # type: ignore[attr-defined]


def new_event_loop(app: QApplication | None = None, **kwargs: Any) -> qasync.QEventLoop:
    """The loop the window runs on (`kwargs` are qasync's, `already_running` for tests)."""
    if os.name == "nt":
        return qasync.QEventLoop(app, **kwargs)
    return _WindowLoop(app, **kwargs)

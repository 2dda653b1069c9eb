"""The window's asyncio loop: asyncio's own selector loop, run one step at a time from Qt's
event loop, on asyncio's public API only.

Qt's loop is the one that waits. It wakes asyncio's for three things, each with one Qt
object: the selector's own descriptor is readable (a socket is ready, another thread
called `call_soon_threadsafe`, a signal came: one socket notifier), or a callback was
scheduled with `call_soon`, or the first timed callback is due (one Qt timer, set for the
earliest). A wake runs one step of asyncio's loop (`run_forever` with `stop` scheduled
first): the I/O that is ready, the timed callbacks that are due and the callbacks ready at
that moment. What they schedule waits for the next wake, so Qt's own events (input,
painting) come in between. The only overrides are public methods (`call_soon`, `call_at`,
`run_forever`, `stop`, `close`), each calling asyncio's own; asyncio's checks (debug mode,
slow callbacks, `call_soon_threadsafe` from any thread, signal handlers) are its own.

Between steps the loop is not running: code on the GUI thread outside a coroutine makes
tasks with `loop.create_task` or `asyncio.ensure_future`, never `asyncio.create_task`.
A Qt loop opened inside a step (a modal dialog's `exec()` from a coroutine) runs no step
while it is open, since steps do not nest: asyncio waits for it to close, then goes on,
and no task breaks. One opened from a Qt slot leaves asyncio running, as it should.

On Windows the loop is qasync's (a proactor: completion ports, no selector), as is.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import math
import os
import selectors
import signal
import threading
from collections.abc import Callable
from contextvars import Context
from functools import partial
from types import FrameType

from PySide6.QtCore import QEventLoop, QSocketNotifier, Qt, QTimer
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

PRUNE_AT_LEAST = 100
"""The wake-up heap is rebuilt without cancelled timers once it holds this many and twice
what it held after the last rebuild (anyio arms, then cancels, a deadline around every
read of httpx: thousands a second while a clip downloads)."""


class WindowLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        selector = selectors.DefaultSelector()
        self._qt_owner = threading.get_ident()
        self._qt_timers: list[tuple[float, int, asyncio.TimerHandle]] = []
        """When each timed callback is due, earliest first (asyncio's heap is its own)."""
        self._qt_order = itertools.count()
        self._qt_prune_at = PRUNE_AT_LEAST
        self._qt_soon = False
        """A callback was scheduled since the last step began: the next step is due now."""
        self._qt_in_step = False
        self._qt_told_nested = False
        self._qt_extra_steps = 0
        self._qt_from_thread = False
        self._qt_outer: QEventLoop | None = None
        self._qt_wake = QTimer()
        self._qt_wake.setSingleShot(True)
        self._qt_wake.setTimerType(Qt.TimerType.PreciseTimer)
        self._qt_wake.timeout.connect(self._qt_step)
        self._qt_wake_at: float | None = None
        super().__init__(selector)
        self._qt_readable = QSocketNotifier(selector.fileno(), QSocketNotifier.Type.Read)
        self._qt_readable.activated.connect(self._qt_step)

    # -- what asyncio schedules -------------------------------------------------------------

    def call_soon(
        self, callback: Callable[..., object], *args: object, context: Context | None = None
    ) -> asyncio.Handle:
        if self.get_debug() and threading.get_ident() != self._qt_owner:
            # asyncio checks only while a step runs; between steps it is checked here.
            raise RuntimeError(
                "Non-thread-safe operation invoked on an event loop other than the current one"
            )
        handle = super().call_soon(callback, *args, context=context)
        self._qt_soon = True
        self._qt_wake_by(self.time())
        return handle

    def call_soon_threadsafe(
        self, callback: Callable[..., object], *args: object, context: Context | None = None
    ) -> asyncio.Handle:
        # Another thread: asyncio queues the callback, then writes to its pipe, and the
        # step that drains the pipe may have begun before the callback was queued. The
        # flag (set first) asks for one more step after it. A plain write: no Qt here.
        self._qt_from_thread = True
        return super().call_soon_threadsafe(callback, *args, context=context)

    def call_at(
        self,
        when: float,
        callback: Callable[..., object],
        *args: object,
        context: Context | None = None,
    ) -> asyncio.TimerHandle:
        timer = super().call_at(when, callback, *args, context=context)
        heapq.heappush(self._qt_timers, (timer.when(), next(self._qt_order), timer))
        self._qt_wake_by(timer.when())
        return timer

    def add_signal_handler(self, sig: int, callback: Callable[..., object], *args: object) -> None:
        super().add_signal_handler(sig, callback, *args)
        # asyncio queues the callback straight onto its ready queue when a step reads the
        # signal's byte from its pipe, not through `call_soon`: the Python-level handler
        # (which asyncio leaves empty) asks for the two steps that takes.
        signal.signal(sig, self._qt_signalled)

    def _qt_signalled(self, signum: int, frame: FrameType | None) -> None:
        self._qt_extra_steps = 2
        self._qt_wake_by(self.time())

    # -- steps -------------------------------------------------------------------------------

    def _qt_wake_by(self, when: float) -> None:
        if self._qt_wake_at is not None and self._qt_wake_at <= when:
            return
        self._qt_wake_at = when
        self._qt_wake.start(max(0, math.ceil((when - self.time()) * 1000)))

    def _qt_step(self, *_signal: object) -> None:
        """One step of asyncio's loop: ready I/O, due timers, ready callbacks."""
        self._qt_wake_at = None
        if self._qt_in_step:
            if not self._qt_told_nested:
                self._qt_told_nested = True
                log.warning("a Qt loop was opened inside an asyncio step: asyncio waits for it")
            return  # the step's end wakes the next one
        if self.is_closed() or self.is_running():
            return
        started = self.time()
        self._qt_soon = False
        self._qt_told_nested = False
        self._qt_in_step = True
        self._qt_readable.setEnabled(False)  # level-triggered: no wakes while a step runs
        try:
            super().call_soon(partial(asyncio.SelectorEventLoop.stop, self))
            super().run_forever()
        finally:
            self._qt_in_step = False
            if not self.is_closed():
                self._qt_readable.setEnabled(True)
                self._qt_wake_next(started)

    def _qt_wake_next(self, started: float) -> None:
        """Set the one timer for what comes next: now, or the first timed callback."""
        timers = self._qt_timers
        if len(timers) >= self._qt_prune_at:
            timers[:] = [entry for entry in timers if not entry[2].cancelled()]
            heapq.heapify(timers)
            self._qt_prune_at = max(PRUNE_AT_LEAST, 2 * len(timers))
        # Those due when the step began ran in it; cancelled ones never will.
        while timers and (timers[0][0] <= started or timers[0][2].cancelled()):
            heapq.heappop(timers)
        from_thread, self._qt_from_thread = self._qt_from_thread, False
        if self._qt_extra_steps:
            self._qt_extra_steps -= 1
            self._qt_wake_by(self.time())
        elif self._qt_soon or from_thread:
            self._qt_wake_by(self.time())
        elif timers:
            self._qt_wake_by(timers[0][0])

    # -- running and closing -----------------------------------------------------------------

    def run_forever(self) -> None:
        """Run Qt's event loop, which runs this one a step at a time, until `stop`."""
        if self.is_closed():
            raise RuntimeError("Event loop is closed")
        if self._qt_outer is not None or self.is_running():
            raise RuntimeError("This event loop is already running")
        self._qt_outer = outer = QEventLoop()
        self._qt_wake_next(self.time())
        try:
            outer.exec()
        finally:
            self._qt_outer = None

    def stop(self) -> None:
        super().stop()
        if self._qt_outer is not None:
            self._qt_outer.exit()

    def close(self) -> None:
        if self.is_running() or self._qt_outer is not None:
            raise RuntimeError("Cannot close a running event loop")
        if not self.is_closed():
            self._qt_wake.stop()
            self._qt_wake_at = None
            self._qt_readable.setEnabled(False)
            self._qt_readable.activated.disconnect()
            self._qt_timers.clear()
        super().close()


def new_event_loop(app: QApplication | None = None) -> asyncio.AbstractEventLoop:
    """The loop the window runs on (made once the QApplication exists)."""
    if os.name == "nt":
        import qasync  # type: ignore[import-untyped]

        loop: asyncio.AbstractEventLoop = qasync.QEventLoop(app)
        return loop
    return WindowLoop()

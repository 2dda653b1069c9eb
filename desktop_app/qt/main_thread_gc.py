"""MainThreadGarbageCollector: Python's cyclic garbage collection, run on the GUI thread.

Left automatic, a collection can start on any thread that allocates (the asyncio worker
threads, the demo simulator's threads) and destroy Qt objects there, which Qt forbids
("Timers cannot be stopped from another thread") and which can crash the process. So
automatic collection is turned off and a timer on the GUI thread collects instead, by
the same thresholds. (The pattern calibre and other PyQt apps use.)
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000


class MainThreadGarbageCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._threshold = gc.get_threshold()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect_due)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()

    def set_aside_startup(self) -> None:
        """Objects alive once the window is built (modules, classes, widgets) live as long
        as the process: later full collections skip them (gc.freeze). A full collection
        then takes well under a millisecond instead of ~18 ms on the GUI thread."""
        gc.freeze()

    def collect_due(self) -> None:
        """Collect the generations whose thresholds are passed, youngest first."""
        young, middle, old = gc.get_count()
        if young > self._threshold[0]:
            gc.collect(0)
            if middle > self._threshold[1]:
                gc.collect(1)
                if old > self._threshold[2]:
                    gc.collect(2)

    def stop(self) -> None:
        """Collect everything now (on this thread) and give collection back to Python."""
        self._timer.stop()
        gc.unfreeze()
        gc.collect()
        if self._was_enabled:
            gc.enable()

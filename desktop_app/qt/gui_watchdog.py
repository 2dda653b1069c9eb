"""GuiWatchdog: when the window stops answering, where it stuck is written down.

A timer on the GUI thread re-arms faulthandler's watchdog every few seconds. That watchdog
is a C thread that needs neither the GUI thread nor the interpreter lock, so it still runs
when the GUI thread is stuck inside Qt holding the lock (the freeze of issue #25): if it is
not re-armed for `stuck_after` seconds, it writes every thread's Python stack to the
stacks file. The file is kept across runs (a creator restarts a frozen app before reporting
it) and trimmed to its last part when it grows large."""

from __future__ import annotations

import faulthandler
import logging
import time
from pathlib import Path
from typing import IO

from PySide6.QtCore import QObject, QTimer

from desktop_app.files import private_file

STUCK_AFTER_S = 10.0
REARM_EVERY_MS = 2_000
KEEP_BYTES = 256_000
"""The stacks file is cut to its last part when it is this large at a start."""

log = logging.getLogger(__name__)


class GuiWatchdog(QObject):
    def __init__(
        self,
        stacks_file: Path,
        *,
        stuck_after: float = STUCK_AFTER_S,
        rearm_every_ms: int = REARM_EVERY_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.stacks_file = stacks_file
        self._stuck_after = stuck_after
        self._file: IO[str] | None = None
        self._last = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(rearm_every_ms)
        self._timer.timeout.connect(self._rearm)

    def start(self) -> None:
        if self.stacks_file.exists() and not self.stacks_file.is_file():
            log.warning("No watch on the window: %s is not a regular file", self.stacks_file)
            return
        try:
            _trim(self.stacks_file)
            private_file(self.stacks_file)
            self._file = self.stacks_file.open("a", encoding="utf-8")
            self._file.write(f"\n--- {time.strftime('%Y-%m-%d %H:%M:%S')}: window started ---\n")
            self._file.flush()
        except OSError as error:
            log.warning("No watch on the window: cannot write %s (%s)", self.stacks_file, error)
            return
        log.info(
            "If the window stops answering for %.0f s, every thread's stack is written to %s",
            self._stuck_after,
            self.stacks_file,
        )
        self._last = time.monotonic()
        self._arm()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        faulthandler.cancel_dump_traceback_later()
        if self._file is not None:
            self._file.close()
            self._file = None

    def _rearm(self) -> None:
        now = time.monotonic()
        late = now - self._last
        self._last = now
        if late >= self._stuck_after:
            log.warning(
                "The window did not answer for %.1f s; the stacks of that moment are in %s",
                late,
                self.stacks_file,
            )
        self._arm()

    def _arm(self) -> None:
        if self._file is not None:
            faulthandler.dump_traceback_later(self._stuck_after, file=self._file)


def _trim(path: Path) -> None:
    """Keep the last KEEP_BYTES of a large stacks file."""
    if path.exists() and path.stat().st_size > KEEP_BYTES:
        with path.open("rb") as old:
            old.seek(-KEEP_BYTES, 2)
            tail = old.read()
        path.write_bytes(tail)

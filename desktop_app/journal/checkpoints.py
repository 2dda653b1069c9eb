"""Checkpoints: the journal's write-ahead log copied into its database on a thread of its own.

SQLite checkpoints by itself inside whichever commit fills the log past 1,000 pages, and a
checkpoint syncs two files: on a disk busy with a clip download that held the event loop
for a tenth of a second. The journal turns that off and tells this thread after each
write; the thread checkpoints (PASSIVE: writers and readers go on meanwhile) once the
writes have settled for a moment, and ends when no write came since its last checkpoint.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger(__name__)

SETTLE_SECONDS = 1.0
"""How long after a write the checkpoint waits, so that a burst of writes shares one."""


class Checkpoints:
    def __init__(self, path: Path, settle: float = SETTLE_SECONDS) -> None:
        self._path = path
        self._settle = settle
        self._lock = threading.Lock()
        self._written = False
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def written(self) -> None:
        """The journal committed a write: checkpoint it soon."""
        with self._lock:
            self._written = True
            if self._thread is None and not self._stopping.is_set():
                self._thread = threading.Thread(
                    target=self._run, name="wan-studio-checkpoints", daemon=True
                )
                self._thread.start()

    def stop(self) -> None:
        """End the thread, after the checkpoint it may be doing (closing the journal's own
        connection then checkpoints what is left)."""
        self._stopping.set()
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        while not self._stopping.wait(self._settle):
            with self._lock:
                if not self._written:
                    self._thread = None
                    return
                self._written = False
            try:
                db = sqlite3.connect(self._path, timeout=10.0)
                try:
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)")
                finally:
                    db.close()
            except sqlite3.Error as error:  # the next write tries again; the log only grows
                log.warning("journal checkpoint failed: %s", error)

"""What can be done about a damaged journal: tell whether it is, and move it aside (never
delete it)."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path


def healthy_job_count(path: Path) -> int | None:
    """How many jobs the journal at `path` holds when SQLite finds it whole (read only,
    nothing written); None when it is damaged or cannot be read."""
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            return None
        return int(db.execute("SELECT COUNT(*) FROM jobs").fetchone()[0])
    except sqlite3.Error:
        return None
    finally:
        db.close()


def set_aside(path: Path) -> Path:
    """Move a damaged journal (with its -wal and -shm files) aside, never deleting it, so a
    new one can start. Returns where it went."""
    aside = path.with_name(f"{path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
    for suffix in ("", "-wal", "-shm"):
        part = path.with_name(path.name + suffix)
        if part.exists():
            os.replace(part, aside.with_name(aside.name + suffix))
    return aside

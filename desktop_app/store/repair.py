"""What can be done about a damaged journal: move it aside (never delete it)."""

from __future__ import annotations

import os
import time
from pathlib import Path


def set_aside(path: Path) -> Path:
    """Move a damaged journal (with its -wal and -shm files) aside, never deleting it, so a
    new one can start. Returns where it went."""
    aside = path.with_name(f"{path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
    for suffix in ("", "-wal", "-shm"):
        part = path.with_name(path.name + suffix)
        if part.exists():
            os.replace(part, aside.with_name(aside.name + suffix))
    return aside

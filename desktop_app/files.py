"""Files Wan Studio writes: private (readable by the user only: the journal holds prompts,
links with credentials and signed result links), written atomically, and durable (the
folder is synced after a rename, so a crash cannot lose the new name)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def private_dir(path: Path) -> Path:
    """Make `path` (and missing parents) a folder only the user can read."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(path, PRIVATE_DIR)
    return path


def private_file(path: Path) -> Path:
    """Create `path` if missing, readable by the user only."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE))
    if os.name == "posix":
        os.chmod(path, PRIVATE_FILE)
    return path


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data`: a private temporary file, fsync, rename, folder fsync.
    The temporary file's name is this write's own: processes writing the same file at
    once each rename a whole file, and the last one wins."""
    fd, tmp_name = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX; elsewhere the rename itself is)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

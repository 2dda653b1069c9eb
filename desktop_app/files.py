"""Files Wan Studio writes: private (readable by the user only: the journal holds prompts,
links with credentials and signed result links), written atomically, and durable (the
folder is synced after a rename, so a crash cannot lose the new name)."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import BinaryIO

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
CLIP_FILE = 0o644
"""A saved clip: the creator's to share, never writable by others (whatever the umask)."""


def new_dirs(path: Path) -> Path:
    """Create `path` and its missing parents, each readable by the user only whatever the
    umask (`mkdir(parents=True)` makes parents by the umask: 0777 under umask 000); folders
    that exist are left as they are."""
    missing = []
    folder = path
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            continue  # made by another process meanwhile
        if os.name == "posix":
            os.chmod(folder, PRIVATE_DIR)
    return path


def private_dir(path: Path) -> Path:
    """Make `path` (and missing parents) a folder only the user can read."""
    new_dirs(path)
    if os.name == "posix":
        os.chmod(path, PRIVATE_DIR)
    return path


class NotAFileError(OSError):
    """Something that is not a regular file (a FIFO, a device, a folder) stands where the
    app keeps a file: it is never opened (a FIFO would block for ever)."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            errno.EINVAL, "it is not a regular file (a folder, a FIFO or a device)", str(path)
        )


def refuse_special(path: Path) -> None:
    """NotAFileError when `path` exists and is not a regular file (links followed)."""
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return
    if not stat.S_ISREG(info.st_mode):
        raise NotAFileError(path)


def open_regular(path: Path) -> BinaryIO:
    """`path` opened for reading, never blocking on a FIFO put there (NotAFileError)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotAFileError(path)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def private_file(path: Path) -> Path:
    """Create `path` if missing, readable by the user only (NotAFileError: something else
    stands there)."""
    refuse_special(path)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | getattr(os, "O_NONBLOCK", 0), PRIVATE_FILE)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotAFileError(path)
    finally:
        os.close(fd)
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

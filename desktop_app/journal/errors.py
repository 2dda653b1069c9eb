"""What the store says when a job someone named is not there, or not only one is."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from desktop_app.domain.errors import InvalidInputError, StorageError


class JobNotFoundError(InvalidInputError, LookupError):
    pass


class AmbiguousJobError(InvalidInputError, LookupError):
    pass


class JournalUnusableError(StorageError):
    """The journal cannot be opened or written: the folder, the disk or the file itself."""

    def __init__(self, message: str, path: Path) -> None:
        self.path = path
        super().__init__(message)


class BrokenJournalError(JournalUnusableError):
    """The journal file is not a readable SQLite database (corrupt or truncated). It can be
    moved aside (never deleted) and a new one started."""


class ForeignDatabaseError(JournalUnusableError):
    """The file where the journal should be is another program's SQLite database: it is
    never written to."""


def storage_error(error: Exception, path: Path) -> JournalUnusableError:
    """The sentence for what SQLite or the file system said about the journal at `path`."""
    text = str(error).lower()
    if isinstance(error, sqlite3.DatabaseError) and (
        "not a database" in text or "malformed" in text or "disk image" in text
    ):
        return BrokenJournalError(
            f"The job journal {path} is damaged and cannot be read ({error}). Wan Studio can "
            "move it aside (it is kept, never deleted) and start a new one.",
            path,
        )
    if "full" in text or getattr(error, "errno", None) == errno.ENOSPC:
        return JournalUnusableError(
            f"The disk is full: the job journal {path} cannot be written. Free some space, "
            "then try again.",
            path,
        )
    reason = getattr(error, "strerror", None) or str(error)
    return JournalUnusableError(
        f"Wan Studio cannot use its data folder {path.parent} ({reason}). Choose another one "
        "with --home (or WAN_STUDIO_HOME), or make this one writable.",
        path,
    )

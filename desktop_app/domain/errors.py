"""The root of every error Wan Studio raises on purpose, and the five kinds it comes in.

Every layer derives its errors from one of these, so the window and the command line can
decide what to do (and which exit code to use) from the type alone.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCategory(StrEnum):
    INVALID_INPUT = "invalid_input"
    """What was asked breaks a rule; nothing was sent."""
    REFUSED = "refused"
    """The service answered no: the key, the account, or the request itself."""
    NETWORK = "network"
    """No usable answer came: the connection, the server, or a proxy in between."""
    GENERATION_FAILED = "generation_failed"
    """The service took the job but could not make the clip, or the clip is gone."""
    STORAGE = "storage"
    """The data folder, the journal or the disk failed."""


class ErrorKind(StrEnum):
    """What went wrong, for the code that decides what to do next (a job keeps it in the
    journal): never a class name compared as a string."""

    KEY_REFUSED = "key_refused"
    NO_CREDITS = "no_credits"
    REQUEST_REJECTED = "request_rejected"
    NOT_FOUND = "not_found"
    RATE_LIMITED = "rate_limited"
    SERVER = "server"
    BAD_RESPONSE = "bad_response"
    NETWORK = "network"
    INTERRUPTED = "interrupted"
    NOT_ACCEPTED = "not_accepted"
    """An unknown submission the request log shows was never received, or refused."""
    GENERATION_FAILED = "generation_failed"
    LOST = "lost"
    NO_END = "no_end"
    """Followed for hours with no end: no longer followed by itself."""
    DOWNLOAD = "download"
    STORAGE_NOT_SET_UP = "storage_not_set_up"
    STORAGE_REFUSED = "storage_refused"
    STORAGE = "storage"
    INVALID_INPUT = "invalid_input"
    UNREADABLE = "unreadable"
    OTHER = "other"


class WanStudioError(Exception):
    """Root of the app's errors. `explain()` is the sentence a creator is shown."""

    category: ErrorCategory = ErrorCategory.INVALID_INPUT
    kind: ErrorKind = ErrorKind.OTHER
    status: int | None = None
    request_id: str | None = None

    def explain(self) -> str:
        return str(self)


class InvalidInputError(WanStudioError):
    category = ErrorCategory.INVALID_INPUT
    kind = ErrorKind.INVALID_INPUT


class ServiceRefusedError(WanStudioError):
    category = ErrorCategory.REFUSED


class NetworkProblemError(WanStudioError):
    category = ErrorCategory.NETWORK
    kind = ErrorKind.NETWORK


class GenerationFailedError(WanStudioError):
    category = ErrorCategory.GENERATION_FAILED
    kind = ErrorKind.GENERATION_FAILED


class StorageError(WanStudioError):
    category = ErrorCategory.STORAGE
    kind = ErrorKind.STORAGE

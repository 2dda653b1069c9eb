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


class WanStudioError(Exception):
    """Root of the app's errors. `explain()` is the sentence a creator is shown."""

    category: ErrorCategory = ErrorCategory.INVALID_INPUT
    status: int | None = None
    request_id: str | None = None

    def explain(self) -> str:
        return str(self)


class InvalidInputError(WanStudioError):
    category = ErrorCategory.INVALID_INPUT


class ServiceRefusedError(WanStudioError):
    category = ErrorCategory.REFUSED


class NetworkProblemError(WanStudioError):
    category = ErrorCategory.NETWORK


class GenerationFailedError(WanStudioError):
    category = ErrorCategory.GENERATION_FAILED


class StorageError(WanStudioError):
    category = ErrorCategory.STORAGE

"""Where the creator's clips go (the storage settings as the engine uses them), what a
signed link is, and the storage's errors: no S3 client here, so that nothing imports one
before a clip is actually uploaded."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.domain.base_url import endpoint_problem
from desktop_app.domain.errors import ErrorKind, InvalidInputError, NetworkProblemError
from desktop_app.domain.errors import ServiceRefusedError as _Refused


class StorageNotSetUpError(InvalidInputError):
    """No storage is set up (or its keys are missing): a local clip cannot be sent."""

    kind = ErrorKind.STORAGE_NOT_SET_UP


class StorageRefusedError(_Refused):
    """The storage refused the keys or the bucket."""

    kind = ErrorKind.STORAGE_REFUSED


class StorageUnreachableError(NetworkProblemError):
    """The storage could not be reached."""


@dataclass(frozen=True)
class StorageConfig:
    endpoint: str
    bucket: str
    region: str = "us-east-1"
    prefix: str = "wan-studio/"
    link_hours: int = 24

    def problem(self) -> str | None:
        """Why this cannot be used, or None."""
        if not self.endpoint or not self.bucket:
            return "No storage is set up for local clips (an endpoint and a bucket)."
        return endpoint_problem(self.endpoint)


@dataclass(frozen=True)
class SignedLink:
    url: str
    expires_at: float

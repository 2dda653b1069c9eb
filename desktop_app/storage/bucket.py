"""ClipBucket: the creator's S3-compatible bucket, through obstore (a kept library: async,
SigV4 signing, multipart uploads; no hand-written signing here).

An object's key is the prefix, the SHA-256 of its bytes and its extension: the same clip is
uploaded once. Large clips go up in parts; a stopped upload never leaves a visible object
(S3 shows an object only once its last part is in). Links are query-signed GETs that
expire."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import obstore
from obstore.exceptions import BaseError
from obstore.store import S3Store

from desktop_app.domain.base_url import is_loopback_host
from desktop_app.domain.errors import ErrorKind, InvalidInputError, NetworkProblemError
from desktop_app.domain.errors import ServiceRefusedError as _Refused

PART_BYTES = 8 * 1024 * 1024
"""Clips larger than this go up in parts of this size (S3's smallest part is 5 MB)."""
READ_BYTES = 1024 * 1024

UploadProgress = Callable[[int, int], None]
"""(bytes sent, bytes in all)."""


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
        parts = urlsplit(self.endpoint)
        if parts.scheme == "https" and parts.hostname:
            return None
        if parts.scheme == "http" and parts.hostname and is_loopback_host(parts.hostname):
            return None
        return (
            "The storage endpoint must be an https:// address; only this computer "
            "(localhost, 127.0.0.1, ::1) may use http://."
        )


@dataclass(frozen=True)
class SignedLink:
    url: str
    expires_at: float


class ClipBucket:
    def __init__(self, config: StorageConfig, key_id: str, secret: str) -> None:
        self.config = config
        self._store = S3Store(
            config.bucket,
            endpoint=config.endpoint.rstrip("/"),
            region=config.region,
            access_key_id=key_id,
            secret_access_key=secret,
            virtual_hosted_style_request=False,
            client_options={"allow_http": config.endpoint.startswith("http://")},
            retry_config={"max_retries": 2, "retry_timeout": timedelta(seconds=20),
                          "backoff": {"init_backoff": timedelta(milliseconds=200),
                                      "max_backoff": timedelta(seconds=2), "base": 2}},
        )  # fmt: skip

    def key_for(self, sha256: str, path: Path) -> str:
        return f"{self.config.prefix}{sha256}{path.suffix.lower() or '.mp4'}"

    async def has(self, key: str, size: int) -> bool:
        """An object is there with this key and size (then it is not uploaded again)."""
        try:
            meta = await obstore.head_async(self._store, key)
        except FileNotFoundError:
            return False
        except (BaseError, OSError) as error:  # obstore's "not found" is an OSError
            raise _storage_error(error) from None
        return int(meta["size"]) == size

    async def upload(self, path: Path, key: str, size: int, progress: UploadProgress) -> None:
        """Put the clip as `key`, in parts when it is large, reporting bytes sent."""
        try:
            await obstore.put_async(
                self._store,
                key,
                _chunks(path, size, progress),
                use_multipart=size > PART_BYTES,
                chunk_size=PART_BYTES,
                max_concurrency=4,
            )
        except (BaseError, OSError) as error:  # obstore's "not found" is an OSError
            raise _storage_error(error) from None

    def sign(self, key: str) -> SignedLink:
        """A query-signed GET link to `key` that works for the configured hours."""
        hours = self.config.link_hours
        url = obstore.sign(self._store, "GET", key, timedelta(hours=hours))
        return SignedLink(url, time.time() + hours * 3600)

    async def check(self) -> None:
        """One harmless signed request (a listing of the prefix): raises when the keys or
        the bucket are refused, or the storage cannot be reached."""
        try:
            await obstore.list_with_delimiter_async(self._store, self.config.prefix)
        except (BaseError, OSError) as error:  # obstore's "not found" is an OSError
            raise _storage_error(error) from None


async def _chunks(path: Path, size: int, progress: UploadProgress) -> AsyncIterator[bytes]:
    """The clip's bytes, as obstore asks for them, on the event loop: cancelling the upload
    stops the reading, and `progress` is told on the loop's thread."""
    sent = 0
    with path.open("rb") as file:
        while block := await asyncio.to_thread(file.read, READ_BYTES):
            sent += len(block)
            progress(sent, size)
            yield block


def file_sha256(path: Path) -> str:
    """The clip's SHA-256 (run on a worker thread: it reads the whole file)."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(READ_BYTES):
            digest.update(block)
    return digest.hexdigest()


_REFUSED = ("SignatureDoesNotMatch", "InvalidAccessKeyId", "AccessDenied", "NoSuchBucket",
            "403 Forbidden", "401 Unauthorized", "lacked the necessary privileges")  # fmt: skip


def _storage_error(error: Exception) -> Exception:
    text = str(error)
    reason = next((word for word in _REFUSED if word in text), None)
    if reason is not None:
        what = "the bucket does not exist" if reason == "NoSuchBucket" else "the keys were refused"
        return StorageRefusedError(
            f"Your storage refused the upload: {what} ({reason}). Check the endpoint, the "
            "bucket and the keys with `wan-studio storage status --check` (or Settings › "
            "Storage › Test). Nothing was sent to the service."
        )
    return StorageUnreachableError(
        "Your storage could not be reached, so the local clip was not uploaded and nothing "
        "was sent to the service. Check the endpoint and your connection, then try again."
    )


async def check_storage(config: StorageConfig, key_id: str, secret: str) -> None:
    """Settings › Storage › Test: one harmless signed request with these settings."""
    problem = config.problem()
    if problem:
        raise StorageNotSetUpError(problem)
    await ClipBucket(config, key_id, secret).check()

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
from datetime import timedelta
from pathlib import Path

import obstore
from obstore.exceptions import BaseError
from obstore.store import S3Store

from desktop_app.uploads.clip_file import ClipFileError
from desktop_app.uploads.config import (
    SignedLink,
    StorageConfig,
    StorageNotSetUpError,
    StorageRefusedError,
    StorageUnreachableError,
)

PART_BYTES = 8 * 1024 * 1024
"""Clips larger than this go up in parts of this size (S3's smallest part is 5 MB)."""
READ_BYTES = 1024 * 1024
"""Bytes read from the clip at a time, on a worker thread."""

UploadProgress = Callable[[int, int], None]
"""(bytes sent, bytes in all)."""


class ClipChangedError(ClipFileError):
    """The clip's file changed while it was being uploaded: nothing was sent."""


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

    async def upload(
        self, path: Path, key: str, size: int, sha256: str, progress: UploadProgress
    ) -> None:
        """Put the clip as `key`, in parts when it is large, reporting bytes sent. The bytes
        sent are hashed as they go: a clip rewritten since `sha256` was taken of it is
        taken out of the bucket again (its name would lie) and ClipChangedError raised."""
        sent = hashlib.sha256()
        try:
            await obstore.put_async(
                self._store,
                key,
                _chunks(path, size, progress, sent),
                use_multipart=size > PART_BYTES,
                chunk_size=PART_BYTES,
                max_concurrency=4,
            )
            if sent.hexdigest() != sha256:
                await obstore.delete_async(self._store, key)
                raise ClipChangedError(
                    f"{path.name} changed while it was being uploaded, so nothing was sent. "
                    "Send it again once the file is finished."
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


async def _chunks(
    path: Path, size: int, progress: UploadProgress, digest: hashlib._Hash
) -> AsyncIterator[bytes]:
    """The clip's bytes, as obstore asks for them, on the event loop: cancelling the upload
    stops the reading, `progress` is told on the loop's thread, and `digest` takes each."""
    sent = 0
    with path.open("rb") as file:
        while block := await asyncio.to_thread(file.read, READ_BYTES):
            sent += len(block)
            digest.update(block)
            progress(sent, size)
            yield block


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

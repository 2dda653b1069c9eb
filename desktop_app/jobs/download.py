"""ClipDownloader: streams a result clip to disk, resumes after drops, saves atomically.

It has its own HTTP client with no Authorization header: the CDN never sees the API key.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from desktop_app.api.retry import RetryPolicy
from desktop_app.domain.errors import NetworkProblemError
from desktop_app.jobs.naming import part_path

log = logging.getLogger(__name__)

Progress = Callable[[int, int | None], None]
"""Called with (bytes saved so far, total bytes when known)."""

_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


class DownloadError(NetworkProblemError):
    """The clip could not be saved; the partial file is kept for a later resume."""


class LinkExpiredError(DownloadError):
    """The CDN refused the signed link (403, 404, 410): a fresh one is needed."""


@dataclass(frozen=True)
class SavedClip:
    path: Path
    size: int
    sha256: str


class ClipDownloader:
    def __init__(self, http: httpx.AsyncClient, *, retry: RetryPolicy | None = None) -> None:
        self._http = http
        self._retry = retry or RetryPolicy(attempts=6, base_delay=1.0, max_delay=30.0)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def download(self, url: str, target: Path, progress: Progress) -> SavedClip:
        """Save `url` as `target`. Raises LinkExpiredError or DownloadError."""
        target.parent.mkdir(parents=True, exist_ok=True)
        part = part_path(target)
        retry_number = 0
        while True:
            try:
                total = await self._fetch_into(url, part, progress)
                break
            except LinkExpiredError:
                raise
            except (httpx.TransportError, DownloadError) as error:
                retry_number += 1
                delay = self._retry.delay(retry_number)
                have = part.stat().st_size if part.exists() else 0
                if delay is None:
                    raise DownloadError(
                        f"The clip download kept failing ({error}); {have} bytes are kept "
                        "and the download resumes next time."
                    ) from None
                log.info(
                    "download interrupted at %d bytes (%s); retry in %.1f s", have, error, delay
                )
                await asyncio.sleep(delay)
        return await asyncio.to_thread(_finish, part, target, total)

    async def _fetch_into(self, url: str, part: Path, progress: Progress) -> int:
        """Append the rest of the clip to `part`; return the clip's full length."""
        have = part.stat().st_size if part.exists() else 0
        headers = {"Range": f"bytes={have}-"} if have else {}
        async with self._http.stream("GET", url, headers=headers) as response:
            if response.status_code in (403, 404, 410):
                raise LinkExpiredError(
                    f"The result link was refused (HTTP {response.status_code})."
                )
            if response.status_code == 416 and have:
                part.unlink()
                raise DownloadError("The saved part did not match the clip; starting over.")
            if response.status_code not in (200, 206):
                raise DownloadError(f"The download server answered HTTP {response.status_code}.")
            total = _total_length(response, have)
            if response.status_code == 200:
                have = 0  # the server ignored Range: start from zero
            # Unbuffered: every byte reported as saved is already with the OS, so a killed
            # process resumes from exactly what the journal says.
            with part.open("r+b" if have else "wb", buffering=0) as out:
                out.seek(have)
                out.truncate()
                async for chunk in response.aiter_bytes():
                    out.write(chunk)
                    have += len(chunk)
                    progress(have, total)
        if total is not None and have != total:
            raise DownloadError(f"The connection closed after {have} of {total} bytes.")
        if total is None:
            return have
        return total


def _total_length(response: httpx.Response, have: int) -> int | None:
    if response.status_code == 206:
        match = _CONTENT_RANGE.fullmatch(response.headers.get("content-range", ""))
        if not match or int(match.group(1)) != have:
            raise DownloadError("The server resumed the clip from the wrong place.")
        return int(match.group(3)) if match.group(3) != "*" else None
    length = response.headers.get("content-length")
    return int(length) if length and length.isdigit() else None


def _finish(part: Path, target: Path, total: int) -> SavedClip:
    """Check, hash, fsync and atomically rename the finished part. Runs off the loop."""
    size = part.stat().st_size
    if size != total:
        raise DownloadError(f"The saved clip has {size} bytes, expected {total}.")
    digest = hashlib.sha256()
    with part.open("rb") as f:
        head = f.read(12)
        if head[4:8] != b"ftyp":
            part.unlink()
            raise DownloadError("The downloaded file is not an MP4 video.")
        digest.update(head)
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
        os.fsync(f.fileno())
    os.replace(part, target)
    _fsync_dir(target.parent)
    return SavedClip(target, size, digest.hexdigest())


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

"""ClipDownloader: streams a result clip to disk, resumes after drops, saves atomically.

It has its own HTTP client with no Authorization header: the CDN never sees the API key.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpcore
import httpx

from desktop_app.api.client import network_sentence
from desktop_app.api.retry import RetryPolicy
from desktop_app.domain.course import CoursePolicy
from desktop_app.domain.errors import ErrorKind, NetworkProblemError, StorageError
from desktop_app.files import fsync_dir, new_dirs
from desktop_app.jobs.naming import part_path
from desktop_app.jobs.part_file import PartHash, PartWriter, WritingThreads, boxes_fill

log = logging.getLogger(__name__)

Progress = Callable[[int, int | None], None]
"""Called with (bytes saved so far, total bytes when known)."""
FreeSpace = Callable[[Path], int]
"""Bytes free on the disk that holds a folder."""

_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


class DownloadError(NetworkProblemError):
    """The clip could not be saved; the partial file is kept for a later resume."""

    kind = ErrorKind.DOWNLOAD


class LinkExpiredError(DownloadError):
    """The CDN refused the signed link (403, 404, 410): a fresh one is needed."""


class RedirectLoopError(DownloadError):
    """The result link redirected more often than a CDN would (or in a loop)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"The result link redirected more than {limit} times.")


class ClipRefusedError(DownloadError):
    """What the CDN offers cannot be this clip (far too large): it is not saved at all."""


class DiskFullError(StorageError):
    """The clip does not fit on the disk; the part saved so far is kept for later."""


class DiskWriteError(StorageError):
    """The clip could not be written (a read-only or missing folder, no permission)."""


MAX_CLIP_BYTES = 2 * 1024**3
"""These clips are tens of MB; a larger answer is not a clip of this model."""
FREE_SPACE_MARGIN = 64 * 1024**2
SOCKET_READ_BYTES = 256 * 1024
MAX_REDIRECTS = 10
"""A CDN redirects once or twice; more is a loop or a misconfigured proxy."""


def read_large_socket_chunks() -> None:
    """Have httpcore read 256 KB at a time instead of 64 KB: each read costs the same Python
    work however small, and 64 KB caps a loopback download near 220 MB/s where 256 KB
    nearly doubles it (tests/benchmarks, P3). It is httpcore's own class attribute, for
    every connection of the process (answers stay bounded by their readers), so the
    composition root calls this once, at start; importing this module changes nothing."""
    if getattr(httpcore.AsyncHTTP11Connection, "READ_NUM_BYTES", 0) < SOCKET_READ_BYTES:
        httpcore.AsyncHTTP11Connection.READ_NUM_BYTES = SOCKET_READ_BYTES


@dataclass(frozen=True)
class SavedClip:
    path: Path
    size: int
    sha256: str


class ClipDownloader:
    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        policy: CoursePolicy | None = None,
        free_space: FreeSpace = lambda folder: shutil.disk_usage(folder).free,
    ) -> None:
        self._http = http
        self._policy = policy = policy or CoursePolicy()
        self._retry = RetryPolicy(
            policy.download_attempts, policy.download_first_wait, policy.download_max_wait
        )
        self._free_space = free_space
        # Writing threads kept for the next clip: starting a thread waits on the loop.
        self._idle_writers: list[WritingThreads] = []

    async def aclose(self) -> None:
        await self._http.aclose()
        for writer in self._idle_writers:
            writer.shutdown()  # idle: each ends as soon as it is told
        self._idle_writers.clear()

    async def download(self, url: str, target: Path, progress: Progress) -> SavedClip:
        """Save `url` as `target`. Raises LinkExpiredError or DownloadError."""
        try:
            await asyncio.to_thread(new_dirs, target.parent)
        except OSError as error:
            raise _disk_error(error, target) from None
        part = part_path(target)
        hashed = PartHash()
        retry_number = 0
        while True:
            try:
                total = await self._fetch_into(url, part, hashed, progress)
                break
            except (LinkExpiredError, ClipRefusedError):
                raise
            except httpx.TooManyRedirects:
                raise RedirectLoopError(self._http.max_redirects) from None
            except OSError as error:
                raise _disk_error(error, part) from None
            except (httpx.TransportError, httpx.DecodingError, DownloadError) as error:
                # A body that says it is compressed and is not (a CDN's fault) is retried
                # like a dropped connection, then told in a sentence.
                retry_number += 1
                delay = self._retry.delay(retry_number)
                have = part.stat().st_size if part.exists() else 0
                if delay is None:
                    raise DownloadError(
                        f"The clip download kept failing ({_why(error)}); {have:,} bytes are "
                        "kept and the download resumes next time."
                    ) from None
                log.info(
                    "download interrupted at %d bytes (%s); retry in %.1f s", have, error, delay
                )
                await asyncio.sleep(delay)
        try:
            return await asyncio.to_thread(_finish, part, target, total, hashed.hexdigest())
        except OSError as error:
            raise _disk_error(error, part) from None

    async def _fetch_into(self, url: str, part: Path, hashed: PartHash, progress: Progress) -> int:
        """Append the rest of the clip to `part`, hashing as it comes; return the clip's
        full length."""
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
            _check_room(part, total, have, self._free_space(part.parent))
            await hashed.catch_up(part, have)
            deadline = time.monotonic() + self._policy.download_deadline(total)
            threads = self._idle_writers.pop() if self._idle_writers else WritingThreads()
            try:
                async with await PartWriter.open(part, have, hashed, threads) as writer:
                    have = await _stream(response, writer, have, total, deadline, progress)
            finally:
                self._idle_writers.append(threads)
        if total is not None and have != total:
            raise DownloadError(f"The connection closed after {have} of {total} bytes.")
        if total is None:
            return have
        return total


async def _stream(
    response: httpx.Response,
    writer: PartWriter,
    have: int,
    total: int | None,
    deadline: float,
    progress: Progress,
) -> int:
    """Hand the answer's bytes to `writer` as they come; return the bytes the part holds."""
    try:
        async for chunk in response.aiter_bytes():
            have += len(chunk)
            if total is not None and have > total:
                raise DownloadError(f"The server sent more than the {total:,} bytes it announced.")
            if have > MAX_CLIP_BYTES:
                raise ClipRefusedError(_too_large(have))
            if time.monotonic() > deadline:
                raise DownloadError("The download was too slow; it starts again.")
            progress(await writer.write(chunk), total)
    except httpx.TransportError:
        await writer.flush()  # what came before the drop is kept for the resume
        raise
    progress(await writer.flush(), total)
    return have


def _check_room(part: Path, total: int | None, have: int, free: int) -> None:
    """Refuse a clip too large to be one, or one that would not fit on the disk."""
    if total is None:
        return
    if total > MAX_CLIP_BYTES:
        raise ClipRefusedError(_too_large(total))
    if total - have + FREE_SPACE_MARGIN > free:
        raise DiskFullError(
            f"The disk is full: the clip needs {(total - have) / 1e6:,.0f} MB and "
            f"{part.parent} has {free / 1e6:,.0f} MB free. Free some space, then Download "
            "again; what was saved so far is kept."
        )


def _too_large(size: int) -> str:
    return (
        f"The clip offered is {size / 1e9:,.1f} GB, far larger than a clip of this model can "
        f"be (at most {MAX_CLIP_BYTES // 1024**3} GB here); it was not saved."
    )


def _disk_error(error: OSError, part: Path) -> StorageError:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFullError(
            f"The disk is full: the clip could not be saved in {part.parent}. Free some "
            "space, then Download again; what was saved so far is kept."
        )
    return DiskWriteError(
        f"The clip could not be saved in {part.parent} ({error.strerror or 'write error'}). "
        "Check that the folder exists and can be written, then Download again."
    )


def _why(error: Exception) -> str:
    if isinstance(error, httpx.TransportError):
        return network_sentence(error, sent=True).split(" after ")[0].lower()
    if isinstance(error, httpx.DecodingError):
        return "the server said the clip was compressed, and it was not"
    return str(error).rstrip(".")


def _total_length(response: httpx.Response, have: int) -> int | None:
    if response.status_code == 206:
        match = _CONTENT_RANGE.fullmatch(response.headers.get("content-range", "")[:100])
        if not match or int(match.group(1)) != have:
            raise DownloadError("The server resumed the clip from the wrong place.")
        return int(match.group(3)) if match.group(3) != "*" else None
    length = response.headers.get("content-length", "")[:20]
    return int(length) if length.isdigit() else None


def _finish(part: Path, target: Path, total: int, sha256: str) -> SavedClip:
    """Check, fsync and atomically rename the finished part. Runs off the loop."""
    size = part.stat().st_size
    if size != total:
        raise DownloadError(f"The saved clip has {size} bytes, expected {total}.")
    with part.open("rb") as f:
        if not boxes_fill(f, size):
            part.unlink()
            raise DownloadError("The downloaded file is not a whole MP4 video.")
        os.fsync(f.fileno())
    os.replace(part, target)
    fsync_dir(target.parent)
    return SavedClip(target, size, sha256)

"""The part file a clip downloads into: its SHA-256 kept as the bytes come, and two
threads of its own that write (and sync) and hash it a few batches behind the network."""

from __future__ import annotations

import asyncio
import errno
import hashlib
import os
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

from desktop_app.background import yield_to_foreground
from desktop_app.files import CLIP_FILE

WRITE_BATCH_BYTES = 1 << 20
"""Bytes gathered from the network before they are handed to the two threads..."""
WRITE_BATCH_SECONDS = 0.25
"""...or the bytes gathered this long, so a slow download saves (and resumes) as it goes."""
WRITE_BATCHES_QUEUED = 8
"""Batches that may wait for the threads (memory held: at most 9 MB)."""
SYNC_EVERY_BYTES = 32 << 20
"""Bytes written between syncs: the disk works while the network does, and the last
fsync has little left to do."""


class PartHash:
    """The SHA-256 of the part file, kept while the bytes stream in, so the finished clip
    is never read again. A resume (a part left by an earlier try or an earlier run) hashes
    what is already on disk once, then goes on from there."""

    def __init__(self) -> None:
        self._digest = hashlib.sha256()
        self.length = 0

    async def catch_up(self, part: Path, length: int) -> None:
        """Make the hash cover exactly the first `length` bytes of `part`."""
        if length == self.length:
            return
        self._digest, self.length = hashlib.sha256(), 0
        if length:
            self._digest = await asyncio.to_thread(_hash_prefix, part, length)
            self.length = length

    def update(self, chunk: bytes) -> None:
        self._digest.update(chunk)
        self.length += len(chunk)

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def _hash_prefix(part: Path, length: int) -> hashlib._Hash:
    digest = hashlib.sha256()
    with part.open("rb") as f:
        remaining = length
        while remaining:
            block = f.read(min(remaining, 1 << 20))
            if not block:
                break
            digest.update(block)
            remaining -= len(block)
    return digest


class WritingThreads:
    """The two threads a download saves with: one writes and syncs the part, the other
    hashes it. Each batch goes to both, so the disk and the hash work at once (on one
    thread they took turns, and the clip saved at the pace of both added up). Both give
    way to the window (`background`)."""

    def __init__(self) -> None:
        self.write = _thread("wan-studio-write")
        self.hash = _thread("wan-studio-hash")

    def shutdown(self) -> None:
        """End both once idle, without waiting for them."""
        self.write.shutdown(wait=False)
        self.hash.shutdown(wait=False)


def _thread(name: str) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(1, thread_name_prefix=name, initializer=yield_to_foreground)


class PartWriter:
    """Writes and hashes the clip on threads of their own, a few batches behind the
    network: a disk that stalls (the kernel holding back a fast writer, a file created or
    closed while it flushes) never holds the event loop. It syncs as it goes, so the disk
    works while the network does and the final fsync has little left to do.

    Unbuffered: every byte reported as saved is already with the OS, so a killed process
    resumes from exactly what the journal says."""

    def __init__(
        self, file: BinaryIO, have: int, hashed: PartHash, threads: WritingThreads
    ) -> None:
        self._file = file
        self._hashed = hashed
        self._saved = have
        self._unsynced = 0
        self._threads = threads
        self._pending: deque[tuple[Future[None], Future[None]]] = deque()
        self._batch: list[bytes] = []
        self._batch_bytes = 0
        self._queued_at = time.monotonic()

    @classmethod
    async def open(
        cls, part: Path, have: int, hashed: PartHash, threads: WritingThreads
    ) -> PartWriter:
        """`part` opened on the writing thread to go on after its first `have` bytes."""
        file = await asyncio.wrap_future(threads.write.submit(_open_part, part, have))
        return cls(file, have, hashed, threads)

    async def __aenter__(self) -> PartWriter:
        return self

    async def __aexit__(self, *exc: object) -> None:
        # After the batches still queued, on the same thread; the hash may still be
        # working on a batch when an error ends the download early.
        await asyncio.wrap_future(self._threads.write.submit(self._file.close))
        while self._pending:
            await asyncio.wrap_future(self._pending.popleft()[1])

    async def write(self, chunk: bytes) -> int:
        """Take `chunk`; once a batch has gathered, queue it after the ones before.
        Returns the bytes saved so far."""
        self._batch.append(chunk)
        self._batch_bytes += len(chunk)
        full = self._batch_bytes >= WRITE_BATCH_BYTES
        if full or time.monotonic() - self._queued_at >= WRITE_BATCH_SECONDS:
            while len(self._pending) >= WRITE_BATCHES_QUEUED:
                await self._settle_oldest()
            self._queue_batch()
        return self._saved

    async def flush(self) -> int:
        """Save (and hash) everything taken so far; return the bytes saved."""
        self._queue_batch()
        while self._pending:
            await self._settle_oldest()
        return self._saved

    async def _settle_oldest(self) -> None:
        stored, hashed = self._pending[0]
        await asyncio.wrap_future(stored)
        await asyncio.wrap_future(hashed)
        self._pending.popleft()

    def _queue_batch(self) -> None:
        self._queued_at = time.monotonic()
        if self._batch:
            # The chunks themselves, not a joined copy: neither thread changes them.
            batch, self._batch, self._batch_bytes = self._batch, [], 0
            self._pending.append(
                (
                    self._threads.write.submit(self._store, batch),
                    self._threads.hash.submit(self._hash, batch),
                )
            )

    def _hash(self, batch: list[bytes]) -> None:
        for chunk in batch:
            self._hashed.update(chunk)

    def _store(self, batch: list[bytes]) -> None:
        for chunk in batch:
            view = memoryview(chunk)
            while view:  # an unbuffered write may take only part (a disk filling up)
                written = self._file.write(view)
                if not written:
                    raise OSError(errno.ENOSPC, "No space left on device")
                view = view[written:]
            self._saved += len(chunk)
            self._unsynced += len(chunk)
        if self._unsynced >= SYNC_EVERY_BYTES:
            os.fdatasync(self._file.fileno())
            self._unsynced = 0


def _open_part(part: Path, have: int) -> BinaryIO:
    fd = os.open(part, os.O_RDWR | os.O_CREAT | (0 if have else os.O_TRUNC), CLIP_FILE)
    if os.name == "posix":
        os.fchmod(fd, CLIP_FILE)  # 0644 whatever the umask
    file = os.fdopen(fd, "r+b", buffering=0)
    if have:
        file.seek(have)
        file.truncate()
    return file


def boxes_fill(f: BinaryIO, size: int) -> bool:
    """The file is an MP4 whose top-level boxes (ftyp first) fill it exactly: a clip cut
    short, or padded, fails. Reads only the box headers."""
    offset, first = 0, True
    while offset < size:
        f.seek(offset)
        header = f.read(16)
        if len(header) < 8:
            return False
        length, kind = int.from_bytes(header[:4], "big"), header[4:8]
        if first and kind != b"ftyp":
            return False
        if length == 1 and len(header) == 16:
            length = int.from_bytes(header[8:16], "big")
        elif length == 0:
            length = size - offset  # the last box runs to the end
        if length < 8:
            return False
        offset += length
        first = False
    return offset == size and not first

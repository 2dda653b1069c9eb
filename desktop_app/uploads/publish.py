"""Turning a request's local clips (file:// references) into links the service can fetch,
before anything is sent: every clip is checked first, then each is uploaded to the
creator's bucket (once: an object with its key and size is not uploaded again) and a
presigned link is signed. In demo mode the simulator serves the clip from this computer.

A job remembers each local reference (path, object key, link expiry), so sending it again
signs a fresh link, uploading again only when the object is gone."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from desktop_app.domain.references import LocalReference, local_path
from desktop_app.domain.request import GenerationRequest, is_local_url
from desktop_app.uploads.clip_file import ClipFileError, file_sha256, inspect_clip
from desktop_app.uploads.config import StorageNotSetUpError
from desktop_app.uploads.image_file import inspect_image

if TYPE_CHECKING:
    from desktop_app.uploads.bucket import ClipBucket  # obstore: only once a clip goes up

SlotProgress = Callable[[int, int, int], None]
"""(slot, bytes sent, bytes in all) of one file's upload, as a host reports it."""
FileProgress = Callable[[str, int, int, int], None]
"""(field, slot, bytes sent, bytes in all): which file of the request, by its field
(`video_urls`, `image_urls`, `first_frame_image`) and its place there."""
"""(slot, bytes sent, bytes in all) while a local clip uploads."""

NOT_SET_UP = (
    "{name} is a clip on this computer. To send it, Wan Studio uploads it to your own "
    "S3-compatible storage and sends a private link that expires; no storage is set up yet. "
    "Set it up with `wan-studio storage set` (or Settings › Storage), or use a public link."
)


class ClipHost(Protocol):
    async def publish(
        self, path: Path, size: int, slot: int, progress: SlotProgress
    ) -> tuple[str, LocalReference]:
        """The link the service fetches the file from, and what to remember of it."""

    async def republish(self, local: LocalReference) -> tuple[str, LocalReference]:
        """A fresh link to a clip sent before (uploaded again only when it is gone)."""


class BucketHost:
    """The creator's bucket."""

    def __init__(self, bucket: ClipBucket) -> None:
        self._bucket = bucket

    async def publish(
        self, path: Path, size: int, slot: int, progress: SlotProgress
    ) -> tuple[str, LocalReference]:
        sha256 = await asyncio.to_thread(file_sha256, path)
        key = self._bucket.key_for(sha256, path)
        if not await self._bucket.has(key, size):
            await self._bucket.upload(
                path, key, size, sha256, lambda sent, all_: progress(slot, sent, all_)
            )
        link = self._bucket.sign(key)
        return link.url, LocalReference(slot, str(path), key, size, link.expires_at)

    async def republish(self, local: LocalReference) -> tuple[str, LocalReference]:
        """The file as it is now: checked and hashed again, so that a file rewritten since
        it was sent goes up under its own name (never the old one's)."""
        path = Path(local.path)
        size = await asyncio.to_thread(_size_of, local.field, path)
        url, fresh = await self.publish(path, size, local.slot, lambda *_: None)
        return url, replace(fresh, field=local.field)


class ServesLocalClips(Protocol):
    def serve_local(self, path: Path) -> str:
        """A link to `path` on this computer."""


class DemoHost:
    """Demo mode: the in-process simulator serves the clip from this computer."""

    def __init__(self, simulator: ServesLocalClips) -> None:
        self._simulator = simulator

    async def publish(
        self, path: Path, size: int, slot: int, progress: SlotProgress
    ) -> tuple[str, LocalReference]:
        progress(slot, size, size)
        return self._link(LocalReference(slot, str(path), f"demo/{path.name}", size, 0.0))

    async def republish(self, local: LocalReference) -> tuple[str, LocalReference]:
        return self._link(local)

    def _link(self, local: LocalReference) -> tuple[str, LocalReference]:
        url = self._simulator.serve_local(Path(local.path))
        return url, replace(local, expires_at=time.time() + 24 * 3600)


@dataclass(frozen=True)
class PreparedRequest:
    request: GenerationRequest
    """With a fetchable link in every slot."""
    local: tuple[LocalReference, ...] = ()
    notes: tuple[str, ...] = ()
    """What the creator should know of how its clips were sent again."""


class ReferencePreparer:
    def __init__(self, host: ClipHost | None, *, why_none: str | None = None) -> None:
        """`why_none`: with no host, why the storage set up cannot be used (else: none is)."""
        self._host = host
        self._why_none = why_none

    def _not_set_up(self, name: str) -> StorageNotSetUpError:
        if self._why_none is not None:
            return StorageNotSetUpError(
                f"{name} is a clip on this computer, and your storage cannot be used: "
                f"{self._why_none} Fix it with `wan-studio storage set` (or Settings › Storage)."
            )
        return StorageNotSetUpError(NOT_SET_UP.format(name=name))

    def check(self, request: GenerationRequest) -> list[LocalFile]:
        """Check every file from this computer in `request`: clips as clips, stills and the
        first frame as images (ClipFileError: the first that cannot be one;
        StorageNotSetUpError: there is one and nowhere to upload it)."""
        found = []
        for field, slot, url in _slots(request):
            if is_local_url(url):
                path = _path_of(url, slot)
                found.append(LocalFile(field, slot, path, _size_of(field, path)))
        if found and self._host is None:
            raise self._not_set_up(found[0].path.name)
        return found

    async def prepare(
        self, request: GenerationRequest, progress: FileProgress = lambda *_: None
    ) -> PreparedRequest:
        """`request` with each file from this computer uploaded and linked; nothing else
        changes."""
        checked = await asyncio.to_thread(self.check, request)
        if not checked:
            return PreparedRequest(request)
        assert self._host is not None
        local = []
        for file in checked:
            url, remembered = await self._host.publish(
                file.path, file.size, file.slot, _of_field(progress, file.field)
            )
            request = request.with_link(file.field, file.slot, url)
            local.append(_with_origin(replace(remembered, field=file.field)))
        return PreparedRequest(request, tuple(local))

    async def refresh(
        self, request: GenerationRequest, local: Sequence[LocalReference]
    ) -> PreparedRequest:
        """A request sent before, with a fresh link for each of its files from this
        computer."""
        if not local:
            return PreparedRequest(request)
        if self._host is None:
            raise self._not_set_up(Path(local[0].path).name)
        fresh, notes = [], []
        for remembered in local:
            url, renewed = await self._host.republish(remembered)
            request = request.with_link(remembered.field, remembered.slot, url)
            fresh.append(renewed)
            if renewed.key != remembered.key:
                notes.append(
                    f"{Path(remembered.path).name} ({remembered.field} {remembered.slot}) "
                    "changed since it was sent: the file as it is now was uploaded and is sent."
                )
        return PreparedRequest(request, tuple(fresh), tuple(notes))


@dataclass(frozen=True)
class LocalFile:
    """A file from this computer in a request: which field and place, and its size."""

    field: str
    slot: int
    path: Path
    size: int


IMAGE_FIELDS = ("image_urls", "first_frame_image")


def _slots(request: GenerationRequest) -> list[tuple[str, int, str]]:
    """(field, 1-based place, link) of every reference and the first frame."""
    found = [("video_urls", n, url) for n, url in enumerate(request.video_urls, start=1)]
    found += [("image_urls", n, url) for n, url in enumerate(request.image_urls, start=1)]
    if request.first_frame_image is not None:
        found.append(("first_frame_image", 1, request.first_frame_image))
    return found


def _with_origin(local: LocalReference) -> LocalReference:
    """A part cut out of a longer clip remembers the creator's file and the part."""
    from desktop_app.uploads.trim import cut_origin  # no PyAV: it reads a small JSON

    found = cut_origin(Path(local.path))
    if found is None:
        return local
    source, span = found
    return replace(local, cut_from=source, cut_span=(span.start, span.end))


def _of_field(progress: FileProgress, field: str) -> SlotProgress:
    """A host's per-file progress, told with the field the file is in."""

    def told(slot: int, sent: int, total: int) -> None:
        progress(field, slot, sent, total)

    return told


def _size_of(field: str, path: Path) -> int:
    """The file's size once it passed the checks of its kind (a clip, or an image)."""
    return inspect_image(path).size if field in IMAGE_FIELDS else inspect_clip(path).size


def _path_of(url: str, slot: int) -> Path:
    """The file a file: reference names; ClipFileError when it names another computer's."""
    path = local_path(url)
    if path is None:
        raise ClipFileError(
            f"Reference {slot} ({url[:120]!r}) is a file: link to another computer; "
            "a reference is a clip on this computer (a path, or file:///path) or a public "
            "http(s) link."
        )
    return path

"""ReferenceChecks: what the window knows of each reference link (a clip, a still, the
first frame), found without the API key: the probe's check, a local copy for the preview,
a thumbnail with the clip's length and size or the still's size, and what the service said
of it when it refused a request. Checks warn and never block a submit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QImage

from desktop_app.domain.reference_check import ReferenceCheck, serves_kind
from desktop_app.qt.frame_grabber import ClipFacts, FrameGrabber

if TYPE_CHECKING:
    from desktop_app.tasks import TaskGroup  # the first frame imports no asyncio

CheckReference = Callable[[str], Awaitable[ReferenceCheck]]
FetchPreview = Callable[[ReferenceCheck], Awaitable[Path | None]]
"""A local copy of a checked reference for its preview (None: no copy)."""
THUMBNAIL = QSize(320, 180)


@dataclass(frozen=True)
class _Checking:
    """What checks a reference: the probe, its preview copy, the frame grabber, the tasks."""

    check_reference: CheckReference
    fetch_preview: FetchPreview
    grabber: FrameGrabber
    tasks: TaskGroup


@dataclass(frozen=True)
class StillFacts:
    size: QSize
    thumbnail: QImage


def read_still(path: Path) -> StillFacts | None:
    """A still's size and thumbnail (on a worker thread: the picture may be 20 MB)."""
    image = QImage(str(path))
    if image.isNull():
        return None
    thumbnail = image.scaled(
        THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )
    return StillFacts(image.size(), thumbnail)


class ReferenceChecks(QObject):
    changed = Signal()
    """Something new is known about a link."""
    too_long = Signal(str, float)
    """(link, seconds): a clip on this computer longer than the service takes."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._checking: _Checking | None = None
        self._checks: dict[str, ReferenceCheck] = {}
        self._previews: dict[str, Path] = {}
        """The local copy of each reference, for its thumbnail and for playing it."""
        self._facts: dict[str, ClipFacts] = {}
        self._stills: dict[str, StillFacts] = {}
        self._problems: dict[str, str] = {}
        self._service_says: dict[str, str] = {}
        """What the service said about a link when it refused a request with it."""
        self._grabbing: dict[str, str] = {}
        """The address being previewed (after redirects) -> the reference link."""
        self._wanted: Callable[[str], bool] = lambda _url: True
        self._images: set[str] = set()
        """The links watched as stills."""

    def attach(
        self,
        check_reference: CheckReference,
        fetch_preview: FetchPreview,
        grabber: FrameGrabber,
        tasks: TaskGroup,
        wanted: Callable[[str], bool],
    ) -> None:
        """The means to check links (the engine, after the first frame); `wanted` says
        whether a link is still listed (a result for one removed is dropped)."""
        self._checking = _Checking(check_reference, fetch_preview, grabber, tasks)
        self._wanted = wanted
        grabber.grabbed.connect(self._on_grabber_grabbed)
        grabber.failed.connect(self._on_grabber_failed)

    def watch(self, url: str, *, image: bool = False) -> None:
        """Check `url` (when the means are attached), as a still or a clip."""
        if image:
            self._images.add(url)
        # A file on this computer is looked at again each time (it may have moved or
        # changed); a link once.
        local = url.lower().startswith("file:")
        if self._checking is not None and (url not in self._checks or local):
            self._checking.tasks.spawn(self._check(self._checking, url))

    # -- reading -----------------------------------------------------------------------------

    def check_of(self, url: str) -> ReferenceCheck | None:
        return self._checks.get(url)

    def facts_of(self, url: str) -> ClipFacts | None:
        return self._facts.get(url)

    def still_of(self, url: str) -> StillFacts | None:
        return self._stills.get(url)

    def preview_of(self, url: str) -> Path | None:
        return self._previews.get(url)

    def problem_of(self, url: str) -> str | None:
        return self._problems.get(url)

    def service_said(self, url: str) -> str | None:
        return self._service_says.get(url)

    def thumbnail(self, url: str) -> QImage | None:
        facts, still = self._facts.get(url), self._stills.get(url)
        return facts.thumbnail if facts else still.thumbnail if still else None

    def failed(self, url: str) -> bool:
        """The link's check failed: unreachable, an error answer, not of its kind, or
        refused by the service."""
        if url in self._service_says:
            return True
        check = self._checks.get(url)
        if check is None:
            return False
        return not check.reachable or not serves_kind(check.content_type, url in self._images)

    # -- what the service said ---------------------------------------------------------------

    def mark_refused(self, said: dict[str, str]) -> None:
        """What the service said of each link it named when it refused a request."""
        self._service_says.update(said)
        self.changed.emit()

    def forget_refusals(self) -> None:
        if self._service_says:
            self._service_says.clear()
            self.changed.emit()

    # -- checking ----------------------------------------------------------------------------

    async def _check(self, checking: _Checking, url: str) -> None:
        check = await checking.check_reference(url)
        self._checks[url] = check
        self.changed.emit()
        if check.too_long_s is not None and self._wanted(url):
            self.too_long.emit(url, check.too_long_s)
        # The preview is a local copy, fetched only where the check found it safe to go.
        copy = await checking.fetch_preview(check)
        if copy is None:
            if check.reachable:
                self._problems[url] = "too large, or not fetched, for a preview here"
                self.changed.emit()
            return
        self._previews[url] = copy
        if url in self._images:
            import asyncio  # the first frame imports no asyncio: it is here once checks run

            still = await asyncio.to_thread(read_still, copy)
            if still is None:
                self._problems[url] = "not a picture Wan Studio can show"
            else:
                self._stills[url] = still
            self.changed.emit()
        elif url not in self._facts and self._wanted(url):
            local = QUrl.fromLocalFile(str(copy)).toString()
            self._grabbing[local] = url
            checking.grabber.grab(local)

    def _on_grabber_grabbed(self, facts: ClipFacts) -> None:
        url = self._grabbing.pop(facts.url, None)
        if url is not None and self._wanted(url):
            self._facts[url] = facts
            self.changed.emit()

    def _on_grabber_failed(self, address: str, reason: str) -> None:
        url = self._grabbing.pop(address, None)
        if url is not None and self._wanted(url):
            self._problems[url] = reason
            self.changed.emit()

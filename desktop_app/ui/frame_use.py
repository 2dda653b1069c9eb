"""FrameUse: frames of clips become stills of the draft. "Use this frame as" (the player)
keeps the picture shown as a PNG and puts it in the composer as the first frame or a
character image; "Continue from last frame" (a finished job) reads the clip's last frame
and opens a new request that starts from it. The PNG is encoded and written on a worker
thread; the draft changes through DraftKeeper, with undo."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QStatusBar

from desktop_app.domain.job import Job
from desktop_app.qt.frame_files import FrameNotSavedError, save_frame
from desktop_app.qt.last_frame import LastFrameReader
from desktop_app.qt.media_objects import MediaObjects
from desktop_app.tasks import TaskGroup
from desktop_app.ui.draft_keeper import DraftKeeper


class FrameUse(QObject):
    still_saved = Signal(str, object)
    """(file URL, QImage) of a frame saved to become a new character's still."""

    def __init__(
        self,
        drafts: DraftKeeper,
        media: MediaObjects,
        folder: Path,
        tasks: TaskGroup,
        status: QStatusBar,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._drafts = drafts
        self._folder = folder
        self._tasks = tasks
        self._status = status
        self._continuing: dict[str, Job] = {}
        """The clip whose last frame is being read -> the job it continues."""
        self._reader = LastFrameReader(media, self)
        self._reader.read.connect(self._on_reader_read)
        self._reader.failed.connect(self._on_reader_failed)

    def use_frame(self, image: QImage, first_frame: bool) -> None:
        """The player's picture as the first frame (or a character image)."""
        self._tasks.spawn(self._use(image, first_frame))

    def keep_frame(self, image: QImage) -> None:
        """The player's picture saved as a still, for a new character (`still_saved`)."""
        self._tasks.spawn(self._keep(image))

    def continue_from(self, job: Job) -> None:
        """A new request from `job`'s last frame (a finished job with its clip)."""
        path = job.file_path
        if path is None or not path.is_file():
            self._status.showMessage(f"The clip of job {job.id} is not on this computer.", 8000)
            return
        self._status.showMessage(f"Reading the last frame of {path.name}…")
        self._continuing[str(path)] = job
        self._reader.read_last(str(path))

    def close(self) -> None:
        self._reader.close()

    async def _saved(self, image: QImage) -> str | None:
        try:
            path = await asyncio.to_thread(save_frame, image, self._folder)
        except FrameNotSavedError as error:
            self._status.showMessage(str(error), 10_000)
            return None
        return path.as_uri()

    async def _use(self, image: QImage, first_frame: bool) -> None:
        url = await self._saved(image)
        if url is not None:
            self._drafts.take_still(url, first_frame=first_frame)

    async def _keep(self, image: QImage) -> None:
        url = await self._saved(image)
        if url is not None:
            self.still_saved.emit(url, image)

    async def _continue(self, job: Job, image: QImage) -> None:
        url = await self._saved(image)
        if url is not None:
            self._drafts.continue_from(job, url)

    def _on_reader_read(self, path: str, image: QImage) -> None:
        job = self._continuing.pop(path, None)
        if job is not None:
            self._tasks.spawn(self._continue(job, image))

    def _on_reader_failed(self, path: str, reason: str) -> None:
        job = self._continuing.pop(path, None)
        if job is not None:
            self._status.showMessage(
                f"The last frame of job {job.id} could not be read: {reason}", 10_000
            )

"""JobThumbnails: a picture for each finished job, made once from its clip's first frame
(off the GUI thread, by the frame grabber) when its row is first drawn, kept as a PNG and
shown by the job list."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QUrl

from desktop_app.domain.job import Job, JobState
from desktop_app.qt.frame_grabber import ClipFacts, FrameGrabber
from desktop_app.qt.job_list_model import JobListModel
from desktop_app.ui.job_delegate import JobDelegate

PNG_QUALITY = 90


class JobThumbnails(QObject):
    def __init__(
        self,
        model: JobListModel,
        grabber: FrameGrabber,
        folder: Path,
        delegate: JobDelegate,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._model = model
        self._grabber = grabber
        self._folder = folder
        self._delegate = delegate
        self._pending: dict[str, str] = {}
        """Clip URL being grabbed -> job id."""
        self._checked: set[str] = set()
        delegate.thumbnail_missing.connect(self._on_delegate_thumbnail_missing)
        grabber.grabbed.connect(self._on_grabber_grabbed)

    def want(self, job: Job) -> None:
        """Make the job's thumbnail if it is done and has none yet."""
        target = self._folder / f"{job.id}.png"
        if job.state is not JobState.DONE or job.file_path is None:
            return
        if target.exists() or not job.file_path.exists():
            return
        url = QUrl.fromLocalFile(str(job.file_path)).toString()
        if url not in self._pending:
            self._pending[url] = job.id
            self._grabber.grab(url)

    def forget(self, job_id: str) -> None:
        (self._folder / f"{job_id}.png").unlink(missing_ok=True)
        self._delegate.forget_thumbnail(job_id)

    def _on_delegate_thumbnail_missing(self, job: Job) -> None:
        """A done job was drawn without a picture: make one, once per job (only the jobs
        a creator scrolls to, never the whole history at once)."""
        if job.id not in self._checked:
            self._checked.add(job.id)
            self.want(job)

    def _on_grabber_grabbed(self, facts: ClipFacts) -> None:
        job_id = self._pending.pop(facts.url, None)
        if job_id is None:
            return
        self._folder.mkdir(parents=True, exist_ok=True)
        # Light compression: a few ms on the GUI thread instead of ~7 at the default.
        facts.thumbnail.save(str(self._folder / f"{job_id}.png"), quality=PNG_QUALITY)
        self._delegate.forget_thumbnail(job_id)
        self._model.refresh(job_id)

"""JobFeed: where the news of a job goes in the window: the job list, the arrivals (the
idle player, the title, the desktop's notice), the status bar's spending, the composer's
"Last job", the thumbnails; and what a forgotten or troubled job shows."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QStatusBar

from desktop_app.domain.job import Job, JobState
from desktop_app.qt.job_controller import JobController
from desktop_app.qt.job_list_model import JobListModel
from desktop_app.ui.arrivals import Arrivals
from desktop_app.ui.composer import Composer
from desktop_app.ui.job_panel import JobPanel
from desktop_app.ui.thumbnails import JobThumbnails

SAID_MS = 6000
"""How long the status bar shows what an action did."""


class JobFeed:
    def __init__(
        self,
        controller: JobController,
        model: JobListModel,
        jobs: JobPanel,
        arrivals: Arrivals,
        composer: Composer,
        thumbnails: JobThumbnails,
        status: QStatusBar,
        show_spending: Callable[[], None],
    ) -> None:
        self._controller = controller
        self._model = model
        self._jobs = jobs
        self._arrivals = arrivals
        self._composer = composer
        self._thumbnails = thumbnails
        self._status = status
        # Today's spending is a query over the journal: many jobs changing at once (200
        # polls answered together) ask for it once, when Qt's loop next turns (#29: P2's
        # witness found the loop inside that query, a shot 20 ms late).
        self._spending_due = QTimer(status)
        self._spending_due.setSingleShot(True)
        self._spending_due.setInterval(0)
        self._spending_due.timeout.connect(show_spending)
        self._last_job: str | None = None
        controller.job_changed.connect(self.changed)
        controller.job_removed.connect(model.remove)
        controller.job_troubled.connect(self.troubled)
        jobs.forget_requested.connect(self.forget)

    def changed(self, job: Job) -> None:
        known = self._model.known(job.id)  # as it was shown: never read again, already changed
        before = known.state if known is not None else None
        self._model.upsert(job)
        self._arrivals.changed(before, job)
        if job.state is not JobState.DOWNLOADING:  # downloads change many times a second
            self._spending_due.start()
        if job.state is JobState.SUBMITTING:
            self._jobs.select(job.id)
            self._last_job = job.id
        if job.id == self._last_job:
            self._composer.show_cost(job)
        self._thumbnails.want(job)

    def troubled(self, job: Job, sentence: str) -> None:
        self._model.set_trouble(job, sentence)
        self._status.showMessage(f"Job {job.id}: {sentence}", 15000)

    def forget(self, job_id: str, delete_file: bool) -> None:
        self._controller.forget(job_id, delete_file=delete_file)
        self._thumbnails.forget(job_id)
        self._status.showMessage(
            f"Job {job_id} is forgotten" + (", and its clip deleted." if delete_file else "."),
            SAID_MS,
        )

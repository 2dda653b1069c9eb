"""JobController: the window's side of the engine. Runs the engine's actions and each
job's course (`JobLifecycle`) as tasks of the window's task group, turns what the service
publishes into Qt signals, and reads the journal's feed for what other processes (a CLI
next to the window) change. It decides nothing the engine decides."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.course.lifecycle import JobLifecycle, Pace
from desktop_app.domain.errors import ErrorKind, WanStudioError
from desktop_app.domain.job import Job, JobState
from desktop_app.domain.request import GenerationRequest
from desktop_app.jobs.errors import FollowInterruptedError, JobBusyError
from desktop_app.jobs.events import JobChanged, JobEvent, JobForgotten, JobTrouble
from desktop_app.jobs.service import JobService
from desktop_app.journal.queries import HistoryQueries
from desktop_app.settings import SettingsError
from desktop_app.tasks import TaskGroup

log = logging.getLogger(__name__)

KeyReady = Callable[[], bool]


class JobController(QObject):
    job_changed = Signal(object)
    """A job (`Job`) was created or changed, by this process or another one."""
    job_removed = Signal(str)
    job_troubled = Signal(object, str)
    """(job, sentence): following it keeps failing; it retries by itself."""
    problem_raised = Signal(str, str)
    """(title, sentence): something a creator must hear about."""
    request_refused = Signal(object)
    """The service refused a submission as invalid (the job, with its words)."""
    key_refused = Signal(str)
    """The service refused the API key (the sentence): a new one is needed."""
    submission_finished = Signal(bool)
    """A Generate was journaled and sent (True) or refused with nothing journaled (False):
    the next one may be asked for."""
    job_ended = Signal(object)
    """A job reached done, failed or lost: its charge is looked up, the balance moves."""
    charge_recorded = Signal(object)
    """The provider's ledger charge of a job (`Job`) is known: the balance moved."""
    settings_refused = Signal(object)
    """Nothing was sent: the settings cannot be trusted (the SettingsError)."""
    storage_needed = Signal(str)
    """Nothing was sent: a clip from this computer needs storage set up (the sentence)."""
    upload_progressed = Signal(str, int, int, int)
    """(slot, bytes sent, bytes in all) while a clip from this computer uploads."""

    def __init__(
        self,
        service: JobService,
        history: HistoryQueries,
        tasks: TaskGroup,
        key_ready: KeyReady,
        lifecycle: JobLifecycle,
        *,
        refresh_ms: int = 1000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._history = history
        self._tasks = tasks
        self._key_ready = key_ready
        self._lifecycle = lifecycle
        self._submitting: asyncio.Task[Any] | None = None
        self._uploading = False
        self._stopped = False
        self._seen = history.last_change()
        self._told: dict[str, Job] = {}
        """Each job as `job_changed` last told it: the journal's feed, which also brings
        this process's own writes, tells only what is news."""
        self._unsubscribe = service.subscribe(self._on_service_event)
        self._timer = QTimer(self)
        self._timer.setInterval(refresh_ms)
        self._timer.timeout.connect(self._on_timer_timeout)

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Run the course of every job that waits for it (once there is an API key), and
        watch the journal."""
        self._timer.start()
        if self.key_ready():
            for job in self._lifecycle.waiting():
                self._see_through(job)

    def stop(self) -> None:
        """Stop watching; the task group cancels the work itself."""
        self._timer.stop()
        self._unsubscribe()

    def key_ready(self) -> bool:
        return self._key_ready()

    def _see_through(self, job: Job, first_poll_delay: float | None = None) -> None:
        if self._lifecycle.needs(job) and self.key_ready():
            self._tasks.spawn(self._course(job.id, first_poll_delay))

    async def _course(self, job_id: str, first_poll_delay: float | None) -> None:
        try:
            await self._lifecycle.see_through(job_id, Pace.ALONGSIDE, first_poll_delay)
        except FollowInterruptedError as error:
            self.problem_raised.emit("Stopped following a job", error.explain())

    def _on_service_event(self, event: JobEvent) -> None:
        if isinstance(event, JobChanged):
            self._tell(event.job)
            if event.change is not None and event.change.charged_credits:
                self.charge_recorded.emit(event.job)
            state = event.change.state if event.change is not None else None
            if state is not None and state.ended_at_the_service:
                self.job_ended.emit(event.job)
            self._see_through(event.job)
        elif isinstance(event, JobForgotten):
            self._told.pop(event.job_id, None)
            self.job_removed.emit(event.job_id)
        elif isinstance(event, JobTrouble):
            retry = f" Wan Studio tries again in {event.retry_in:.0f} s by itself."
            self.job_troubled.emit(event.job, event.error.message + retry)

    # -- actions ---------------------------------------------------------------------------

    def submit(
        self, requests: Sequence[GenerationRequest], *, continues: str | None = None
    ) -> None:
        """Submit one request, or several as a batch (clips from this computer uploaded
        first); each job then runs its course. `continues`: the job whose last frame they
        start from."""
        sending = self._service.submit_batch(
            requests, self._on_upload_progress, continues=continues
        )
        self._submitting = self._tasks.spawn(self._submitted(sending))

    def cancel_upload(self) -> None:
        """Stop a submission while its clips upload (before anything is journaled or sent);
        nothing happens when no upload runs."""
        task = self._submitting
        if task is not None and not task.done() and self._uploading:
            self._stopped = True
            task.cancel()

    def _on_upload_progress(self, field: str, slot: int, sent: int, total: int) -> None:
        self._uploading = sent < total
        self.upload_progressed.emit(field, slot, sent, total)

    def resubmit(self, job: Job, *, new_seed: bool = False) -> None:
        """Send a job's request again, knowingly, as a new job (the engine's `again`): the
        old one stays, and an `unknown` one goes on being settled."""
        self._tasks.spawn(self._submitted(self._resubmit(job.id, new_seed)))

    async def _resubmit(self, job_id: str, new_seed: bool) -> list[Job]:
        return [await self._service.send_again(job_id, new_seed=new_seed)]

    async def _submitted(self, submitting: Awaitable[Sequence[Job]]) -> None:
        """Wait for a submission and say how it went (the jobs' courses start from the
        service's events)."""
        jobs: Sequence[Job] = ()
        try:
            jobs = await submitting
        except SettingsError as error:
            self.settings_refused.emit(error)
            return
        except WanStudioError as error:
            if error.kind is ErrorKind.STORAGE_NOT_SET_UP:
                self.storage_needed.emit(error.explain())
            else:
                self.problem_raised.emit("Not sent", error.explain())
            return
        except asyncio.CancelledError:
            if not self._stopped:
                raise  # the window is closing
            self._stopped = False
            self.problem_raised.emit("Not sent", "The upload was stopped; nothing was sent.")
            return
        finally:
            self._uploading = False
            self.submission_finished.emit(bool(jobs))
        for job in jobs:
            kind = job.error.kind if job.error is not None else None
            if job.error is None or job.state.is_followable:
                continue
            if kind is ErrorKind.KEY_REFUSED:
                self.key_refused.emit(job.error.message)
                continue
            if kind is ErrorKind.REQUEST_REJECTED:
                self.request_refused.emit(job)
            title = "Not sent" if job.state is JobState.REJECTED else "Outcome unknown"
            self.problem_raised.emit(title, job.error.message)

    def follow(self, job_id: str) -> None:
        """Follow a job again after a creator stopped following it (or it was given up)."""
        try:
            job = self._service.follow_again(job_id)
        except WanStudioError as error:
            self.problem_raised.emit("Not possible now", error.explain())
            return
        self._see_through(job, first_poll_delay=0.0)

    def stop_following(self, job_id: str) -> None:
        self._act(lambda: self._service.stop_following(job_id))

    def redownload(self, job_id: str) -> None:
        self._tasks.spawn(self._redownload(job_id))

    async def _redownload(self, job_id: str) -> None:
        try:
            await self._service.download_again(job_id)
        except JobBusyError:
            log.info("job %s is being saved already", job_id)
        except WanStudioError as error:
            self.problem_raised.emit("Could not save the clip", error.explain())

    def forget(self, job_id: str, *, delete_file: bool) -> None:
        self._act(lambda: self._service.forget(job_id, delete_file=delete_file))

    def _act(self, action: Callable[[], object]) -> bool:
        try:
            action()
        except WanStudioError as error:
            self.problem_raised.emit("Not possible now", error.explain())
            return False
        return True

    # -- watching the journal --------------------------------------------------------------

    def _tell(self, job: Job) -> None:
        self._told[job.id] = job
        self.job_changed.emit(job)

    def _on_timer_timeout(self) -> None:
        changes, self._seen = self._history.changes_since(self._seen)
        for change in changes:
            if change.job is None:
                self._told.pop(change.job_id, None)
                self.job_removed.emit(change.job_id)
            elif self._told.get(change.job_id) != change.job:
                self._tell(change.job)
        if self.key_ready():
            for job in self._lifecycle.unfollowed():  # also those a stopped CLI left
                self._see_through(job)

"""JobUpdates: every change to a job is journaled first, then published to the subscribers
(the window's controller, the command line's progress printer)."""

from __future__ import annotations

from collections.abc import Callable

from desktop_app.domain.errors import WanStudioError
from desktop_app.domain.job import Job, JobError, JobState
from desktop_app.domain.job_change import JobChange
from desktop_app.jobs.events import JobChanged, JobEvent, JobTrouble, Listener
from desktop_app.journal.job_journal import JobJournal


class JobUpdates:
    def __init__(self, journal: JobJournal) -> None:
        self._journal = journal
        self._listeners: list[Listener] = []
        self._troubled: dict[str, JobState] = {}

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` with every JobEvent; returns the function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def publish(self, event: JobEvent) -> None:
        for listener in list(self._listeners):
            listener(event)

    def apply(self, job_id: str, change: JobChange) -> Job:
        """Journal `change`, then tell the subscribers."""
        job = self._journal.update(job_id, change)
        if change.state is not None:
            self._troubled.pop(job_id, None)
        self.publish(JobChanged(job, change))
        return job

    def trouble(self, job: Job, error: WanStudioError, retry_in: float) -> None:
        """A follow failed and retries by itself: in the history each time, told once per
        job and state."""
        problem = JobError.of(error)
        self._journal.update(job.id, JobChange(event=("follow_error", problem.to_json())))
        if self._troubled.get(job.id) is not job.state:
            self._troubled[job.id] = job.state
            self.publish(JobTrouble(job, problem, retry_in))

    def forgotten(self, job_id: str) -> None:
        self._troubled.pop(job_id, None)

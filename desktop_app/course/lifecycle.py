"""JobLifecycle: the course of a job after it is sent, written once for the window and the
command line: an `unknown` submission is settled from the provider's request log (it is
never sent again), a job the service has is followed to a saved clip, and a job that ended
has its charge looked up in the provider's ledger.

The window runs each course as a task alongside the creator (every step as long as it
takes); the command line waits for the clip and leaves the charge to `reconcile`, which
looks once at each."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from enum import Enum

from desktop_app.billing.charges import ChargeFinder
from desktop_app.course.recovery import SubmissionRecovery
from desktop_app.domain.course import CoursePolicy
from desktop_app.domain.job import Job, JobState
from desktop_app.domain.job_query import JobFilter
from desktop_app.jobs.errors import JobBusyError
from desktop_app.jobs.service import JobService
from desktop_app.journal.queries import HistoryQueries

log = logging.getLogger(__name__)


class Pace(Enum):
    ALONGSIDE = "alongside"
    """The window: settle, follow and find the charge, each as long as it takes."""
    TO_THE_CLIP = "to_the_clip"
    """`--wait` and `resume`: settle and follow to the saved clip; no charge look-up."""
    ONE_LOOK = "one_look"
    """`reconcile`: one look in the request log and the ledger; a job found is followed."""


class JobLifecycle:
    def __init__(
        self,
        service: JobService,
        recovery: SubmissionRecovery,
        charges: ChargeFinder,
        history: HistoryQueries,
        policy: CoursePolicy,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`clock`: the wall clock (injected: tests drive it)."""
        self._policy = policy
        self._clock = clock
        self._service = service
        self._recovery = recovery
        self._charges = charges
        self._history = history
        self._attending: set[str] = set()
        """Jobs whose course runs in this process now: never two at once."""

    def waiting(self) -> list[Job]:
        """Every job whose course should run now: jobs a dead process left half-sent (they
        become `unknown` first), unknown submissions, followed jobs nobody follows, and
        ended jobs whose charge is not known yet."""
        self._service.recover_interrupted()
        found = [*self.unsettled(), *self._service.followable(), *self._charges.recent()]
        return [job for job in {j.id: j for j in found}.values() if self.needs(job)]

    def unsettled(self) -> list[Job]:
        """Submissions whose arrival is unknown (the request log settles them)."""
        return self._history.all(JobFilter(states=frozenset({JobState.UNKNOWN})))

    def to_resume(self) -> list[Job]:
        """What `resume` takes on: unknown submissions and followed jobs not yet ended."""
        return [*self.unsettled(), *self._service.followable()]

    def to_reconcile(self) -> list[Job]:
        """What `reconcile` takes on: unknown submissions and ended jobs whose charge is
        not known yet."""
        return [*self.unsettled(), *self._charges.recent()]

    def unfollowed(self) -> list[Job]:
        """Followed jobs no process follows now (a command line that stopped, say)."""
        return [job for job in self._service.followable() if job.id not in self._attending]

    def needs(self, job: Job) -> bool:
        """The job's course should run (and does not run in this process now)."""
        if job.id in self._attending or self._service.is_following(job.id):
            return False
        return self._policy.needs_course(job, self._clock())

    async def see_through(
        self, job_id: str, pace: Pace, first_poll_delay: float | None = None
    ) -> Job:
        """Run the job's course at `pace`; return the job as it ends. Raises
        FollowInterruptedError when following stops before the end (the job stays
        journaled); a job another process follows is left to it."""
        if job_id in self._attending:
            return self._history.get(job_id)
        self._attending.add(job_id)
        try:
            job = self._history.get(job_id)
            if job.state is JobState.UNKNOWN:
                job = await self._recovery.settle(job.id, wait=pace is not Pace.ONE_LOOK)
            if job.state.is_followable and job.followed:
                try:
                    job = await self._service.follow(job.id, first_poll_delay=first_poll_delay)
                except JobBusyError:
                    log.info("job %s is followed by another process", job.id)
                    return self._history.get(job.id)
            if pace is not Pace.TO_THE_CLIP and self._charges.wanted(job):
                job = await self._charges.find(job.id, wait=pace is Pace.ALONGSIDE)
            return job
        finally:
            self._attending.discard(job_id)

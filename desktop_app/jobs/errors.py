"""What the job service raises when a follow cannot go on, or an action means nothing."""

from __future__ import annotations

from desktop_app.domain.errors import InvalidInputError, WanStudioError
from desktop_app.domain.job import Job


class JobBusyError(WanStudioError):
    """Another process follows this job now; its progress shows in the journal."""


class FollowInterruptedError(WanStudioError):
    """Following stopped before a terminal state; the job stays journaled for `resume`."""

    def __init__(self, job: Job, cause: WanStudioError) -> None:
        self.job = job
        self.cause = cause
        self.category = cause.category
        super().__init__(cause.explain())


class NothingToDoError(InvalidInputError):
    """The job is not in a state where that action means anything."""

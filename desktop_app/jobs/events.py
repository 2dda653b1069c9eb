"""What the job service publishes: a job changed, was forgotten, or keeps failing to be
followed (said once per job and state, while it retries by itself)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from desktop_app.domain.job import Job, JobError
from desktop_app.domain.pricing import Quote


@dataclass(frozen=True)
class JobChanged:
    job: Job


@dataclass(frozen=True)
class JobForgotten:
    job_id: str


@dataclass(frozen=True)
class JobTrouble:
    """A follow keeps failing and retries by itself; said once per job and state."""

    job: Job
    error: JobError
    retry_in: float


JobEvent = JobChanged | JobForgotten | JobTrouble
Listener = Callable[[JobEvent], None]
SpendingGuard = Callable[[Quote], None]
"""Raises SpendingLimitError when a submission of that price must not be sent."""

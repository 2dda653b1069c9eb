"""What the job service publishes: a job changed, was forgotten, or keeps failing to be
followed (said once per job and state, while it retries by itself)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from desktop_app.domain.job import Job, JobError
from desktop_app.domain.job_change import JobChange
from desktop_app.domain.pricing import Quote
from desktop_app.domain.request import GenerationRequest
from desktop_app.journal.job_journal import Admission


@dataclass(frozen=True)
class JobChanged:
    job: Job
    change: JobChange | None = None
    """What changed; None for a new job."""


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
AdmissionCheck = Callable[[Sequence[GenerationRequest], Sequence[Quote]], Admission]
"""The daily limit's check for new jobs, run by the journal in the transaction that
journals them; raises SettingsError when the money settings cannot be trusted."""

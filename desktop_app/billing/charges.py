"""ChargeFinder: what the provider really charged for a finished job, from its ledger.

An async video is charged after it reports `completed`, so the entry may land minutes
later: the finder keeps looking in the background with growing waits (few requests) for
up to an hour. A failed job whose ledger shows no charge by then is confirmed "not
charged" (the provider never charges failed generations). An entry whose amount is not a
charge (not finite, zero or negative) is never recorded as one.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from dataclasses import dataclass

from desktop_app.api.account import LedgerEntry
from desktop_app.api.client import ApiClient
from desktop_app.domain.errors import ErrorKind, WanStudioError
from desktop_app.domain.job import Job, JobState
from desktop_app.domain.job_query import JobFilter
from desktop_app.domain.money import usd_to_credits
from desktop_app.jobs.service import JobService
from desktop_app.store.queries import HistoryQueries

log = logging.getLogger(__name__)

MAX_PAGES = 10
"""Ledger pages read per look (100 entries each): enough for a busy hour."""
MAX_RUN = 3 * 3600.0
"""How long before it ended a job may have been created (a slow queue and a download)."""


@dataclass(frozen=True)
class ChargeSettings:
    first_wait: float = 5.0
    max_wait: float = 300.0
    look_for: float = 3600.0
    """Seconds after the job ended during which its charge is looked for."""
    failed_confirm_after: float = 600.0
    """A failed job with no charge in the ledger this long after it ended: not charged."""


class ChargeFinder:
    def __init__(
        self,
        client: ApiClient,
        service: JobService,
        history: HistoryQueries,
        settings: ChargeSettings | None = None,
    ) -> None:
        self._client = client
        self._service = service
        self._history = history
        self._settings = settings or ChargeSettings()
        self._noted: set[str] = set()

    def wanted(self, job: Job) -> bool:
        """The job ended (or was given up after hours with no end), reached the service,
        and its charge is not known yet."""
        given_up = job.error is not None and job.error.kind is ErrorKind.NO_END
        return (
            (job.state in (JobState.DONE, JobState.FAILED, JobState.LOST) or given_up)
            and job.generation_id is not None
            and job.charged_credits is None
            and time.time() - self._ended(job) < self._settings.look_for
        )

    @staticmethod
    def _ended(job: Job) -> float:
        return job.finished_at or job.completed_at or job.updated_at

    async def find(self, job_id: str, *, wait: bool = True) -> Job:
        """Look for the job's charge until it is found or the time to look is over (with
        `wait`), or once. Records it on the job through the job service."""
        settings = self._settings
        pause = settings.first_wait
        while True:
            job = self._history.get(job_id)
            if not self.wanted(job):
                return job
            credits = await self._look(job)
            if credits is not None:
                return self._service.record_charge(job.id, credits)
            waited = time.time() - self._ended(job)
            if job.state is JobState.FAILED and waited >= settings.failed_confirm_after:
                return self._service.record_charge(job.id, 0)
            if not wait:
                return job
            until_confirm = settings.failed_confirm_after - waited
            if job.state is JobState.FAILED and until_confirm > 0:
                pause = min(pause, until_confirm)
            await asyncio.sleep(pause)
            pause = min(pause * 2, settings.max_wait)

    def recent(self) -> list[Job]:
        """Jobs that ended recently enough for their charge to be looked up (the window at
        start and `reconcile` use this one window)."""
        since = time.time() - self._settings.look_for - MAX_RUN
        return [job for job in self._history.all(JobFilter(since=since)) if self.wanted(job)]

    async def _look(self, job: Job) -> int | None:
        """The credits the ledger charged for the job; None while no usable entry is
        there. An entry whose amount is not a charge (not finite, zero, negative) is left
        out of spending and noted once in the job's history."""
        since = (job.submitted_at or job.created_at) - 300
        cursor: str | None = None
        try:
            for _ in range(MAX_PAGES):
                page = await self._client.ledger(since=since, cursor=cursor)
                for entry in page.entries:
                    if entry.reference_id == job.generation_id and entry.direction == "CHARGE":
                        credits = charged_credits(entry)
                        if credits is not None:
                            return credits
                        self._note_ignored(job, entry)
                cursor = page.next_cursor
                if cursor is None:
                    return None
        except WanStudioError as error:
            log.info("ledger not readable now: %s", error.explain())
        return None

    def _note_ignored(self, job: Job, entry: LedgerEntry) -> None:
        if job.id not in self._noted:
            self._noted.add(job.id)
            self._service.note_ignored_charge(job.id, entry.usd, entry.credits)


def charged_credits(entry: LedgerEntry) -> int | None:
    """The credits a ledger entry charged: a positive, finite amount, or None."""
    if entry.credits is not None:
        return entry.credits if entry.credits > 0 else None
    if entry.usd is not None and math.isfinite(entry.usd) and entry.usd > 0:
        return usd_to_credits(entry.usd)
    return None

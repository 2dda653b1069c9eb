"""ChargeFinder: what the provider really charged for a finished job, from its ledger.

An async video is charged after it reports `completed`, so the entry may land minutes
later: the finder keeps looking in the background with growing waits (few requests) for
up to an hour. A failed job whose ledger shows no charge by then is confirmed "not
charged" (the provider never charges failed generations).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from desktop_app.api.account import LedgerEntry
from desktop_app.api.client import ApiClient
from desktop_app.domain.errors import WanStudioError
from desktop_app.domain.job import Job, JobState
from desktop_app.domain.money import usd_to_credits
from desktop_app.jobs.service import JobService
from desktop_app.store.queries import HistoryQueries

log = logging.getLogger(__name__)

MAX_PAGES = 10
"""Ledger pages read per look (100 entries each): enough for a busy hour."""


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

    def wanted(self, job: Job) -> bool:
        """The job ended, reached the service, and its charge is not known yet."""
        return (
            job.state in (JobState.DONE, JobState.FAILED, JobState.LOST)
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
            entry = await self._look(job)
            if entry is not None:
                credits = (
                    entry.credits if entry.credits is not None else usd_to_credits(entry.usd or 0)
                )
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

    async def _look(self, job: Job) -> LedgerEntry | None:
        since = (job.submitted_at or job.created_at) - 300
        cursor: str | None = None
        try:
            for _ in range(MAX_PAGES):
                page = await self._client.ledger(since=since, cursor=cursor)
                for entry in page.entries:
                    if entry.reference_id == job.generation_id and entry.direction == "CHARGE":
                        return entry
                cursor = page.next_cursor
                if cursor is None:
                    return None
        except WanStudioError as error:
            log.info("ledger not readable now: %s", error.explain())
        return None

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
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace

from desktop_app.api.account import LedgerEntry
from desktop_app.api.client import ApiClient
from desktop_app.api.response import reported_credits, reported_usd
from desktop_app.domain.course import CoursePolicy, ended_at
from desktop_app.domain.errors import WanStudioError
from desktop_app.domain.job import Job, JobState
from desktop_app.domain.job_query import JobFilter
from desktop_app.domain.money import usd_to_credits
from desktop_app.jobs.service import JobService
from desktop_app.journal.queries import HistoryQueries

log = logging.getLogger(__name__)

MAX_PAGES = 1_000
"""A bound on the pages of one look (100 entries each), against a ledger that never ends;
a look reads every page from the job's start on, whatever the account's traffic."""
MAX_RUN = 3 * 3600.0
"""How long before it ended a job may have been created (a slow queue and a download)."""


class ChargeFinder:
    def __init__(
        self,
        client: ApiClient,
        service: JobService,
        history: HistoryQueries,
        policy: CoursePolicy | None = None,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """`clock` and `sleep`: the wall clock and the wait on it (injected: tests drive
        them, and an hour of looking passes at once)."""
        self._clock = clock
        self._sleep = sleep
        self._client = client
        self._service = service
        self._history = history
        self._policy = policy or CoursePolicy()
        self._noted: set[str] = set()

    def wanted(self, job: Job) -> bool:
        """The job's charge is to be looked for now (`CoursePolicy.charge_wanted`)."""
        return self._policy.charge_wanted(job, self._clock())

    async def find(self, job_id: str, *, wait: bool = True) -> Job:
        """Look for the job's charge until it is found or the time to look is over (with
        `wait`), or once. Records it on the job through the job service."""
        policy = self._policy
        looks = 0
        while True:
            job = self._history.get(job_id)
            if not self.wanted(job):
                return job
            credits = await self._look(job)
            if credits is not None:
                return self._service.record_charge(job.id, credits)
            waited = self._clock() - ended_at(job)
            if job.state is JobState.FAILED and waited >= policy.charge_failed_confirm_after:
                return self._service.record_charge(job.id, 0)
            if not wait:
                return job
            looks += 1
            pause = policy.charge_growth.wait(looks)
            until_confirm = policy.charge_failed_confirm_after - waited
            if job.state is JobState.FAILED and until_confirm > 0:
                pause = min(pause, until_confirm)
            await self._sleep(pause)

    def recent(self) -> list[Job]:
        """Jobs that ended recently enough for their charge to be looked up (the window at
        start and `reconcile` use this one window)."""
        since = self._clock() - self._policy.charge_look_for - MAX_RUN
        return [job for job in self._history.all(JobFilter(since=since)) if self.wanted(job)]

    async def _look(self, job: Job) -> int | None:
        """The credits the ledger charged for the job, less what it refunded (0 for a job
        refunded whole); None while no usable charge is there. An entry whose amount is
        not a charge (not finite, zero, negative) is left out of spending and noted once in
        the job's history."""
        try:
            charges = await self._entries(job, direction="CHARGE", kind="MODEL_USAGE")
            charged = None
            for entry in charges:
                credits = charged_credits(entry)
                if credits is None:
                    self._note_ignored(job, entry)
                else:
                    charged = (charged or 0) + credits
            if charged is None:
                return None
            refunds = await self._entries(job, direction=None, kind="REFUND")
            refunded = sum(credits for e in refunds if (credits := refunded_credits(e)))
        except WanStudioError as error:
            log.info("ledger not readable now: %s", error.explain())
            return None
        if refunded:
            self._service.note_refund(job.id, min(refunded, charged))
        return max(0, charged - refunded)

    async def _entries(self, job: Job, *, direction: str | None, kind: str) -> list[LedgerEntry]:
        """The job's entries of one kind: every page from its start on (the ledger's
        filters keep other kinds out), however many other jobs the account ran."""
        since = (job.submitted_at or job.created_at) - 300
        found: list[LedgerEntry] = []
        cursor: str | None = None
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            page = await self._client.ledger(
                since=since, cursor=cursor, direction=direction, kind=kind
            )
            found += [e for e in page.entries if e.reference_id == job.generation_id]
            cursor = page.next_cursor
            if cursor is None or cursor in seen:
                break
            seen.add(cursor)
        return list(dict.fromkeys(found))  # an entry shown on two pages counts once

    def _note_ignored(self, job: Job, entry: LedgerEntry) -> None:
        if job.id not in self._noted:
            self._noted.add(job.id)
            self._service.note_ignored_charge(job.id, entry.usd, entry.credits)


def refunded_credits(entry: LedgerEntry) -> int | None:
    """The credits a REFUND entry gave back, whichever sign the ledger writes it with."""
    usd = abs(entry.usd) if entry.usd is not None else None
    credits = abs(entry.credits) if entry.credits is not None else None
    return charged_credits(replace(entry, usd=usd, credits=credits))


def charged_credits(entry: LedgerEntry) -> int | None:
    """The credits a ledger entry moved: a positive amount of at most MAX_CHARGE_USD
    (credits where given, else dollars), or None."""
    if entry.credits is not None:
        return reported_credits(entry.credits)
    usd = reported_usd(entry.usd)
    return usd_to_credits(usd) if usd is not None else None

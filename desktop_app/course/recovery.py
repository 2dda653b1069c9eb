"""SubmissionRecovery: settles an `unknown` submission (its answer was lost) from the
provider's request log, matched by the X-Client-Request-Id it was sent with.

Found: its `inference_id` is the generation id, and the job is followed like any other.
A failed row: the service refused it. Not found: the job stays `unknown` and says what is
known (it may still be rendering; sending again may pay twice) until the horizon after its
submission has passed (`LOG_HORIZON_S`, two hours: the provider documents that rows lag and
that a video is charged when it completes, not when its row appears); only then was it
never received, and the job becomes `rejected`. A log that cannot be read proves nothing.
Nothing is ever POSTed again here.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from desktop_app.api.account import LogRow
from desktop_app.api.client import ApiClient
from desktop_app.api.errors import RateLimitedError
from desktop_app.domain.course import CoursePolicy
from desktop_app.domain.errors import WanStudioError
from desktop_app.domain.job import Job, JobState
from desktop_app.jobs.service import JobService
from desktop_app.journal.queries import HistoryQueries

log = logging.getLogger(__name__)

NOT_IN_LOG_YET = (
    "Not in the service's request log yet; it may still be rendering. Sending again may pay "
    "twice; if the first one arrives, its clip is saved too."
)
NEVER_RECEIVED = (
    "The service never received it (it is not in the service's request log), so nothing "
    "was charged. Send again is safe."
)
REFUSED = (
    "The service received it and refused it (its request log says it failed), so nothing "
    "was charged. Send again is safe once the request is fixed."
)
MAX_PAGES = 5
MAX_ID = 256


class SubmissionRecovery:
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
        them, and the two hours of the log's horizon pass at once)."""
        self._clock = clock
        self._sleep = sleep
        self._client = client
        self._service = service
        self._history = history
        self._policy = policy or CoursePolicy()

    def deadline(self, job: Job) -> float:
        return job.created_at + self._policy.log_horizon

    async def settle(self, job_id: str, *, wait: bool = True) -> Job:
        """Look the job up in the request log: until it is settled (with `wait`), or once."""
        looks = 0
        retry_after: float | None = None
        while True:
            job = self._history.get(job_id)
            if job.state is not JobState.UNKNOWN:
                return job
            try:
                row = await self._look(job)
            except WanStudioError as error:
                log.info("request log not readable now: %s", error.explain())
                if isinstance(error, RateLimitedError):
                    retry_after = error.retry_after
            else:
                if row is not None and row.status == "failed":
                    return self._service.settle_not_accepted(job.id, REFUSED)
                if row is not None and row.inference_id:
                    return self._service.settle_found(job.id, row.inference_id)
                if self._clock() >= self.deadline(job):
                    return self._service.settle_not_accepted(job.id, NEVER_RECEIVED)
                job = self._service.note_not_in_log_yet(job.id, NOT_IN_LOG_YET)
            if not wait:
                return job
            looks += 1
            pause = self._policy.log_growth.wait(looks, retry_after)
            retry_after = None
            left = self.deadline(job) - self._clock()
            await self._sleep(min(pause, left) if left > 0.2 else pause)

    async def _look(self, job: Job) -> LogRow | None:
        """The job's row in the request log, matched by its client request id: first among
        its own model's rows (a narrower query), then among all rows, since a log may name
        the model another way. Only when neither has it is it absent."""
        for model in (job.request.model, None):
            row = await self._look_in(job, model)
            if row is not None:
                return row
        return None

    async def _look_in(self, job: Job, model: str | None) -> LogRow | None:
        start = job.created_at - 120
        end = max(self._clock(), job.created_at) + 120
        for page in range(MAX_PAGES):
            rows = await self._client.request_log(
                model=model, start=start, end=end, offset=page * 100, limit=100
            )
            for row in rows:
                if row.client_request_id == job.client_request_id:
                    inference_id = row.inference_id
                    usable = row.status == "failed" or (
                        inference_id and len(inference_id) <= MAX_ID
                    )
                    return row if usable else None
            if len(rows) < 100:
                return None
        return None

"""JobService: the only code that changes a job.

Submit (one or a batch), follow to a saved clip (`JobFollower`), stop following, follow
again, send again, forget, download again, and what the provider's request log and ledger
settle: the window and the command line both call these, and every change is journaled
first, then published to the subscribers (`JobUpdates`).
"""

from __future__ import annotations

import asyncio
import logging
import math
import secrets
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from desktop_app.api.client import ApiClient, KeyProvider, Sleep
from desktop_app.api.errors import BadResponseError, NetworkError, ServerError
from desktop_app.api.response import GenerationStatus
from desktop_app.domain.course import CoursePolicy
from desktop_app.domain.errors import ErrorCategory, ErrorKind, WanStudioError
from desktop_app.domain.job import Job, JobAction, JobError, JobState
from desktop_app.domain.job_change import JobChange
from desktop_app.domain.pricing import Pricer, PriceSource, Quote
from desktop_app.domain.request import SEED_MAX, GenerationRequest
from desktop_app.jobs.download import ClipDownloader
from desktop_app.jobs.errors import NothingToDoError
from desktop_app.jobs.events import AdmissionCheck, JobChanged, JobForgotten, Listener
from desktop_app.jobs.following import JobFollower, RenderTimes
from desktop_app.jobs.library import delete_clip_files
from desktop_app.jobs.poll_outcome import STATE_FOR_STATUS
from desktop_app.jobs.updates import JobUpdates
from desktop_app.journal.job_journal import Clock, JobJournal
from desktop_app.uploads.publish import FileProgress, PreparedRequest, ReferencePreparer

log = logging.getLogger(__name__)

INTERRUPTED = (
    "Wan Studio stopped while sending this request: it may or may not have reached the "
    "service. It is looked for in the service's request log; `wan-studio again` sends it "
    "again knowingly."
)


def _quiet(field: str, slot: int, sent: int, total: int) -> None:
    """No one to tell of upload progress."""


class JobService:
    def __init__(
        self,
        journal: JobJournal,
        client: ApiClient,
        downloader: ClipDownloader,
        library: Path,
        *,
        keys: KeyProvider,
        policy: CoursePolicy | None = None,
        price: Pricer | None = None,
        admission: AdmissionCheck | None = None,
        references: ReferencePreparer | None = None,
        clock: Clock = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        render_times: RenderTimes = lambda job: (),
    ) -> None:
        """`clock`, `monotonic` and `sleep`: the wall clock, the clock of the follower's
        waits, and its wait (tests drive them). `render_times`: how long jobs like one
        took (HistoryQueries.render_times): the follower learns the pace of its polls from
        them."""
        self._journal = journal
        self._client = client
        self._keys = keys
        self._price = price or (lambda request, count: Quote.unknown(count))
        self._admission = admission
        self._references = references or ReferencePreparer(None)
        self._clock = clock
        self._updates = JobUpdates(journal)
        self._follower = JobFollower(
            journal, client, downloader, library, self._updates,
            policy or CoursePolicy(), clock, monotonic, render_times, sleep,
        )  # fmt: skip

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` with every JobEvent; returns the function that unsubscribes."""
        return self._updates.subscribe(listener)

    def _apply(self, job_id: str, change: JobChange) -> Job:
        return self._updates.apply(job_id, change)

    # -- submitting ------------------------------------------------------------------------

    def quote(self, requests: Sequence[GenerationRequest]) -> Quote:
        """What sending `requests` would cost, and where the number comes from."""
        quotes = [self._price(request, 1) for request in requests]
        if not quotes or any(q.usd is None for q in quotes):
            return Quote.unknown(len(requests))
        source = max((q.source for q in quotes), key=list(PriceSource).index)
        return Quote(sum(q.usd or 0.0 for q in quotes), source, len(requests))

    async def submit(self, request: GenerationRequest, progress: FileProgress = _quiet) -> Job:
        """Journal the job, then POST it once. Returns it in queued, rejected or unknown."""
        return (await self.submit_batch([request], progress))[0]

    async def submit_batch(
        self,
        requests: Sequence[GenerationRequest],
        progress: FileProgress = _quiet,
        *,
        continues: str | None = None,
    ) -> list[Job]:
        """Submit requests (several: one batch of variations): clips from this computer
        checked, then uploaded and linked (`progress` hears of each), then all journaled at
        once, then each POSTed once, in order. Nothing is journaled or sent when a request
        is invalid, a local clip cannot be used or uploaded, there is no key, the settings
        cannot be trusted (SettingsError), or the daily spending limit would be passed
        (SpendingLimitError), counted in the same journal transaction that journals them,
        so no other process can slip in between. `continues`: the job whose last frame
        these start from."""
        for request in requests:
            request.validate()
        self._keys()  # no key: say so before anything is journaled or sent
        prepared = [await self._references.prepare(request, progress) for request in requests]
        return await self._journal_and_post(prepared, continues)

    async def _journal_and_post(
        self, prepared: Sequence[PreparedRequest], continues: str | None = None
    ) -> list[Job]:
        requests = [p.request for p in prepared]
        quotes = [self._price(request, 1) for request in requests]
        admit = self._admission(requests, quotes) if self._admission else None
        batch_id = uuid.uuid4().hex[:12] if len(requests) > 1 else None
        created = self._journal.create_batch(
            requests, quotes, batch_id=batch_id, admit=admit,
            local_refs=[p.local for p in prepared], continues=continues,
        )  # fmt: skip
        for job in created:
            self._updates.publish(JobChanged(job))
        jobs = []
        for job in created:
            try:
                jobs.append(await self._post(job))
            finally:
                self._journal.release(job.id)
        return jobs

    async def _post(self, job: Job) -> Job:
        try:
            generation = await self._client.create(job.request, job.client_request_id)
        except NetworkError as error:
            state = JobState.UNKNOWN if error.sent else JobState.REJECTED
            return self._apply(job.id, JobChange(state=state, error=JobError.of(error)))
        except (ServerError, BadResponseError) as error:
            return self._apply(job.id, JobChange(state=JobState.UNKNOWN, error=JobError.of(error)))
        except WanStudioError as error:
            # Refused by the service, or stopped before a byte left (no key any more).
            return self._apply(job.id, JobChange(state=JobState.REJECTED, error=JobError.of(error)))
        except BaseException:
            # Interrupted while the POST may have been on the wire.
            stopped = JobError(ErrorKind.INTERRUPTED, "Stopped while the request was being sent.")
            self._apply(job.id, JobChange(state=JobState.UNKNOWN, error=stopped))
            raise
        status = generation.known_status or GenerationStatus.QUEUED
        usage = {"inference_id": generation.inference_id, "usd_spent": generation.usd_spent}
        now = self._clock()
        return self._apply(job.id, JobChange(
            state=STATE_FOR_STATUS.get(status, JobState.QUEUED), generation_id=generation.id,
            status_detail=generation.status or "queued", credits_used=generation.credits_used,
            submitted_at=now, followed_since=now, event=("accepted", usage),
        ))  # fmt: skip

    # -- following (JobFollower) -----------------------------------------------------------

    async def follow(self, job_id: str, *, first_poll_delay: float | None = None) -> Job:
        """Poll the job to its end and save its clip (see JobFollower.follow)."""
        return await self._follower.follow(job_id, first_poll_delay=first_poll_delay)

    def is_following(self, job_id: str) -> bool:
        return self._follower.is_following(job_id)

    def retry_now(self) -> None:
        """Wake every waiting follow: the key was replaced, or the network came back."""
        self._follower.retry_now()

    def followable(self) -> list[Job]:
        return self._follower.followable()

    def followed_elsewhere(self) -> list[Job]:
        return self._follower.followed_elsewhere()

    def clip_target(self, job: Job) -> Path:
        return self._follower.clip_target(job)

    def recover_interrupted(self) -> list[Job]:
        """Jobs left in `submitting` by a process that died become `unknown`."""
        recovered = []
        error = JobError(ErrorKind.INTERRUPTED, INTERRUPTED)
        for job in self._journal.unfinished():
            if job.state is JobState.SUBMITTING and self._journal.holder(job.id) is None:
                change = JobChange(state=JobState.UNKNOWN, error=error)
                recovered.append(self._apply(job.id, change))
        return recovered

    # -- a creator's actions ---------------------------------------------------------------

    def stop_following(self, job_id: str) -> Job:
        """Stop polling this job. The API has no cancel: the service still renders (and
        charges for) it; `follow_again` picks it up."""
        self._require(job_id, JobAction.STOP_FOLLOWING)
        return self._apply(job_id, JobChange(followed=False))

    def follow_again(self, job_id: str) -> Job:
        """Follow a job again (stopped by the creator, or after hours with no end): it gets
        the same time again before it is given up."""
        job = self._journal.get(job_id)
        if job.followed:
            return job
        self._require(job_id, JobAction.FOLLOW_AGAIN)
        change = JobChange(followed=True, followed_since=self._clock(), clear_error=True)
        return self._apply(job_id, change)

    async def send_again(self, job_id: str, *, new_seed: bool = False) -> Job:
        """Submit a job's request again, knowingly, as a new job (with a new random seed
        when asked, and fresh links to its clips from this computer, uploaded again only
        when gone), with every check of a submission: refused, nothing changes. The old
        job stays in the history; an `unknown` one is marked superseded and goes on being
        settled: if it did arrive, it is followed and saved like any other."""
        old = self._journal.get(job_id)
        old.request.validate()
        self._keys()
        seed = secrets.randbelow(SEED_MAX + 1) if new_seed else old.request.seed
        prepared = await self._references.refresh(replace(old.request, seed=seed), old.local_refs)
        [new] = await self._journal_and_post([prepared], old.continues)
        for note in prepared.notes:
            new = self._apply(new.id, JobChange(event=("reference_changed", {"note": note})))
        if old.state is JobState.UNKNOWN and new.state is not JobState.REJECTED:
            change = JobChange(superseded_by=new.id, event=("superseded", {"by": new.id}))
            self._apply(old.id, change)
        return new

    def forget(self, job_id: str, *, delete_file: bool) -> Job:
        """Remove a job from the journal; with `delete_file`, its clip and sidecar too."""
        job = self._journal.get(job_id)
        if delete_file and job.file_path is not None:
            delete_clip_files(job.file_path)
        self._journal.forget(job_id)
        self._updates.forgotten(job_id)
        self._updates.publish(JobForgotten(job_id))
        return job

    async def download_again(self, job_id: str) -> Job:
        """Fetch a job's clip again (a deleted file, a lost job whose link still works)."""
        job = self._require(job_id, JobAction.DOWNLOAD_AGAIN)
        if job.state is JobState.DONE and job.file_path and job.file_path.exists():
            return job
        change = JobChange(state=JobState.DOWNLOADING, followed=True, clear_error=True)
        self._apply(job.id, change)
        return await self.follow(job.id, first_poll_delay=0.0)

    # -- what the provider's request log and ledger say ------------------------------------

    def settle_found(self, job_id: str, generation_id: str) -> Job:
        """An `unknown` submission was found in the provider's request log: it reached the
        service, and `generation_id` is its generation. It is followed like any other."""
        now = self._clock()
        return self._apply(job_id, JobChange(
            state=JobState.QUEUED, generation_id=generation_id,
            status_detail="found in the request log", submitted_at=now, recovered_at=now,
            followed_since=now, clear_error=True,
            event=("recovered", {"generation_id": generation_id}),
        ))  # fmt: skip

    def note_not_in_log_yet(self, job_id: str, words: str) -> Job:
        """An `unknown` submission is not in the request log yet: `words` say what that
        means, on the job (written once, not at every look)."""
        job = self._journal.get(job_id)
        if job.error is not None and job.error.message == words:
            return job
        error = JobError(ErrorKind.NETWORK, words, category=ErrorCategory.NETWORK)
        if job.error is not None:
            error = replace(job.error, message=words)
        return self._apply(job_id, JobChange(error=error))

    def settle_not_accepted(self, job_id: str, reason: str) -> Job:
        """An `unknown` submission the provider's request log shows was not accepted
        (absent after the grace period, or failed): nothing is charged, and sending it
        again is safe. `reason` says which, to the creator."""
        error = JobError(ErrorKind.NOT_ACCEPTED, reason, category=ErrorCategory.NETWORK)
        change = JobChange(state=JobState.REJECTED, error=error, finished_at=self._clock())
        return self._apply(job_id, change)

    def note_ignored_charge(self, job_id: str, usd: float | None, credits: int | None) -> None:
        """The ledger has an entry for the job whose amount is not a charge (not finite,
        zero or negative): it is kept out of spending, and said in the job's history."""
        detail = {"usd": usd if usd is None or math.isfinite(usd) else str(usd), "credits": credits}
        self._apply(job_id, JobChange(event=("ledger_entry_ignored", detail)))

    def note_refund(self, job_id: str, credits: int) -> None:
        """The ledger refunded (part of) the job's charge: said in its history; the charge
        recorded next is net of it."""
        self._apply(job_id, JobChange(event=("refunded", {"credits": credits})))

    def record_charge(self, job_id: str, credits: int) -> Job:
        """What the provider's ledger charged for the job (0: confirmed not charged)."""
        change = JobChange(charged_credits=credits, event=("charged", {"credits": credits}))
        return self._apply(job_id, change)

    def _require(self, job_id: str, action: JobAction) -> Job:
        job = self._journal.get(job_id)
        if action not in job.actions():
            raise NothingToDoError(_CANNOT[action].format(id=job.id, state=job.state.value))
        return job


_CANNOT = {
    JobAction.STOP_FOLLOWING: "Job {id} is {state}: there is nothing to stop following.",
    JobAction.FOLLOW_AGAIN: "Job {id} is {state}: there is nothing left to follow.",
    JobAction.DOWNLOAD_AGAIN: "Job {id} is {state}: it has no clip on the service to download.",
}

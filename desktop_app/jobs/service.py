"""JobService: the only code that changes a job.

Submit (one or a batch), follow to a saved clip, stop following, follow again, send again,
forget, download again: the window and the command line both call these, and every change
is journaled first, then published to the subscribers.
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
from typing import Any

from desktop_app.api.client import ApiClient, KeyProvider
from desktop_app.api.errors import (
    ApiError,
    BadResponseError,
    KeyRefusedError,
    NetworkError,
    NoCreditsError,
    NotFoundError,
    RateLimitedError,
    ServerError,
)
from desktop_app.api.response import Generation, GenerationStatus, link_expiry
from desktop_app.domain.errors import (
    ErrorCategory,
    StorageError,
    WanStudioError,
)
from desktop_app.domain.job import Job, JobAction, JobError, JobState
from desktop_app.domain.pricing import Pricer, PriceSource, Quote
from desktop_app.domain.request import SEED_MAX, GenerationRequest
from desktop_app.jobs.backoff import Backoff, FollowSettings
from desktop_app.jobs.download import (
    ClipDownloader,
    ClipRefusedError,
    DownloadError,
    LinkExpiredError,
)
from desktop_app.jobs.errors import FollowInterruptedError, JobBusyError, NothingToDoError
from desktop_app.jobs.events import (
    AdmissionCheck,
    JobChanged,
    JobEvent,
    JobForgotten,
    JobTrouble,
    Listener,
)
from desktop_app.jobs.library import delete_clip_files, write_sidecar
from desktop_app.jobs.naming import clip_path
from desktop_app.jobs.poll_outcome import STATE_FOR_STATUS, poll_outcome
from desktop_app.store.errors import JobNotFoundError
from desktop_app.store.journal import JobJournal

log = logging.getLogger(__name__)

NOT_FOUND_LOST = (
    "The service accepted this job, then did not know it for 15 minutes: its clip cannot be "
    "fetched. It may still have been charged; Wan Studio keeps looking for the charge."
)


class NotFoundStreak:
    """How long "not found" has been the answer, in a row, for one follow."""

    def __init__(self, grace: float) -> None:
        self._grace = grace
        self._since: float | None = None

    def too_long(self) -> bool:
        """Count one "not found"; True once they have lasted past the grace period."""
        now = time.monotonic()
        if self._since is None:
            self._since = now
        return now - self._since >= self._grace

    def ended(self) -> None:
        self._since = None


class JobService:
    def __init__(
        self,
        journal: JobJournal,
        client: ApiClient,
        downloader: ClipDownloader,
        library: Path,
        *,
        keys: KeyProvider,
        settings: FollowSettings | None = None,
        price: Pricer | None = None,
        admission: AdmissionCheck | None = None,
    ) -> None:
        self._journal = journal
        self._client = client
        self._downloader = downloader
        self._library = library
        self._keys = keys
        self._settings = settings or FollowSettings()
        self._price = price or (lambda request, count: Quote.unknown(count))
        self._admission = admission
        self._listeners: list[Listener] = []
        self._following: set[str] = set()
        self._renewed: dict[str, float] = {}
        """When this process last renewed its lease on each job it follows (monotonic)."""
        self._troubled: dict[str, JobState] = {}
        self._wake = asyncio.Event()

    # -- publishing ------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` with every JobEvent; returns the function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _publish(self, event: JobEvent) -> None:
        for listener in list(self._listeners):
            listener(event)

    def _update(self, job_id: str, **changes: Any) -> Job:
        job = self._journal.update(job_id, **changes)
        if changes.get("state") is not None:
            self._troubled.pop(job_id, None)
        self._publish(JobChanged(job))
        return job

    def _trouble(self, job: Job, error: WanStudioError, retry_in: float) -> None:
        self._journal.update(job.id, event=("follow_error", JobError.of(error).to_json()))
        if self._troubled.get(job.id) is not job.state:
            self._troubled[job.id] = job.state
            self._publish(JobTrouble(job, JobError.of(error), retry_in))

    # -- submitting ------------------------------------------------------------------------

    def quote(self, requests: Sequence[GenerationRequest]) -> Quote:
        """What sending `requests` would cost, and where the number comes from."""
        quotes = [self._price(request, 1) for request in requests]
        if not quotes or any(q.usd is None for q in quotes):
            return Quote.unknown(len(requests))
        source = max((q.source for q in quotes), key=list(PriceSource).index)
        return Quote(sum(q.usd or 0.0 for q in quotes), source, len(requests))

    async def submit(self, request: GenerationRequest) -> Job:
        """Journal the job, then POST it once. Returns it in queued, rejected or unknown."""
        return (await self.submit_batch([request]))[0]

    async def submit_batch(self, requests: Sequence[GenerationRequest]) -> list[Job]:
        """Submit requests (several: one batch of variations): all journaled at once, then
        each POSTed once, in order. Nothing is journaled or sent when a request is invalid,
        there is no key, the settings cannot be trusted (SettingsError), or the daily
        spending limit would be passed (SpendingLimitError), counted in the same journal
        transaction that journals them, so no other process can slip in between."""
        for request in requests:
            request.validate()
        self._keys()  # no key: say so before anything is journaled or sent
        quotes = [self._price(request, 1) for request in requests]
        admit = self._admission(requests, quotes) if self._admission else None
        batch_id = uuid.uuid4().hex[:12] if len(requests) > 1 else None
        created = self._journal.create_batch(requests, quotes, batch_id=batch_id, admit=admit)
        for job in created:
            self._publish(JobChanged(job))
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
            return self._update(job.id, state=state, error=JobError.of(error))
        except (ServerError, BadResponseError) as error:
            return self._update(job.id, state=JobState.UNKNOWN, error=JobError.of(error))
        except WanStudioError as error:
            # Refused by the service, or stopped before a byte left (no key any more).
            return self._update(job.id, state=JobState.REJECTED, error=JobError.of(error))
        except BaseException:
            # Interrupted while the POST may have been on the wire.
            self._update(
                job.id,
                state=JobState.UNKNOWN,
                error=JobError("Interrupted", "Stopped while the request was being sent."),
            )
            raise
        status = generation.known_status or GenerationStatus.QUEUED
        usage = {"inference_id": generation.inference_id, "usd_spent": generation.usd_spent}
        return self._update(
            job.id,
            state=STATE_FOR_STATUS.get(status, JobState.QUEUED),
            generation_id=generation.id,
            status_detail=generation.status or "queued",
            credits_used=generation.credits_used,
            submitted_at=time.time(),
            event=("accepted", usage),
        )

    # -- following -------------------------------------------------------------------------

    def is_following(self, job_id: str) -> bool:
        """This process follows the job right now."""
        return job_id in self._following

    def retry_now(self) -> None:
        """Wake every follow that waits after a failure (the key was replaced, say)."""
        self._wake.set()
        self._wake = asyncio.Event()

    async def follow(self, job_id: str, *, first_poll_delay: float | None = None) -> Job:
        """Poll the job to its end and save its clip. Raises JobBusyError, or
        FollowInterruptedError (the job stays journaled, unfinished) unless the settings
        say to keep trying."""
        if job_id in self._following or not self._journal.claim(job_id):
            raise JobBusyError(f"Job {job_id} is already being followed.")
        self._following.add(job_id)
        try:
            job = self._journal.get(job_id)
            if job.state in (JobState.QUEUED, JobState.GENERATING):
                delay = (
                    self._settings.first_poll_delay
                    if first_poll_delay is None
                    else first_poll_delay
                )
                job = await self._poll_until_done(job, delay)
            if job.state is JobState.DOWNLOADING and job.followed:
                job = await self._save_clip(job)
            return job
        except JobNotFoundError:
            log.info("job %s was forgotten while it was followed", job_id)
            raise
        finally:
            self._following.discard(job_id)
            self._renewed.pop(job_id, None)
            self._journal.release(job_id)

    async def _wait(self, job_id: str, seconds: float) -> None:
        """Sleep, keeping this process's lease alive; `retry_now` ends the wait early."""
        wake = self._wake
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0 and not wake.is_set():
            try:
                await asyncio.wait_for(wake.wait(), min(left, self._journal.lease_seconds / 3))
            except TimeoutError:
                self._keep_lease(job_id)

    def _keep_lease(self, job_id: str) -> None:
        """Renew this process's lease once a third of it has passed, not on every poll:
        each renewal is a durable write, and many jobs may be followed at once."""
        now = time.monotonic()
        if now - self._renewed.get(job_id, float("-inf")) >= self._journal.lease_seconds / 3:
            self._journal.renew(job_id)
            self._renewed[job_id] = now

    async def _poll_until_done(self, job: Job, delay: float) -> Job:
        generation_id = job.generation_id
        assert generation_id is not None, "a queued job has its generation id"
        backoff = Backoff(self._settings)
        missing = NotFoundStreak(self._settings.not_found_grace)
        while True:
            await self._wait(job.id, delay)
            job = self._journal.get(job.id)
            if not job.followed or job.state.is_terminal:
                return job
            self._keep_lease(job.id)
            try:
                generation = await self._client.get(generation_id)
            except NotFoundError as error:
                if missing.too_long():
                    return self._lost(job, NOT_FOUND_LOST)
                delay = self._after_failure(job, error, backoff)
                continue
            except WanStudioError as error:
                delay = self._after_failure(job, error, backoff)
                continue
            backoff.succeeded()
            missing.ended()
            job, delay = self._record_poll(job, generation)
            if job.state is not JobState.QUEUED and job.state is not JobState.GENERATING:
                return job

    def _after_failure(self, job: Job, error: WanStudioError, backoff: Backoff) -> float:
        """The wait before trying again, or FollowInterruptedError when following stops."""
        # Without keep_trying (the command line) a refused key or a download that the
        # downloader's own retries could not save ends the follow at once.
        final = isinstance(error, KeyRefusedError | NoCreditsError | DownloadError)
        if (final and not self._settings.keep_trying) or backoff.gives_up():
            raise FollowInterruptedError(job, error)
        retry_after = error.retry_after if isinstance(error, RateLimitedError) else None
        delay = backoff.failed(retry_after)
        self._trouble(job, error, delay)
        return delay

    def _record_poll(self, job: Job, generation: Generation) -> tuple[Job, float]:
        """Journal one poll result; return the job and the wait before the next poll."""
        settings = self._settings
        outcome = poll_outcome(job, generation, settings.poll_interval, settings.max_backoff)
        if not outcome.changes:
            return job, outcome.pause or 0.0
        return self._update(job.id, **outcome.changes), outcome.pause or 0.0

    async def _save_clip(self, job: Job) -> Job:
        target = self.clip_target(job)
        if job.file_path is None:
            job = self._update(job.id, file_path=target)
        backoff = Backoff(self._settings)
        refreshes = 0
        while True:
            url = job.video_url
            expires = link_expiry(url) if url else None
            try:
                if url is None or (expires is not None and expires < time.time()):
                    raise LinkExpiredError("The result link has expired.")
                saved = await self._downloader.download(url, target, self._progress_writer(job))
                break
            except ClipRefusedError as error:
                return self._lost(job, str(error))
            except StorageError as error:
                # The disk, not the network: retrying cannot help until the creator acts.
                return self._update(
                    job.id, followed=False, error=JobError.of(error), status_detail="stopped"
                )
            except LinkExpiredError:
                refreshes += 1
                if refreshes > self._settings.link_refreshes:
                    return self._lost(job, "The result link expired and no fresh one came.")
            except DownloadError as error:
                await self._wait(job.id, self._after_failure(job, error, backoff))
                job = self._journal.get(job.id)
                if not job.followed:
                    return job
                continue
            fresh = await self._fresh_link(job, backoff)
            if fresh is None:
                return self._lost(job, NOT_FOUND_LOST)
            job = self._update(job.id, video_url=fresh, event=("link_refreshed", {}))
        saved_fields: dict[str, Any] = {
            "file_path": saved.path,
            "file_size": saved.size,
            "file_sha256": saved.sha256,
            "bytes_done": saved.size,
            "bytes_total": saved.size,
            "finished_at": time.time(),
        }
        # The sidecar first: a job is only `done` once both files are in place.
        await asyncio.to_thread(write_sidecar, replace(job, **saved_fields))
        return self._update(job.id, state=JobState.DONE, **saved_fields)

    def clip_target(self, job: Job) -> Path:
        """Where the job's clip is (or will be) saved."""
        return job.file_path or clip_path(self._library, job)

    async def _fresh_link(self, job: Job, backoff: Backoff) -> str | None:
        """Poll again for the result link; None when the service no longer has the clip."""
        assert job.generation_id is not None
        missing = NotFoundStreak(self._settings.not_found_grace)
        while True:
            try:
                generation = await self._client.get(job.generation_id)
            except NotFoundError as error:
                if missing.too_long():
                    return None
                await self._wait(job.id, self._after_failure(job, error, backoff))
                continue
            except ApiError as error:
                await self._wait(job.id, self._after_failure(job, error, backoff))
                continue
            return generation.video_url

    def _lost(self, job: Job, reason: str) -> Job:
        return self._update(
            job.id, state=JobState.LOST, error=JobError("Lost", reason), finished_at=time.time()
        )

    def _progress_writer(self, job: Job) -> Callable[[int, int | None], None]:
        last = 0.0

        def on_progress(done: int, total: int | None) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= self._settings.progress_every or done == total:
                last = now
                self._journal.renew(job.id)
                self._update(job.id, bytes_done=done, bytes_total=total)

        return on_progress

    # -- resuming --------------------------------------------------------------------------

    def recover_interrupted(self) -> list[Job]:
        """Jobs left in `submitting` by a process that died become `unknown`."""
        recovered = []
        for job in self._journal.unfinished():
            if job.state is JobState.SUBMITTING and self._journal.holder(job.id) is None:
                error = JobError(
                    "Interrupted",
                    "Wan Studio stopped while sending this request: it may or may not have "
                    "reached the service. Check your AI/ML API dashboard, then forget it or "
                    "send it again.",
                )
                recovered.append(self._update(job.id, state=JobState.UNKNOWN, error=error))
        return recovered

    def followable(self) -> list[Job]:
        """Unfinished, followed jobs that no process follows now."""
        return [
            j
            for j in self._journal.unfinished(excluding=self._following)
            if j.state.is_followable and j.followed and self._journal.holder(j.id) is None
        ]

    def followed_elsewhere(self) -> list[Job]:
        """Unfinished jobs another live Wan Studio process follows now."""
        return [
            j
            for j in self._journal.unfinished()
            if j.id not in self._following
            and (holder := self._journal.holder(j.id)) is not None
            and holder != self._journal.owner
        ]

    # -- a creator's actions ---------------------------------------------------------------

    def stop_following(self, job_id: str) -> Job:
        """Stop polling this job. The API has no cancel: the service still renders (and
        charges for) it; `follow_again` picks it up."""
        self._require(job_id, JobAction.STOP_FOLLOWING)
        return self._update(job_id, followed=False)

    def follow_again(self, job_id: str) -> Job:
        job = self._journal.get(job_id)
        if job.followed:
            return job
        self._require(job_id, JobAction.FOLLOW_AGAIN)
        return self._update(job_id, followed=True)

    async def send_again(self, job_id: str, *, new_seed: bool = False) -> Job:
        """Submit a job's request again, knowingly, as a new job (with a new random seed
        when asked), with every check of a submission: refused, nothing changes. The old
        job stays in the history; an `unknown` one is marked superseded and goes on being
        settled: if it did arrive, it is followed and saved like any other."""
        old = self._journal.get(job_id)
        seed = secrets.randbelow(SEED_MAX + 1) if new_seed else old.request.seed
        new = await self.submit(replace(old.request, seed=seed))
        if old.state is JobState.UNKNOWN and new.state is not JobState.REJECTED:
            self._update(old.id, superseded_by=new.id, event=("superseded", {"by": new.id}))
        return new

    def forget(self, job_id: str, *, delete_file: bool) -> Job:
        """Remove a job from the journal; with `delete_file`, its clip and sidecar too."""
        job = self._journal.get(job_id)
        if delete_file and job.file_path is not None:
            delete_clip_files(job.file_path)
        self._journal.forget(job_id)
        self._troubled.pop(job_id, None)
        self._publish(JobForgotten(job_id))
        return job

    async def download_again(self, job_id: str) -> Job:
        """Fetch a job's clip again (a deleted file, a lost job whose link still works)."""
        job = self._require(job_id, JobAction.DOWNLOAD_AGAIN)
        if job.state is JobState.DONE and job.file_path and job.file_path.exists():
            return job
        job = self._update(job.id, state=JobState.DOWNLOADING, followed=True, clear_error=True)
        return await self.follow(job.id, first_poll_delay=0.0)

    # -- what the provider's request log and ledger say --------------------------------

    def settle_found(self, job_id: str, generation_id: str) -> Job:
        """An `unknown` submission was found in the provider's request log: it reached the
        service, and `generation_id` is its generation. It is followed like any other."""
        return self._update(
            job_id,
            state=JobState.QUEUED,
            generation_id=generation_id,
            status_detail="found in the request log",
            submitted_at=time.time(),
            recovered_at=time.time(),
            clear_error=True,
            event=("recovered", {"generation_id": generation_id}),
        )

    def settle_not_accepted(self, job_id: str, reason: str) -> Job:
        """An `unknown` submission the provider's request log shows was not accepted
        (absent after the grace period, or failed): nothing is charged, and sending it
        again is safe. `reason` says which, to the creator."""
        error = JobError("NotAccepted", reason, category=ErrorCategory.NETWORK)
        return self._update(job_id, state=JobState.REJECTED, error=error, finished_at=time.time())

    def note_ignored_charge(self, job_id: str, usd: float | None, credits: int | None) -> None:
        """The ledger has an entry for the job whose amount is not a charge (not finite,
        zero or negative): it is kept out of spending, and said in the job's history."""
        detail = {"usd": usd if usd is None or math.isfinite(usd) else str(usd), "credits": credits}
        self._update(job_id, event=("ledger_entry_ignored", detail))

    def record_charge(self, job_id: str, credits: int) -> Job:
        """What the provider's ledger charged for the job (0: confirmed not charged)."""
        return self._update(
            job_id, charged_credits=credits, event=("charged", {"credits": credits})
        )

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

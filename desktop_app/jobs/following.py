"""JobFollower: follows an accepted job to its end. It polls at the job's pace, backs off
through failures and obeys Retry-After, waits out a service that hides a new generation
for a moment, stops following (with a sentence) a job with no end after hours, and saves
the clip, asking for a fresh link when one expires or leads nowhere."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from pathlib import Path

from desktop_app.api.client import ApiClient, Sleep
from desktop_app.api.errors import (
    ApiError,
    KeyRefusedError,
    NoCreditsError,
    NotFoundError,
    RateLimitedError,
)
from desktop_app.api.response import Generation, link_expiry
from desktop_app.domain.course import Backoff, CoursePolicy, spread
from desktop_app.domain.delivery import Delivered
from desktop_app.domain.errors import ErrorCategory, ErrorKind, StorageError, WanStudioError
from desktop_app.domain.job import Job, JobError, JobState
from desktop_app.domain.job_change import JobChange
from desktop_app.domain.poll_pace import PollPace, RenderTime
from desktop_app.jobs.download import (
    ClipDownloader,
    ClipRefusedError,
    DownloadError,
    LinkExpiredError,
    RedirectLoopError,
)
from desktop_app.jobs.errors import FollowInterruptedError, JobBusyError
from desktop_app.jobs.library import write_sidecar
from desktop_app.jobs.naming import clip_path
from desktop_app.jobs.poll_outcome import poll_outcome
from desktop_app.jobs.updates import JobUpdates
from desktop_app.journal.errors import JobNotFoundError
from desktop_app.journal.job_journal import Clock, JobJournal
from desktop_app.uploads.clip_file import clip_shape

log = logging.getLogger(__name__)

RenderTimes = Callable[[Job], Sequence[RenderTime]]
"""How long jobs like one took at the service (the newest first or in any order)."""

NOT_FOUND_LOST = (
    "The service accepted this job, then did not know it for 15 minutes: its clip cannot be "
    "fetched. It may still have been charged; Wan Studio keeps looking for the charge."
)
NO_END = (
    "The service has not finished this job in {hours:g} hours, so Wan Studio stopped "
    "following it. Follow it again (Resume, or `wan-studio resume JOB`) to keep waiting; "
    "its charge is still looked up."
)
REDIRECT_LOOP = (
    "The result link kept redirecting (more than {limit} times, or in a loop), so the clip "
    "was not saved. Download again (or `wan-studio download JOB`) asks the service for a "
    "fresh link."
)


class NotFoundStreak:
    """How long "not found" has been the answer, in a row, for one follow."""

    def __init__(self, grace: float, monotonic: Callable[[], float]) -> None:
        self._grace = grace
        self._monotonic = monotonic
        self._since: float | None = None

    def too_long(self) -> bool:
        """Count one "not found"; True once they have lasted past the grace period."""
        now = self._monotonic()
        if self._since is None:
            self._since = now
        return now - self._since >= self._grace

    def ended(self) -> None:
        self._since = None


class JobFollower:
    def __init__(
        self,
        journal: JobJournal,
        client: ApiClient,
        downloader: ClipDownloader,
        library: Path,
        updates: JobUpdates,
        policy: CoursePolicy,
        clock: Clock,
        monotonic: Callable[[], float] = time.monotonic,
        render_times: RenderTimes = lambda job: (),
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        """`clock`: the wall clock; `monotonic`: the clock of waits and streaks; `sleep`:
        the wait between polls, on `monotonic` (all three injected: tests drive them).
        `render_times`: how long jobs like one took (the pace of its polls is learned
        from them)."""
        self._sleep = sleep
        self._render_times = render_times
        self._journal = journal
        self._client = client
        self._downloader = downloader
        self._library = library
        self._updates = updates
        self._policy = policy
        self._monotonic = monotonic
        self._clock = clock
        self._following: set[str] = set()
        self._renewed: dict[str, float] = {}
        """When this process last renewed its lease on each job it follows (monotonic)."""
        self._wake = asyncio.Event()
        self._unknown_words: set[str] = set()
        self._download_slots = asyncio.Semaphore(policy.downloads_at_once)

    # -- who follows what ------------------------------------------------------------------

    def is_following(self, job_id: str) -> bool:
        """This process follows the job right now."""
        return job_id in self._following

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

    def retry_now(self) -> None:
        """Wake every follow that waits (after a failure, or between polls): the key was
        replaced, or the network came back."""
        self._wake.set()
        self._wake = asyncio.Event()

    def clip_target(self, job: Job) -> Path:
        """Where the job's clip is (or will be) saved."""
        return job.file_path or clip_path(self._library, job)

    # -- following -------------------------------------------------------------------------

    async def follow(self, job_id: str, *, first_poll_delay: float | None = None) -> Job:
        """Poll the job to its end and save its clip. Raises JobBusyError, or
        FollowInterruptedError (the job stays journaled, unfinished) unless the settings
        say to keep trying."""
        if job_id in self._following or not self._journal.claim(job_id):
            raise JobBusyError(f"Job {job_id} is already being followed.")
        self._following.add(job_id)
        try:
            job = self._journal.get(job_id)
            if job.state.is_rendering:
                job = await self._poll_until_done(job, first_poll_delay)
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
        deadline = self._monotonic() + seconds
        while (left := deadline - self._monotonic()) > 0 and not wake.is_set():
            await _first_of(wake.wait(), self._sleep(min(left, self._journal.lease_seconds / 3)))
            if not wake.is_set():
                self._keep_lease(job_id)

    def _keep_lease(self, job_id: str) -> None:
        """Renew this process's lease once a third of it has passed, not on every poll:
        each renewal is a durable write, and many jobs may be followed at once."""
        now = self._monotonic()
        if now - self._renewed.get(job_id, float("-inf")) >= self._journal.lease_seconds / 3:
            self._journal.renew(job_id)
            self._renewed[job_id] = now

    async def _poll_until_done(self, job: Job, first_delay: float | None) -> Job:
        generation_id = job.generation_id
        assert generation_id is not None, "a queued job has its generation id"
        backoff = self._backoff()
        missing = NotFoundStreak(self._policy.not_found_grace, self._monotonic)
        pace = PollPace.learned(self._render_times(job), self._clock(), self._policy)
        if first_delay is not None:
            delay = first_delay
        elif pace.usual_end is None:
            delay = self._policy.first_poll_delay
        else:
            delay = pace.wait(self._since_sent(job))
        while True:
            await self._wait(job.id, spread(delay, at_most=pace.near))
            job = self._journal.refresh(job)
            if not job.followed or job.state.is_terminal:
                return job
            if self._has_no_end(job):
                return self._stop_with(job, ErrorKind.NO_END, NO_END.format(
                    hours=self._policy.longest_follow / 3600))  # fmt: skip
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
            job, delay = self._record_poll(job, generation, pace.wait(self._since_sent(job)))
            if not job.state.is_rendering:
                return job

    def _backoff(self) -> Backoff:
        policy = self._policy
        return Backoff(policy.follow_growth, self._monotonic, policy.give_up_after)

    def _has_no_end(self, job: Job) -> bool:
        began = job.followed_since or job.submitted_at or job.created_at
        return self._clock() - began >= self._policy.longest_follow

    def _after_failure(self, job: Job, error: WanStudioError, backoff: Backoff) -> float:
        """The wait before trying again, or FollowInterruptedError when following stops."""
        # Without keep_trying (the command line) a refused key or a download that the
        # downloader's own retries could not save ends the follow at once.
        final = isinstance(error, KeyRefusedError | NoCreditsError | DownloadError)
        if (final and not self._policy.keep_trying) or backoff.gives_up():
            raise FollowInterruptedError(job, error)
        retry_after = error.retry_after if isinstance(error, RateLimitedError) else None
        delay = backoff.failed(retry_after)
        self._updates.trouble(job, error, delay)
        return delay

    def _since_sent(self, job: Job) -> float:
        return self._clock() - (job.submitted_at or job.created_at)

    def _record_poll(self, job: Job, generation: Generation, wait: float) -> tuple[Job, float]:
        """Journal one poll result (nothing when it brings no news); return the job and
        the wait before the next poll (`wait`, or longer for a status it does not know)."""
        outcome = poll_outcome(job, generation, wait, self._policy.max_backoff, self._clock())
        if outcome.unknown_word and outcome.unknown_word not in self._unknown_words:
            self._unknown_words.add(outcome.unknown_word)
            log.warning("the service answered a status this version does not know: %r",
                        outcome.unknown_word[:60])  # fmt: skip
        if outcome.change is not None:
            job = self._updates.apply(job.id, outcome.change)
        return job, outcome.pause or 0.0

    async def _save_clip(self, job: Job) -> Job:
        target = self.clip_target(job)
        if job.file_path is None:
            job = self._updates.apply(job.id, JobChange(file_path=target))
        backoff = self._backoff()
        refreshes = 0
        while True:
            url = job.video_url
            expires = link_expiry(url) if url else None
            try:
                if url is None or (expires is not None and expires < self._clock()):
                    raise LinkExpiredError("The result link has expired.")
                await self._download_slot(job.id)
                try:
                    saved = await self._downloader.download(url, target, self._progress_writer(job))
                finally:
                    self._download_slots.release()
                break
            except ClipRefusedError as error:
                return self._lost(job, str(error))
            except StorageError as error:
                # The disk, not the network: retrying cannot help until the creator acts.
                return self._stop_with(job, error.kind, error.explain())
            except (LinkExpiredError, RedirectLoopError) as error:
                refreshes += 1
                if refreshes > self._policy.link_refreshes:
                    if isinstance(error, RedirectLoopError):
                        return self._stop_with(job, ErrorKind.DOWNLOAD, REDIRECT_LOOP.format(
                            limit=error.limit))  # fmt: skip
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
            job = self._updates.apply(
                job.id, JobChange(video_url=fresh, event=("link_refreshed", {}))
            )
        seconds, width, height = await asyncio.to_thread(clip_shape, saved.path)
        delivered = Delivered(seconds, width, height)
        finished = replace(job, state=JobState.DONE, file_path=saved.path, file_size=saved.size,
                           file_sha256=saved.sha256, bytes_done=saved.size,
                           bytes_total=saved.size, finished_at=self._clock(),
                           delivered=delivered)  # fmt: skip
        # The sidecar first: a job is only `done` once both files are in place.
        await asyncio.to_thread(write_sidecar, finished)
        note = finished.delivery_note()
        return self._updates.apply(job.id, JobChange(
            state=JobState.DONE, file_path=saved.path, file_size=saved.size,
            file_sha256=saved.sha256, bytes_done=saved.size, bytes_total=saved.size,
            finished_at=finished.finished_at, delivered_seconds=seconds,
            delivered_width=width, delivered_height=height,
            event=("delivered_differs", {"note": note}) if note else None))  # fmt: skip

    async def _download_slot(self, job_id: str) -> None:
        """Wait for a download slot, keeping this process's lease alive meanwhile."""
        while True:
            try:
                await asyncio.wait_for(
                    self._download_slots.acquire(), self._journal.lease_seconds / 3
                )
                return
            except TimeoutError:
                self._keep_lease(job_id)

    async def _fresh_link(self, job: Job, backoff: Backoff) -> str | None:
        """Poll again for the result link; None when the service no longer has the clip."""
        assert job.generation_id is not None
        missing = NotFoundStreak(self._policy.not_found_grace, self._monotonic)
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
        error = JobError(ErrorKind.LOST, reason, category=ErrorCategory.GENERATION_FAILED)
        change = JobChange(state=JobState.LOST, error=error, finished_at=self._clock())
        return self._updates.apply(job.id, change)

    def _stop_with(self, job: Job, kind: ErrorKind, sentence: str) -> Job:
        """Stop following the job by itself, saying why; following it again goes on."""
        error = JobError(kind, sentence, category=ErrorCategory.NETWORK)
        if kind is ErrorKind.STORAGE:
            error = replace(error, category=ErrorCategory.STORAGE)
        change = JobChange(followed=False, error=error, status_detail="stopped")
        return self._updates.apply(job.id, change)

    def _progress_writer(self, job: Job) -> Callable[[int, int | None], None]:
        last = 0.0

        def on_progress(done: int, total: int | None) -> None:
            nonlocal last
            now = self._monotonic()
            if now - last >= self._policy.progress_every or done == total:
                last = now
                self._journal.renew(job.id)
                self._updates.apply(job.id, JobChange(bytes_done=done, bytes_total=total))

        return on_progress


async def _first_of(*waits: Awaitable[object]) -> None:
    """Wait until the first of `waits` ends; the others are cancelled."""
    tasks = [asyncio.ensure_future(wait) for wait in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()

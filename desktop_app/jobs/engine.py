"""JobEngine: the one way jobs are submitted, followed to a saved clip, and resumed.

The CLI and the window both drive this class; it reports every change through the
`listener` given to its constructor, and keeps everything it learns in the journal first.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from desktop_app.api.client import ApiClient
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
from desktop_app.api.request import GenerationRequest
from desktop_app.api.response import Generation, GenerationStatus, link_expiry
from desktop_app.jobs.download import ClipDownloader, DownloadError, LinkExpiredError
from desktop_app.jobs.library import forget_job, write_sidecar
from desktop_app.jobs.naming import clip_path
from desktop_app.store.job import Job, JobError, JobState
from desktop_app.store.journal import JobJournal

log = logging.getLogger(__name__)

Listener = Callable[[Job], None]
Sleep = Callable[[float], Awaitable[None]]

_STATE_FOR_STATUS = {
    GenerationStatus.QUEUED: JobState.QUEUED,
    GenerationStatus.GENERATING: JobState.GENERATING,
}


@dataclass(frozen=True)
class FollowSettings:
    poll_interval: float = 15.0
    first_poll_delay: float = 5.0
    max_poll_backoff: float = 300.0
    give_up_after: float | None = 900.0
    """Seconds of polls failing in a row before `follow` gives up (None: never)."""
    link_refreshes: int = 3
    progress_every: float = 0.5
    """Seconds between journal writes of download progress."""


class JobBusyError(RuntimeError):
    """Another process follows this job now; its progress shows in the journal."""


class FollowInterruptedError(RuntimeError):
    """Following stopped before a terminal state; the job stays journaled for `resume`."""

    def __init__(self, job: Job, cause: ApiError | DownloadError) -> None:
        self.job = job
        self.cause = cause
        text = cause.explain() if isinstance(cause, ApiError) else str(cause)
        super().__init__(text)


def job_error(error: ApiError | DownloadError) -> JobError:
    if isinstance(error, ApiError):
        return JobError(type(error).__name__, error.explain(), error.status, error.request_id)
    return JobError(type(error).__name__, str(error))


class JobEngine:
    def __init__(
        self,
        journal: JobJournal,
        client: ApiClient,
        downloader: ClipDownloader,
        library: Path,
        *,
        settings: FollowSettings | None = None,
        listener: Listener | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.journal = journal
        self._client = client
        self._downloader = downloader
        self._library = library
        self._settings = settings or FollowSettings()
        self._listener = listener
        self._sleep = sleep

    def _changed(self, job: Job) -> Job:
        if self._listener is not None:
            self._listener(job)
        return job

    def _update(self, job_id: str, **changes: Any) -> Job:
        return self._changed(self.journal.update(job_id, **changes))

    # -- submitting ------------------------------------------------------------------------

    async def submit(self, request: GenerationRequest) -> Job:
        """Journal the job, then POST it once. Returns it in queued, rejected or unknown."""
        request.validate()
        job = self._changed(self.journal.create(request))
        try:
            return await self._post(job)
        finally:
            self.journal.release(job.id)

    async def _post(self, job: Job) -> Job:
        request = job.request
        try:
            generation = await self._client.create(request, job.client_request_id)
        except NetworkError as error:
            if error.sent:
                return self._update(job.id, state=JobState.UNKNOWN, error=job_error(error))
            return self._update(job.id, state=JobState.REJECTED, error=job_error(error))
        except (ServerError, BadResponseError) as error:
            return self._update(job.id, state=JobState.UNKNOWN, error=job_error(error))
        except ApiError as error:
            return self._update(job.id, state=JobState.REJECTED, error=job_error(error))
        except BaseException:
            # Interrupted while the POST may have been on the wire.
            self._update(
                job.id,
                state=JobState.UNKNOWN,
                error=JobError("Interrupted", "Stopped while the request was being sent."),
            )
            raise
        state = _STATE_FOR_STATUS.get(generation.known_status or GenerationStatus.QUEUED)
        return self._update(
            job.id,
            state=state or JobState.QUEUED,
            generation_id=generation.id,
            status_detail=generation.status or "queued",
            credits_used=generation.credits_used,
            submitted_at=time.time(),
        )

    # -- following -------------------------------------------------------------------------

    async def follow(self, job_id: str, *, first_poll_delay: float | None = None) -> Job:
        """Poll the job to its end and save its clip. Raises JobBusyError or
        FollowInterruptedError (the job stays journaled, unfinished)."""
        if not self.journal.claim(job_id):
            raise JobBusyError(f"Job {job_id} is followed by another Wan Studio process.")
        try:
            job = self.journal.get(job_id)
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
        finally:
            self.journal.release(job_id)

    async def _poll_until_done(self, job: Job, delay: float) -> Job:
        generation_id = job.generation_id
        assert generation_id is not None, "a queued job has its generation id"
        failing_since: float | None = None
        failures = 0
        while True:
            await self._sleep(delay)
            job = self.journal.get(job.id)
            if not job.followed or job.state.is_terminal:
                return job
            self.journal.renew(job.id)
            try:
                generation = await self._client.get(generation_id)
            except NotFoundError as error:
                return self._update(job.id, state=JobState.FAILED, error=job_error(error))
            except (KeyRefusedError, NoCreditsError) as error:
                raise FollowInterruptedError(job, error) from None
            except ApiError as error:
                now = time.time()
                failing_since = failing_since or now
                failures += 1
                self.journal.update(job.id, event=("poll_error", job_error(error).to_json()))
                give_up = self._settings.give_up_after
                if give_up is not None and now - failing_since >= give_up:
                    raise FollowInterruptedError(job, error) from None
                retry_after = error.retry_after if isinstance(error, RateLimitedError) else None
                backoff = self._settings.poll_interval * 2 ** min(failures, 8)
                delay = max(retry_after or 0.0, min(backoff, self._settings.max_poll_backoff))
                delay *= random.uniform(0.9, 1.1)
                continue
            failing_since, failures = None, 0
            job, delay = self._record_poll(job, generation)
            if job.state is not JobState.QUEUED and job.state is not JobState.GENERATING:
                return job

    def _record_poll(self, job: Job, generation: Generation) -> tuple[Job, float]:
        """Journal one poll result; return the job and the wait before the next poll."""
        interval = self._settings.poll_interval
        status = generation.known_status
        poll = ("poll", {"status": generation.status, "credits_used": generation.credits_used})
        credits = (
            generation.credits_used if generation.credits_used is not None else job.credits_used
        )
        if status is GenerationStatus.COMPLETED and generation.video_url:
            job = self._update(
                job.id,
                state=JobState.DOWNLOADING,
                status_detail="completed",
                video_url=generation.video_url,
                credits_used=credits,
                completed_at=time.time(),
                event=poll,
            )
            return job, 0.0
        if status is GenerationStatus.ERROR:
            failure = generation.failure
            message = failure.message if failure and failure.message else "The generation failed."
            name = failure.name if failure and failure.name else "GenerationError"
            error = JobError(name, f"The service could not make this clip: {message}")
            job = self._update(
                job.id, state=JobState.FAILED, error=error, status_detail="error",
                credits_used=credits, finished_at=time.time(), event=poll,
            )  # fmt: skip
            return job, 0.0
        if status in _STATE_FOR_STATUS:
            new_state = _STATE_FOR_STATUS[status]
            state = new_state if new_state is not job.state else None
            job = self._update(
                job.id,
                state=state,
                status_detail=generation.status,
                credits_used=credits,
                event=poll,
            )
            return job, interval
        # completed without a link yet, or a status the contract does not name: keep polling,
        # a little slower, and show the raw status.
        job = self._update(job.id, status_detail=generation.status or "(no status)", event=poll)
        return job, min(interval * 2, self._settings.max_poll_backoff)

    async def _save_clip(self, job: Job) -> Job:
        target = job.file_path or clip_path(self._library, job)
        if job.file_path is None:
            job = self._update(job.id, file_path=target)
        refreshes = 0
        while True:
            url = job.video_url
            expires = link_expiry(url) if url else None
            try:
                if url is None or (expires is not None and expires < time.time()):
                    raise LinkExpiredError("The result link has expired.")
                saved = await self._downloader.download(url, target, self._progress_writer(job))
                break
            except DownloadError as error:
                refreshes += 1
                if refreshes > self._settings.link_refreshes:
                    if isinstance(error, LinkExpiredError):
                        return self._lost(job, "The result link expired and no fresh one came.")
                    raise FollowInterruptedError(job, error) from None
                fresh = await self._fresh_link(job)
                if fresh is None:
                    return self._lost(job, "The service no longer has this clip.")
                if fresh == url and not isinstance(error, LinkExpiredError):
                    raise FollowInterruptedError(job, error) from None
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

    async def _fresh_link(self, job: Job) -> str | None:
        """Poll again for the result link; None when the service no longer has the clip."""
        assert job.generation_id is not None
        try:
            generation = await self._client.get(job.generation_id)
        except NotFoundError:
            return None
        except ApiError as error:
            raise FollowInterruptedError(job, error) from None
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
                self.journal.renew(job.id)
                self._update(job.id, bytes_done=done, bytes_total=total)

        return on_progress

    # -- resuming and housekeeping ---------------------------------------------------------

    def recover_interrupted(self) -> list[Job]:
        """Jobs left in `submitting` by a process that died become `unknown`."""
        recovered = []
        for job in self.journal.unfinished():
            if job.state is JobState.SUBMITTING and self.journal.holder(job.id) is None:
                error = JobError(
                    "Interrupted",
                    "Wan Studio stopped while sending this request: it may or may not have "
                    "reached the service. Check your AI/ML API dashboard, then forget it or "
                    "submit it again.",
                )
                recovered.append(self._update(job.id, state=JobState.UNKNOWN, error=error))
        return recovered

    def followable(self) -> list[Job]:
        return [
            j
            for j in self.journal.unfinished()
            if j.state.is_followable and j.followed and self.journal.holder(j.id) is None
        ]

    def stop_following(self, job_id: str) -> Job:
        """Stop polling this job. The API has no cancel: the service still renders (and
        charges for) it; `resume` or the window can pick it up again."""
        return self._update(job_id, followed=False)

    def follow_again(self, job_id: str) -> Job:
        return self._update(job_id, followed=True)

    def forget(self, job_id: str, *, delete_file: bool) -> None:
        forget_job(self.journal, job_id, delete_file=delete_file)

    async def redownload(self, job_id: str) -> Job:
        """Fetch a job's clip again (a deleted file, a lost job whose link still works)."""
        job = self.journal.get(job_id)
        if job.generation_id is None:
            raise ValueError(f"Job {job.id} never reached the service; there is no clip.")
        if job.state is JobState.DONE and job.file_path and job.file_path.exists():
            return job
        if job.state in (JobState.DONE, JobState.LOST):
            job = self._update(job.id, state=JobState.DOWNLOADING, followed=True)
        return await self.follow(job.id, first_poll_delay=0.0)

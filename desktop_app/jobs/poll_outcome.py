"""What one poll's answer means for a job: the change to journal (none when the answer
brings no news), and how long to wait before the next poll. Pure: the follower applies it."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.api.response import Generation, GenerationStatus
from desktop_app.domain.errors import ErrorKind
from desktop_app.domain.job import Job, JobError, JobState
from desktop_app.domain.job_change import JobChange

STATE_FOR_STATUS = {
    GenerationStatus.QUEUED: JobState.QUEUED,
    GenerationStatus.GENERATING: JobState.GENERATING,
}


@dataclass(frozen=True)
class PollOutcome:
    change: JobChange | None
    """What to journal; None: nothing new."""
    pause: float | None
    """Seconds before the next poll; None: polling is over."""
    unknown_word: str | None = None
    """A status word the contract does not name (shown raw on the job, polling goes on)."""


def poll_outcome(
    job: Job, generation: Generation, interval: float, slowest: float, now: float
) -> PollOutcome:
    status = generation.known_status
    credits = generation.credits_used if generation.credits_used is not None else job.credits_used
    event = ("poll", {"status": generation.status, "credits_used": generation.credits_used})
    if status is GenerationStatus.COMPLETED and generation.video_url:
        change = JobChange(state=JobState.DOWNLOADING, status_detail=generation.status,
                           video_url=generation.video_url, completed_at=now,
                           credits_used=credits, event=event)  # fmt: skip
        return PollOutcome(change, None)
    if status is GenerationStatus.ERROR:
        failure = generation.failure
        message = failure.message if failure and failure.message else "The generation failed."
        name = f" ({failure.name})" if failure and failure.name else ""
        error = JobError(
            ErrorKind.GENERATION_FAILED, f"The service could not make this clip{name}: {message}"
        )
        change = JobChange(state=JobState.FAILED, error=error, status_detail=generation.status,
                           finished_at=now, credits_used=credits, event=event)  # fmt: skip
        return PollOutcome(change, None)
    news = (generation.status, credits) != (job.status_detail, job.credits_used)
    if status in STATE_FOR_STATUS:
        state = STATE_FOR_STATUS[status]
        if not news and state is job.state:
            return PollOutcome(None, interval)  # nothing new: nothing to journal
        moved = state if state is not job.state else None
        change = JobChange(
            state=moved, status_detail=generation.status, credits_used=credits, event=event
        )
        return PollOutcome(change, interval)
    # Completed without a link yet, or a status word the contract does not name: keep
    # polling, a little slower, and show the raw word (journaled once, when it is new).
    shown = generation.status or "(no status)"
    word = None if status is GenerationStatus.COMPLETED else shown
    if (shown, credits) == (job.status_detail, job.credits_used):
        return PollOutcome(None, min(interval * 2, slowest), word)
    change = JobChange(status_detail=shown, credits_used=credits, event=event)
    return PollOutcome(change, min(interval * 2, slowest), word)

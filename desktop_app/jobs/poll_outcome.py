"""What one poll's answer means for a job: the changes to journal, and how long to wait
before the next poll. Pure: the job service applies it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from desktop_app.api.response import Generation, GenerationStatus
from desktop_app.domain.job import Job, JobError, JobState

STATE_FOR_STATUS = {
    GenerationStatus.QUEUED: JobState.QUEUED,
    GenerationStatus.GENERATING: JobState.GENERATING,
}


@dataclass(frozen=True)
class PollOutcome:
    changes: dict[str, Any]
    """Keyword arguments for the journal's update."""
    pause: float | None
    """Seconds before the next poll; None: polling is over."""


def poll_outcome(job: Job, generation: Generation, interval: float, slowest: float) -> PollOutcome:
    status = generation.known_status
    credits = generation.credits_used if generation.credits_used is not None else job.credits_used
    common = {
        "credits_used": credits,
        "event": ("poll", {"status": generation.status, "credits_used": generation.credits_used}),
    }
    if status is GenerationStatus.COMPLETED and generation.video_url:
        changes = {"state": JobState.DOWNLOADING, "status_detail": "completed",
                   "video_url": generation.video_url, "completed_at": time.time()}  # fmt: skip
        return PollOutcome({**common, **changes}, None)
    if status is GenerationStatus.ERROR:
        failure = generation.failure
        message = failure.message if failure and failure.message else "The generation failed."
        name = failure.name if failure and failure.name else "GenerationError"
        error = JobError(name, f"The service could not make this clip: {message}")
        changes = {"state": JobState.FAILED, "error": error, "status_detail": "error",
                   "finished_at": time.time()}  # fmt: skip
        return PollOutcome({**common, **changes}, None)
    if status in STATE_FOR_STATUS:
        new_state = STATE_FOR_STATUS[status]
        if (new_state, generation.status, credits) == (
            job.state,
            job.status_detail,
            job.credits_used,
        ):
            return PollOutcome({}, interval)  # nothing new: nothing to journal
        state = new_state if new_state is not job.state else None
        return PollOutcome({**common, "state": state, "status_detail": generation.status}, interval)
    # Completed without a link yet, or a status the contract does not name: keep polling, a
    # little slower, and show the raw status.
    raw = {"status_detail": generation.status or "(no status)", "event": common["event"]}
    return PollOutcome(raw, min(interval * 2, slowest))

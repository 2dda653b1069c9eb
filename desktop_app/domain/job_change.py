"""JobChange: one change to a journaled job, typed all the way to the disk.

Every field left None is unchanged; `state` is checked against the job's transition table
by the journal; `event` goes into the job's history."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from desktop_app.domain.job import FOLLOWABLE_STATES, JobError, JobState

NON_COLUMNS = frozenset({"state", "error", "clear_error", "event"})
PROGRESS_COLUMNS = frozenset({
    "status_detail", "credits_used", "video_url", "completed_at",  # a poll's news
    "file_path", "bytes_done", "bytes_total",  # where the clip is being saved, how far
})  # fmt: skip
PROGRESS_STATES = FOLLOWABLE_STATES


@dataclass(frozen=True)
class JobChange:
    state: JobState | None = None
    error: JobError | None = None
    clear_error: bool = False
    event: tuple[str, Mapping[str, Any]] | None = None
    """(kind, detail) for the job's history."""
    generation_id: str | None = None
    status_detail: str | None = None
    credits_used: int | None = None
    video_url: str | None = None
    file_path: Path | None = None
    file_size: int | None = None
    file_sha256: str | None = None
    bytes_done: int | None = None
    bytes_total: int | None = None
    submitted_at: float | None = None
    completed_at: float | None = None
    finished_at: float | None = None
    followed: bool | None = None
    followed_since: float | None = None
    charged_credits: int | None = None
    recovered_at: float | None = None
    superseded_by: str | None = None
    delivered_seconds: float | None = None
    delivered_width: int | None = None
    delivered_height: int | None = None

    def is_progress(self) -> bool:
        """Only what following the job again finds out or does again: a poll's news (the
        status words, the credits reported, the result link, a job moving on before its
        end), where its clip is being saved and how far, history without a change of
        state. The journal syncs a job's birth, generation id, charge and end, and the
        creator's choices, to the disk; progress it need not."""
        return (
            (self.state is None or self.state in PROGRESS_STATES)
            and self.error is None
            and self.columns().keys() <= PROGRESS_COLUMNS
        )

    def columns(self) -> dict[str, Any]:
        """The job's columns this change sets, by name (paths as text)."""
        found = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name not in NON_COLUMNS and value is not None:
                found[f.name] = str(value) if isinstance(value, Path) else value
        return found

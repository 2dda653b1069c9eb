"""A job as the journal keeps it, and the states it moves through."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from desktop_app.api.request import GenerationRequest


class JobState(StrEnum):
    SUBMITTING = "submitting"
    """Journaled; the POST is in flight."""
    UNKNOWN = "unknown"
    """The POST may or may not have reached the server. Never resent by itself."""
    REJECTED = "rejected"
    """The server refused the POST, or it provably never arrived; nothing was charged."""
    QUEUED = "queued"
    GENERATING = "generating"
    DOWNLOADING = "downloading"
    """The server said completed; the clip is being saved."""
    DONE = "done"
    FAILED = "failed"
    LOST = "lost"
    """Completed, but the clip can no longer be fetched."""

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATES

    @property
    def is_followable(self) -> bool:
        """The engine can take this job further without a person deciding."""
        return self in (JobState.QUEUED, JobState.GENERATING, JobState.DOWNLOADING)


TERMINAL_STATES = frozenset({JobState.REJECTED, JobState.DONE, JobState.FAILED, JobState.LOST})


@dataclass(frozen=True)
class JobError:
    """What went wrong, in the words shown to a creator, plus what support needs."""

    kind: str
    message: str
    status: int | None = None
    request_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "message": self.message,
            "status": self.status,
            "request_id": self.request_id,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> JobError:
        return cls(
            kind=str(data.get("kind", "")),
            message=str(data.get("message", "")),
            status=data.get("status"),
            request_id=data.get("request_id"),
        )


@dataclass(frozen=True)
class Job:
    id: str
    client_request_id: str
    request: GenerationRequest
    state: JobState
    created_at: float
    updated_at: float
    generation_id: str | None = None
    status_detail: str | None = None
    error: JobError | None = None
    credits_used: int | None = None
    video_url: str | None = None
    file_path: Path | None = None
    file_size: int | None = None
    file_sha256: str | None = None
    bytes_done: int = 0
    bytes_total: int | None = None
    submitted_at: float | None = None
    completed_at: float | None = None
    finished_at: float | None = None
    followed: bool = True
    follower: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The job object the CLI's --json prints and the window can export."""
        return {
            "id": self.id,
            "generation_id": self.generation_id,
            "state": self.state.value,
            "status_detail": self.status_detail,
            "error": self.error.to_json() if self.error else None,
            "file": str(self.file_path) if self.file_path and self.state is JobState.DONE else None,
            "file_size": self.file_size,
            "file_sha256": self.file_sha256,
            "credits_used": self.credits_used,
            "client_request_id": self.client_request_id,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "submitted_at": self.submitted_at,
            "completed_at": self.completed_at,
            "finished_at": self.finished_at,
            "bytes_done": self.bytes_done,
            "bytes_total": self.bytes_total,
            "followed": self.followed,
            "request": self.request.to_json(),
        }


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)

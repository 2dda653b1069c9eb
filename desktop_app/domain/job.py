"""A job, the states it moves through, which moves are allowed, and what a creator may do
with it in each state.

The transition table is the single statement of a job's life: the journal refuses any
change of state it does not list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from desktop_app.domain.delivery import Delivered, delivery_note
from desktop_app.domain.errors import (
    ErrorCategory,
    ErrorKind,
    InvalidInputError,
    WanStudioError,
)
from desktop_app.domain.money import credits_to_usd
from desktop_app.domain.pricing import PriceSource
from desktop_app.domain.references import LocalReference
from desktop_app.domain.request import GenerationRequest


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
    """Accepted, but its clip can no longer be had: the link expired, or the service has
    not known the generation for a long while."""

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATES

    @property
    def ended_at_the_service(self) -> bool:
        """It ended after the service accepted it (done, failed or lost): a charge may be
        in the ledger."""
        return self in ENDED_AT_THE_SERVICE

    @property
    def is_rendering(self) -> bool:
        """The service has it and is making it (queued or generating): waiting for it."""
        return self in RENDERING_STATES

    @property
    def is_followable(self) -> bool:
        """The service can take this job further without a person deciding."""
        return self in FOLLOWABLE_STATES


TERMINAL_STATES = frozenset({JobState.REJECTED, JobState.DONE, JobState.FAILED, JobState.LOST})
RENDERING_STATES = frozenset({JobState.QUEUED, JobState.GENERATING})
FOLLOWABLE_STATES = RENDERING_STATES | {JobState.DOWNLOADING}
UNFINISHED_STATES = FOLLOWABLE_STATES | {JobState.SUBMITTING}
ENDED_AT_THE_SERVICE = frozenset({JobState.DONE, JobState.FAILED, JobState.LOST})

_S = JobState
TRANSITIONS: Mapping[JobState, frozenset[JobState]] = {
    _S.SUBMITTING: frozenset({_S.QUEUED, _S.GENERATING, _S.DOWNLOADING, _S.REJECTED, _S.UNKNOWN}),
    # An unknown submission is settled by what the provider's request log says about it.
    _S.UNKNOWN: frozenset({_S.QUEUED, _S.GENERATING, _S.DOWNLOADING, _S.REJECTED}),
    # Lost: accepted (and maybe billed), then unknown to the service for too long.
    _S.QUEUED: frozenset({_S.GENERATING, _S.DOWNLOADING, _S.FAILED, _S.LOST}),
    # Servers have been seen to report `queued` again after `generating`.
    _S.GENERATING: frozenset({_S.QUEUED, _S.DOWNLOADING, _S.FAILED, _S.LOST}),
    _S.DOWNLOADING: frozenset({_S.DONE, _S.LOST}),
    # Download again: a deleted file, or a lost clip whose link works again.
    _S.DONE: frozenset({_S.DOWNLOADING}),
    _S.LOST: frozenset({_S.DOWNLOADING}),
    _S.FAILED: frozenset(),
    _S.REJECTED: frozenset(),
}


class ForbiddenTransitionError(InvalidInputError):
    """A job was asked to move between two states its life does not connect."""

    def __init__(self, old: JobState, new: JobState) -> None:
        self.old, self.new = old, new
        super().__init__(f"A job cannot go from {old.value} to {new.value}.")


def check_transition(old: JobState, new: JobState) -> None:
    """Raise ForbiddenTransitionError unless the table allows `old` -> `new`."""
    if new is not old and new not in TRANSITIONS[old]:
        raise ForbiddenTransitionError(old, new)


LOG_HORIZON_S = 7200.0
"""How long after a submission whose answer was lost it may still appear in the provider's
request log: the longest a video has been seen to take (8 min 42 s in the documentation's
example; a long queue more) plus the log's lag, which the provider does not bound. Only
after it does "not in the log" mean "never received"."""

UNCHARGED_UNLESS_LEDGER = frozenset({JobState.REJECTED, JobState.FAILED, JobState.LOST})
"""Ended without a clip: they count towards spending only when the ledger shows a charge."""


class CostSource(StrEnum):
    """Where a job's cost comes from, best first (`Job.cost`; the journal's SQL sums
    follow the same order)."""

    LEDGER = "the provider's ledger"
    QUOTED = "the price quoted before sending"
    REPORTED = "as the service reported"


@dataclass(frozen=True)
class JobCost:
    usd: float
    source: CostSource


class JobAction(StrEnum):
    """What a creator may do with a job."""

    PLAY = "play"
    STOP_FOLLOWING = "stop_following"
    FOLLOW_AGAIN = "follow_again"
    SEND_AGAIN = "send_again"
    DOWNLOAD_AGAIN = "download_again"
    FORGET = "forget"


@dataclass(frozen=True)
class JobError:
    """What went wrong, in the words shown to a creator, plus what support needs."""

    kind: ErrorKind
    message: str
    status: int | None = None
    request_id: str | None = None
    category: ErrorCategory | None = None

    @classmethod
    def of(cls, error: WanStudioError) -> JobError:
        return cls(error.kind, error.explain(), error.status, error.request_id, error.category)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "message": self.message,
            "status": self.status,
            "request_id": self.request_id,
            "category": self.category.value if self.category else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> JobError:
        status, request_id, category = (
            data.get("status"),
            data.get("request_id"),
            data.get("category"),
        )
        return cls(
            kind=_kind(data.get("kind")),
            message=str(data.get("message", "")),
            status=status if isinstance(status, int) else None,
            request_id=str(request_id) if request_id else None,
            category=ErrorCategory(category) if category in set(ErrorCategory) else None,
        )


_KINDS_BEFORE_0_3 = {
    "KeyRefusedError": ErrorKind.KEY_REFUSED,
    "NoCreditsError": ErrorKind.NO_CREDITS,
    "RequestRejectedError": ErrorKind.REQUEST_REJECTED,
    "NotFoundError": ErrorKind.NOT_FOUND,
    "RateLimitedError": ErrorKind.RATE_LIMITED,
    "ServerError": ErrorKind.SERVER,
    "GenerationTimeoutError": ErrorKind.SERVER,
    "BadResponseError": ErrorKind.BAD_RESPONSE,
    "NetworkError": ErrorKind.NETWORK,
    "Interrupted": ErrorKind.INTERRUPTED,
    "NotAccepted": ErrorKind.NOT_ACCEPTED,
    "Lost": ErrorKind.LOST,
    "Unreadable": ErrorKind.UNREADABLE,
}
"""Journals written before 0.3 name the kind by the error's class."""


def _kind(value: object) -> ErrorKind:
    text = str(value)
    if text in set(ErrorKind):
        return ErrorKind(text)
    return _KINDS_BEFORE_0_3.get(text, ErrorKind.OTHER)


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
    charged_credits: int | None = None
    """What the provider's ledger says it charged, once known."""
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
    batch_id: str | None = None
    estimate_usd: float | None = None
    """The price quoted for this one clip before it was sent."""
    estimate_source: PriceSource | None = None
    recovered_at: float | None = None
    """When its lost submission was found in the provider's request log."""
    followed_since: float | None = None
    """When the current stretch of following began: accepted, found, or followed again."""
    local_refs: tuple[LocalReference, ...] = ()
    """The clips from this computer it was sent with (uploaded to the creator's storage)."""
    counted_usd: float | None = None
    """What the daily limit counted for it when it was sent: its quote, or (no price known)
    the highest price seen for its resolution and duration."""
    superseded_by: str | None = None
    """The job that sent this `unknown` one's request again; it is still settled."""
    delivered: Delivered | None = None
    """The saved clip's real length and frame size."""
    continues: str | None = None
    """The job whose last frame this one starts from (Continue from last frame)."""

    def request_as_made(self) -> GenerationRequest:
        """The request as the creator made it: each file from this computer as its path
        (a file:// URL), where the request holds the link it was sent as, which expires
        (Use these settings, a sidecar, Continue from last frame)."""
        request = self.request
        for local in self.local_refs:
            request = request.with_link(
                local.field, local.slot, Path(local.path).absolute().as_uri()
            )
        return request

    def delivery_note(self) -> str | None:
        """How the saved clip differs from what was asked ("asked 15 s, got 10.0 s")."""
        return delivery_note(self.request, self.delivered)

    @property
    def charged_usd(self) -> float | None:
        return credits_to_usd(self.charged_credits) if self.charged_credits is not None else None

    def cost(self) -> JobCost | None:
        """The one rule for what a job cost: the ledger's charge (0: not charged), else the
        price quoted before sending, else what the service reported."""
        if self.charged_credits is not None:
            return JobCost(credits_to_usd(self.charged_credits), CostSource.LEDGER)
        if self.estimate_usd is not None:
            return JobCost(self.estimate_usd, CostSource.QUOTED)
        if self.credits_used is not None:
            return JobCost(credits_to_usd(self.credits_used), CostSource.REPORTED)
        return None

    @property
    def reported_usd(self) -> float | None:
        """What the service said it used, worth showing only while no charge is known and
        it differs from the quote by a cent or more."""
        if self.charged_credits is not None or self.credits_used is None:
            return None
        reported = credits_to_usd(self.credits_used)
        if self.estimate_usd is not None and abs(reported - self.estimate_usd) < 0.01:
            return None
        return reported

    def highest_figure_usd(self) -> float:
        """The most any figure of this job says it cost (charged, quoted or reported; 0
        with none): the daily limit's "highest price seen" for a request like it."""
        figures = (
            self.charged_usd,
            self.estimate_usd,
            credits_to_usd(self.credits_used) if self.credits_used is not None else None,
        )
        return max(0.0 if figure is None else figure for figure in figures)  # fmt: skip

    def spending_usd(self) -> float:
        """What it counts towards today's spending (the daily limit): the ledger's charge
        where known; nothing for a job that ended without a clip and with no charge; else
        the most of its quote, what the service reported and what the limit counted when
        it was sent: until the ledger speaks, no answer lowers what a job counts."""
        if self.charged_credits is not None:
            return credits_to_usd(self.charged_credits)
        if self.state in UNCHARGED_UNLESS_LEDGER:
            return 0.0
        reported = credits_to_usd(self.credits_used) if self.credits_used is not None else 0.0
        return max(self.estimate_usd or 0.0, reported, self.counted_usd or 0.0)

    def actions(self) -> frozenset[JobAction]:
        """What a creator may do with this job now."""
        allowed = {JobAction.FORGET}
        if self.state is JobState.DONE and self.file_path is not None:
            allowed.add(JobAction.PLAY)
        if self.state.is_followable:
            allowed.add(JobAction.STOP_FOLLOWING if self.followed else JobAction.FOLLOW_AGAIN)
        if self.state in (JobState.UNKNOWN, JobState.REJECTED, JobState.FAILED):
            allowed.add(JobAction.SEND_AGAIN)
        stalled = self.state is JobState.DOWNLOADING and not self.followed
        if self.generation_id and (self.state in (JobState.DONE, JobState.LOST) or stalled):
            allowed.add(JobAction.DOWNLOAD_AGAIN)
        return frozenset(allowed)

    def to_json(self) -> dict[str, Any]:
        """The job object the CLI's --json prints and the window can export."""
        return {
            "id": self.id,
            "model": self.request.model,
            "generation_id": self.generation_id,
            "state": self.state.value,
            "status_detail": self.status_detail,
            "error": self.error.to_json() if self.error else None,
            "file": str(self.file_path) if self.file_path and self.state is JobState.DONE else None,
            "file_size": self.file_size,
            "file_sha256": self.file_sha256,
            "credits_used": self.credits_used,
            "charged_credits": self.charged_credits,
            "charged_usd": self.charged_usd,
            "estimate_usd": self.estimate_usd,
            "estimate_source": self.estimate_source.value if self.estimate_source else None,
            "recovered": self.recovered_at is not None,
            "superseded_by": self.superseded_by,
            "continues": self.continues,
            "delivered": self.delivered.to_json() if self.delivered else None,
            "delivery_note": self.delivery_note(),
            "local_references": [ref.to_json() for ref in self.local_refs],
            "client_request_id": self.client_request_id,
            "batch_id": self.batch_id,
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

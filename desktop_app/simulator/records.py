"""What the simulator is scripted with and what it records, shared by server and handler."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

GENERATIONS_PATH = "/v2/video/generations"
CREDITS_PER_SECOND = {"720p": 210_000, "1080p": 315_000}
Route = Literal[
    "create", "poll", "cdn", "generation", "catalogue", "balance", "ledger", "logs",
    "deprecations",
]  # fmt: skip


@dataclass
class Fault:
    """One scripted misbehaviour, used for the next `times` requests on its route.

    route "generation" does not change an HTTP answer: the next created generation ends
    in `error` with `message`.
    """

    route: Route
    status: int | None = None
    message: str | None = None
    retry_after: str | None = None
    body: str | None = None
    content_type: str = "text/html"
    drop: bool = False
    """Read the request, then close the connection without an answer (for a POST: the
    service never got it, so it is not in the request log)."""
    accept_then_drop: bool = False
    """For a POST: the service accepts and logs it, then the connection drops before the
    answer, so the client cannot know."""
    drop_after_bytes: int | None = None
    ignore_range: bool = False
    announce_length: int | None = None
    """For the CDN: the Content-Length to announce, whatever is really sent."""
    redirect_loop: bool = False
    """For the CDN: answer 302 to the very address asked for."""
    answer_headers: tuple[tuple[str, str], ...] = ()
    """For an accepted POST or the CDN: headers its answer carries besides (or instead of)
    the usual ones, as a drifting or broken service might send them; latin-1 on the wire,
    so `é` is one non-ASCII byte."""
    answer_credits: object = None
    """For an accepted POST: the JSON value of its answer's `meta.usage.credits_used`
    (0, -5, 1e30, float('inf')), when not None."""
    times: int = 1


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    at: float

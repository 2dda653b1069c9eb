"""What the simulator is scripted with and what it records, shared by server and handler."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from desktop_app.domain.models import WAN_26, WAN_27

GENERATIONS_PATH = "/v2/video/generations"
USD_PER_SECOND = {
    WAN_26.id: {"720p": 0.10, "1080p": 0.15},
    # The simulator's own figure for 2.7: the documentation's example cost $1.95 (10 s).
    WAN_27.id: {"720p": 0.13, "1080p": 0.195},
}
"""What the ledger charges, by model and resolution (the catalogue's price tables)."""
REPORTED_OVER_CHARGED = 1.05
"""What an answer's meta.usage says is not what the ledger charges (as on the service)."""


def charge_usd(model: str, resolution: str, duration: int) -> float:
    prices = USD_PER_SECOND.get(model, USD_PER_SECOND[WAN_26.id])
    return round(prices.get(resolution, prices["1080p"]) * duration, 6)


def reported_credits(model: str, resolution: str, duration: int) -> int:
    return round(charge_usd(model, resolution, duration) * REPORTED_OVER_CHARGED * 2_000_000)


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

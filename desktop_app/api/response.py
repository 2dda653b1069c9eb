"""Typed views of what the service answers, tolerant of the variants API.md lists."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qs, urlsplit

from desktop_app.domain.money import CREDITS_PER_USD

log = logging.getLogger(__name__)

MAX_CHARGE_USD = 10_000.0
"""No one clip costs more: a reported figure past it is not a charge (noted, ignored)."""


class GenerationStatus(StrEnum):
    QUEUED = "queued"
    GENERATING = "generating"
    COMPLETED = "completed"
    ERROR = "error"


_S = GenerationStatus
STATUS_WORDS = {
    **dict.fromkeys(("queued", "pending", "waiting", "created"), _S.QUEUED),
    **dict.fromkeys(
        ("generating", "processing", "running", "in_progress", "started"), _S.GENERATING
    ),
    **dict.fromkeys(("completed", "complete", "succeeded", "success", "done"), _S.COMPLETED),
    **dict.fromkeys(
        ("error", "failed", "failure", "cancelled", "canceled", "timeout", "expired", "rejected"),
        _S.ERROR,
    ),
}
"""Status words seen from live services (compared lower-cased), by what they mean."""


class MalformedBodyError(ValueError):
    """A 2xx body that does not have the shape the contract promises."""


@dataclass(frozen=True)
class GenerationFailure:
    name: str
    message: str


@dataclass(frozen=True)
class Generation:
    """One generation as the service describes it. `status` keeps unknown values raw."""

    id: str
    status: str
    video_url: str | None = None
    failure: GenerationFailure | None = None
    credits_used: int | None = None
    inference_id: str | None = None
    """`x-inference-id`: the same id as `id` for an async generation."""
    usd_spent: float | None = None
    """`x-aimlapi-usd-spent`, when the answer carried it."""

    def with_usage_headers(self, headers: Mapping[str, str]) -> Generation:
        """Add what the usage headers say: credits only where the body had none, dollars
        where the body had none (the body wins when both are valid: both are logged when
        they differ)."""
        credits = reported_credits(headers.get("x-aimlapi-credits-used"))
        usd = reported_usd(headers.get("x-aimlapi-usd-spent"))
        if self.usd_spent is not None and usd is not None and abs(self.usd_spent - usd) > 1e-9:
            log.info("usd_spent: body %s, header %s; the body's is kept", self.usd_spent, usd)
        inference_id = headers.get("x-inference-id")
        return replace(
            self,
            credits_used=self.credits_used if self.credits_used is not None else credits,
            inference_id=inference_id[:256] if inference_id else None,
            usd_spent=self.usd_spent if self.usd_spent is not None else usd,
        )

    @property
    def known_status(self) -> GenerationStatus | None:
        """The status as the contract names it, whatever its case or common synonym; None
        for a word it does not know (kept raw in `status`)."""
        word = self.status.strip().lower().replace("-", "_").replace(" ", "_")
        return STATUS_WORDS.get(word)

    @classmethod
    def from_json(cls, body: Any) -> Generation:
        if not isinstance(body, Mapping):
            raise MalformedBodyError("the answer is not a JSON object")
        gen_id = body.get("id") or body.get("generation_id")
        if not isinstance(gen_id, str) or not gen_id:
            raise MalformedBodyError("the answer has no generation id")
        if len(gen_id) > MAX_ID_LENGTH or not gen_id.isprintable() or " " in gen_id:
            raise MalformedBodyError(
                f"its generation id is not a usable id ({len(gen_id)} characters)"
            )
        status = body.get("status")
        return cls(
            id=gen_id,
            status=bounded(str(status), 60) if status is not None else "",
            video_url=_video_url(body.get("video")),
            failure=_failure(body.get("error")),
            credits_used=reported_credits(_usage(body.get("meta")).get("credits_used")),
            usd_spent=reported_usd(_usage(body.get("meta")).get("usd_spent")),
        )


MAX_ID_LENGTH = 256
MAX_URL_LENGTH = 8192
MAX_MESSAGE = 500


def bounded(text: str, limit: int = MAX_MESSAGE) -> str:
    """Outside text cut to `limit` characters, with its control characters made spaces."""
    cut = text[:limit] + ("…" if len(text) > limit else "")
    return "".join(c if c.isprintable() or c == "\n" else " " for c in cut)


def _video_url(video: Any) -> str | None:
    if not isinstance(video, Mapping) or not isinstance(video.get("url"), str):
        return None
    url = str(video["url"])
    if not url:
        return None
    scheme = urlsplit(url).scheme.lower() if len(url) <= MAX_URL_LENGTH else ""
    if scheme not in ("http", "https") or not url.isprintable() or " " in url:
        raise MalformedBodyError("its result link is not a usable http(s) link")
    return url


def _failure(error: Any) -> GenerationFailure | None:
    if isinstance(error, Mapping):
        name = bounded(str(error.get("name") or ""), 100)
        return GenerationFailure(name, bounded(str(error.get("message") or "")))
    if isinstance(error, str) and error:
        return GenerationFailure("", bounded(error))
    return None


def _usage(meta: Any) -> Mapping[str, Any]:
    usage = meta.get("usage") if isinstance(meta, Mapping) else None
    return usage if isinstance(usage, Mapping) else {}


def _finite(value: Any) -> float | None:
    """A finite number from a JSON number or a short numeric text; None otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    if isinstance(value, str) and len(value) > 32:
        return None
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def reported_usd(value: Any) -> float | None:
    """A charge the service reports, in dollars: above 0 and at most MAX_CHARGE_USD; None
    for anything else (0 and less are no charge; more is noted and ignored)."""
    usd = _finite(value)
    if usd is None or usd <= 0:
        return None
    if usd > MAX_CHARGE_USD:
        log.info("a reported charge of $%.2f for one clip is not a charge: ignored", usd)
        return None
    return usd


def reported_credits(value: Any) -> int | None:
    """The credits the service reports, within the same bounds as `reported_usd`."""
    credits = _finite(value)
    usd = reported_usd(credits / CREDITS_PER_USD) if credits is not None else None
    return round(usd * CREDITS_PER_USD) if usd is not None else None


def link_expiry(url: str) -> float | None:
    """The Unix time a signed result link stops working (its `Expires`), when it says."""
    values = parse_qs(urlsplit(url).query).get("Expires")
    if values and values[0].isdigit():
        return float(values[0])
    return None

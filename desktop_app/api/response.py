"""Typed views of what the service answers, tolerant of the variants API.md lists."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qs, urlsplit


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
        """Add what the usage headers say (credits only where the body had none)."""
        credits = _credits({"usage": {"credits_used": headers.get("x-aimlapi-credits-used")}})
        usd = headers.get("x-aimlapi-usd-spent", "")
        try:
            usd_spent = float(usd) if usd and len(usd) < 32 else None
        except ValueError:
            usd_spent = None
        inference_id = headers.get("x-inference-id")
        return replace(
            self,
            credits_used=self.credits_used if self.credits_used is not None else credits,
            inference_id=inference_id[:256] if inference_id else None,
            usd_spent=usd_spent,
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
            credits_used=_credits(body.get("meta")),
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


def _credits(meta: Any) -> int | None:
    if not isinstance(meta, Mapping):
        return None
    usage = meta.get("usage")
    if not isinstance(usage, Mapping):
        return None
    credits = usage.get("credits_used")
    if isinstance(credits, bool):
        return None
    if isinstance(credits, int | float):
        return int(credits)
    if isinstance(credits, str) and credits.isdigit():
        return int(credits)
    return None


def link_expiry(url: str) -> float | None:
    """The Unix time a signed result link stops working (its `Expires`), when it says."""
    values = parse_qs(urlsplit(url).query).get("Expires")
    if values and values[0].isdigit():
        return float(values[0])
    return None

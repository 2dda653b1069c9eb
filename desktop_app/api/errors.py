"""One hierarchy for everything that can go wrong talking to the service.

Each error carries what a creator and support need: the HTTP status, the server's message
and its request id. `explain()` gives the sentence the window and the CLI show.
"""

from __future__ import annotations

import email.utils
import json
import re
import time
from collections.abc import Mapping
from typing import Any

from desktop_app.api.response import bounded
from desktop_app.domain.errors import (
    ErrorKind,
    NetworkProblemError,
    ServiceRefusedError,
    WanStudioError,
)


class ApiError(WanStudioError):
    """The service could not do what was asked. Never carries the API key."""

    summary = "The service could not complete the request."

    def __init__(
        self,
        detail: str = "",
        *,
        status: int | None = None,
        server_message: str | None = None,
        request_id: str | None = None,
    ) -> None:
        self.detail = detail
        self.status = status
        self.server_message = server_message
        self.request_id = request_id
        super().__init__(self.explain())

    def explain(self) -> str:
        """One paragraph for a creator: what happened, what the server said, the request id."""
        parts = [self.summary]
        if self.detail:
            parts.append(self.detail)
        if self.server_message:
            parts.append(f"Server said: {self.server_message}")
        if self.status is not None:
            parts.append(f"(HTTP {self.status})")
        if self.request_id:
            parts.append(f"Request id: {self.request_id}")
        return " ".join(parts)


class KeyRefusedError(ApiError, ServiceRefusedError):
    summary = "The service refused the API key: it is missing, wrong or expired."
    kind = ErrorKind.KEY_REFUSED


class NoCreditsError(ApiError, ServiceRefusedError):
    """403: the account may not do this (most often: no credits left). The service's own
    sentence says which."""

    summary = "The service refused this for your account."
    kind = ErrorKind.NO_CREDITS


class RequestRejectedError(ApiError, ServiceRefusedError):
    """400 and other 4xx answers: a field is wrong. `detail_lines` are the server's lines."""

    summary = "The service rejected the request."
    kind = ErrorKind.REQUEST_REJECTED

    def __init__(self, detail: str = "", *, detail_lines: tuple[str, ...] = (), **kw: Any) -> None:
        self.detail_lines = detail_lines
        super().__init__(detail, **kw)


class NotFoundError(ApiError, ServiceRefusedError):
    summary = "The service does not know this address or generation (check the base URL)."
    kind = ErrorKind.NOT_FOUND


class RateLimitedError(ApiError, NetworkProblemError):
    summary = "The service is busy with too many requests from this account."
    kind = ErrorKind.RATE_LIMITED

    def __init__(self, detail: str = "", *, retry_after: float | None = None, **kw: Any) -> None:
        self.retry_after = retry_after
        if retry_after is not None and not detail:
            detail = f"It asks to wait {retry_after:.0f} s."
        super().__init__(detail, **kw)


class ServerError(ApiError, NetworkProblemError):
    summary = "The service had a problem on its side; try again later."
    kind = ErrorKind.SERVER


class GenerationTimeoutError(ServerError):
    summary = "The generation ran out of time on the service."


class BadResponseError(ApiError, NetworkProblemError):
    summary = "The service answered with something that is not its API (a proxy page?)."
    kind = ErrorKind.BAD_RESPONSE


class NetworkError(ApiError, NetworkProblemError):
    """No HTTP answer. `sent` is False only when the request provably never left."""

    summary = "Could not reach the service."
    kind = ErrorKind.NETWORK

    def __init__(self, detail: str = "", *, sent: bool, **kw: Any) -> None:
        self.sent = sent
        super().__init__(detail, **kw)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if value is None:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


_TAGS = re.compile(r"<[^<>]{0,1000}>")
_REQUEST_ID = re.compile(r"Request ID is ([\w-]{1,100})", re.I)
PARSED_BODY_CHARS = 64 * 1024
"""Error bodies are read this far: a message and a request id are at the start."""


def _parse_body(text: str) -> tuple[str | None, str | None]:
    """(message, request id) from a JSON error body, plain text or an HTML page, in time
    linear in the body's size."""
    text = text[:PARSED_BODY_CHARS]
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        body = None
    if isinstance(body, Mapping):
        message = body.get("message") or body.get("error")
        if isinstance(message, Mapping):
            message = message.get("message")
        if isinstance(message, list):
            message = "\n".join(str(m) for m in message[:50])
        request_id = body.get("requestId") or body.get("request_id")
        return (
            bounded(str(message)) if message else None,
            bounded(str(request_id), 100) if request_id else None,
        )
    stripped = text.strip()
    if "<" in stripped and ">" in stripped:
        stripped = _title(stripped) or _TAGS.sub(" ", stripped)
    stripped = " ".join(stripped.split())
    request_id = _REQUEST_ID.search(stripped)
    return (bounded(stripped, 300) or None, request_id.group(1) if request_id else None)


def _title(page: str) -> str | None:
    """The text of an HTML page's first <title>, found with plain searches (no regex
    backtracking over a hostile page)."""
    lower = page.lower()
    start = lower.find("<title")
    if start < 0:
        return None
    opened = lower.find(">", start)
    closed = lower.find("</title>", opened)
    if opened < 0 or closed < 0:
        return None
    return _TAGS.sub(" ", page[opened + 1 : closed]) or None


def error_from_response(
    status: int, body_text: str, headers: Mapping[str, str], *, now: float | None = None
) -> ApiError:
    """The typed error for a non-2xx answer."""
    message, request_id = _parse_body(body_text)
    request_id = request_id or headers.get("x-request-id")
    kw: dict[str, Any] = {"status": status, "server_message": message, "request_id": request_id}
    if status == 400 or (400 <= status < 500 and status not in (401, 403, 404, 429)):
        lines = tuple(line.strip() for line in (message or "").splitlines()[1:] if line.strip())
        return RequestRejectedError(detail_lines=lines, **kw)
    if status == 401:
        return KeyRefusedError(**kw)
    if status == 403:
        return NoCreditsError(**kw)
    if status == 404:
        return NotFoundError(**kw)
    if status == 429:
        return RateLimitedError(
            retry_after=parse_retry_after(headers.get("retry-after"), now), **kw
        )
    if status == 504:
        return GenerationTimeoutError(**kw)
    if status >= 500:
        return ServerError(**kw)
    return BadResponseError(f"Unexpected HTTP status {status}.", **kw)

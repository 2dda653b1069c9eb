"""The async client for the generation endpoints (API.md sections 1 and 2).

One `httpx.AsyncClient` talks to the API base URL and is the only thing that ever carries
the key. A POST costs money, so it is retried only when it provably never left.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx

from desktop_app.api.account import (
    LedgerPage,
    LogRow,
    balance_usd,
    ledger_page,
    log_rows,
    query_pairs,
)
from desktop_app.api.errors import (
    ApiError,
    BadResponseError,
    NetworkError,
    RateLimitedError,
    error_from_response,
)
from desktop_app.api.response import Generation, MalformedBodyError, bounded
from desktop_app.api.retry import RetryPolicy
from desktop_app.api.secret import ApiKey
from desktop_app.domain.request import GenerationRequest

log = logging.getLogger(__name__)

GENERATIONS_PATH = "/v2/video/generations"
CATALOGUE_PATH = "/v1/models"
DEPRECATIONS_PATH = "/v1/models/deprecations"
BALANCE_PATH = "/v2/billing"
LEDGER_PATH = "/v2/billing/transactions"
LOGS_PATH = "/v2/logs"
DEFAULT_BASE_URL = "https://api.aimlapi.com"
CLIENT_REQUEST_ID_HEADER = "X-Client-Request-Id"

Sleep = Callable[[float], Awaitable[None]]
KeyProvider = Callable[[], ApiKey]
"""Gives the key to send, asked afresh for every request (a replaced key applies at once)."""

MAX_ANSWER_BYTES = 1 << 20
"""No answer of the API is read past this: its JSON is a few hundred bytes."""
MAX_RETRY_AFTER = 300.0
"""A longer Retry-After is capped: a hostile or broken answer cannot silence the app."""

# Errors the sending of a request raises before a single byte of it was written: the
# connection could not be made or the request could not be encoded. Anything raised later,
# while writing, reading or taking in the answer, means the service may have it.
_NOT_WRITTEN = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
    httpx.LocalProtocolError,
)
# Errors building the request raises (a header with characters HTTP does not allow).
_NOT_BUILT = (httpx.InvalidURL, httpx.UnsupportedProtocol, httpx.LocalProtocolError, UnicodeError)


ANSWER_DEADLINE_S = 120.0
"""The longest an answer may take to come in whole, however it trickles (the per-read
timeout alone lets a server that sends a byte every few seconds hold a request for ever)."""


def default_timeout() -> httpx.Timeout:
    return httpx.Timeout(30.0, connect=10.0)


@dataclass(frozen=True)
class Cached:
    """An answer to a conditional GET: its body, or None when unchanged (304)."""

    body: Any
    etag: str | None


class ApiClient:
    """create() and get() against one base URL, with the key, retries and a request cap."""

    def __init__(
        self,
        base_url: str,
        key: KeyProvider,
        *,
        http: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
        max_in_flight: int = 4,
        sleep: Sleep = asyncio.sleep,
        answer_deadline: float = ANSWER_DEADLINE_S,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._key = key
        self._http = http or httpx.AsyncClient(timeout=default_timeout())
        self._retry = retry or RetryPolicy()
        self._in_flight = asyncio.Semaphore(max_in_flight)
        self._sleep = sleep
        self._answer_deadline = answer_deadline
        self._quiet_until = 0.0
        """A 429's Retry-After holds every request of this client, not only the one that
        got it: the limit is the account's (monotonic time)."""

    async def aclose(self) -> None:
        await self._http.aclose()

    async def create(self, request: GenerationRequest, client_request_id: str) -> Generation:
        """Start a generation. Raises NetworkError(sent=True) when the outcome is unknown."""
        request.validate_for_sending()
        body = json.dumps(request.to_json()).encode()
        headers = {CLIENT_REQUEST_ID_HEADER: client_request_id}
        retry_number = 0
        while True:
            try:
                response = await self._send("POST", GENERATIONS_PATH, content=body, headers=headers)
                return _generation(response)
            except (NetworkError, RateLimitedError) as error:
                never_left = isinstance(error, NetworkError) and not error.sent
                if not (never_left or isinstance(error, RateLimitedError)):
                    raise
                retry_number += 1
                retry_after = error.retry_after if isinstance(error, RateLimitedError) else None
                delay = self._retry.delay(retry_number, retry_after)
                if delay is None:
                    raise
                log.info(
                    "create not accepted (%s); retry %d in %.1f s",
                    error.summary,
                    retry_number,
                    delay,
                )
                await self._sleep(delay)

    async def get(self, generation_id: str) -> Generation:
        """The generation's current state, in one request. Polls are safe to repeat; the
        caller owns the one retry policy (the job service's backoff)."""
        response = await self._send(
            "GET", GENERATIONS_PATH, params={"generation_id": generation_id}
        )
        return _generation(response)

    async def verify_key(self) -> None:
        """Check the key with a free, documented call (the balance). Raises
        KeyRefusedError (401) or the error that stopped it."""
        await self.balance()

    # -- the account (API.md section 4) ----------------------------------------------------

    async def catalogue(self, model_id: str, etag: str | None) -> Cached:
        """The model's catalogue entry with pricing; no key is sent."""
        params = {"id": model_id, "include": "pricing"}
        return await self._conditional(CATALOGUE_PATH, params, etag)

    async def deprecations(self, etag: str | None) -> Cached:
        return await self._conditional(DEPRECATIONS_PATH, {}, etag)

    async def _conditional(self, path: str, params: dict[str, str], etag: str | None) -> Cached:
        headers = {"If-None-Match": etag} if etag else {}
        response = await self._send(
            "GET", path, params=params, headers=headers, authorized=False, not_modified_ok=True
        )
        new_etag = response.headers.get("etag") or etag
        if response.status_code == 304:
            return Cached(None, new_etag)
        return Cached(_json(response), new_etag)

    async def balance(self) -> float:
        """The account's balance in USD."""
        return _parsed(await self._send("GET", BALANCE_PATH), balance_usd)

    async def ledger(
        self,
        *,
        since: float,
        cursor: str | None,
        direction: str | None = None,
        kind: str | None = None,
        limit: int = 100,
    ) -> LedgerPage:
        """One page of the ledger, newest first, from `since` on; only entries of
        `direction` (CHARGE, TOPUP) and of type `kind` (MODEL_USAGE, REFUND), when given."""
        params = query_pairs(
            {
                "from": iso8601(since),
                "direction": direction,
                "type": kind,
                "limit": str(limit),
                "cursor": cursor,
            }
        )
        return _parsed(await self._send("GET", LEDGER_PATH, params=params), ledger_page)

    async def request_log(
        self, *, model: str | None, start: float, end: float, offset: int = 0, limit: int = 100
    ) -> list[LogRow]:
        """One page of the request log between `start` and `end`, for `model` (None: every
        model)."""
        params = query_pairs(
            {
                "model": [model] if model else None,
                "start": iso8601(start),
                "end": iso8601(end),
                "limit": str(limit),
                "offset": str(offset),
            }
        )
        return _parsed(await self._send("GET", LOGS_PATH, params=params), log_rows)

    async def _send(
        self,
        method: str,
        path: str,
        *,
        authorized: bool = True,
        not_modified_ok: bool = False,
        **kwargs: Any,
    ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if authorized:
            headers["Authorization"] = f"Bearer {self._key().reveal()}"
        if method == "POST":
            headers["Content-Type"] = "application/json"
        url = self.base_url + path
        try:
            request = self._http.build_request(method, url, headers=headers, **kwargs)
        except _NOT_BUILT as error:
            raise NetworkError(network_sentence(error, sent=False), sent=False) from None
        async with self._in_flight:
            while (wait := self._quiet_until - time.monotonic()) > 0:
                await self._sleep(wait)
            response = await self._exchange(request)
        if response.is_success or (not_modified_ok and response.status_code == 304):
            return response
        refusal = error_from_response(response.status_code, text_of(response), response.headers)
        if isinstance(refusal, RateLimitedError) and refusal.retry_after:
            quiet = time.monotonic() + min(refusal.retry_after, MAX_RETRY_AFTER)
            self._quiet_until = max(self._quiet_until, quiet)
        raise refusal

    async def _exchange(self, request: httpx.Request) -> httpx.Response:
        """Send `request` and read its answer, up to MAX_ANSWER_BYTES and within the
        answer's deadline (headers and body, however they trickle). Only a failure to
        connect is "never sent" (NetworkError with sent=False); whatever happens from the
        first byte written on means the service may have the request: NetworkError
        (sent=True), or BadResponseError for an answer that came but cannot be taken in."""
        try:
            async with asyncio.timeout(self._answer_deadline):
                return await self._send_and_read(request)
        except TimeoutError as error:
            raise NetworkError(network_sentence(error, sent=True), sent=True) from None

    async def _send_and_read(self, request: httpx.Request) -> httpx.Response:
        try:
            response = await self._http.send(request, stream=True)
        except _NOT_WRITTEN as error:
            raise NetworkError(network_sentence(error, sent=False), sent=False) from None
        except httpx.TransportError as error:
            raise NetworkError(network_sentence(error, sent=True), sent=True) from None
        try:
            body = await _read_bounded(response)
        except httpx.DecodingError:
            raise BadResponseError(
                "Its answer could not be decoded (it says it is compressed, and is not).",
                status=response.status_code,
            ) from None
        except httpx.TransportError as error:
            raise NetworkError(network_sentence(error, sent=True), sent=True) from None
        finally:
            await response.aclose()
        # Rebuilt from the header bytes as they came (never re-encoded from decoded text),
        # without Content-Encoding: the body is decoded already.
        headers = [(k, v) for k, v in response.headers.raw if k.lower() != b"content-encoding"]
        return httpx.Response(response.status_code, headers=headers, content=body, request=request)


async def _read_bounded(response: httpx.Response) -> bytes:
    """The answer's body, decoded, up to MAX_ANSWER_BYTES (BadResponseError beyond)."""
    body = bytearray()
    async for chunk in response.aiter_bytes():  # decoded: the cap holds after gzip
        body += chunk
        if len(body) > MAX_ANSWER_BYTES:
            raise BadResponseError(
                f"Its answer was larger than {MAX_ANSWER_BYTES // 1024} KB, far more "
                "than the API ever sends, and was not read.",
                status=response.status_code,
            )
    return bytes(body)


def text_of(response: httpx.Response) -> str:
    """The answer's body as text, whatever charset it claims (UTF-8, bad bytes replaced)."""
    return response.content.decode("utf-8", errors="replace")


def _generation(response: httpx.Response) -> Generation:
    generation = _parsed(response, Generation.from_json)
    return generation.with_usage_headers(response.headers)


T = TypeVar("T")


def _json(response: httpx.Response) -> Any:
    return _parsed(response, lambda body: body)


def _parsed(response: httpx.Response, parse: Callable[[Any], T]) -> T:
    """The answer's JSON through `parse`; BadResponseError when it is not what was promised."""
    try:
        return parse(response.json())
    except (ValueError, MalformedBodyError, RecursionError) as error:
        if isinstance(error, RecursionError):
            error = MalformedBodyError("it is nested too deeply")
        snippet = bounded(" ".join(text_of(response)[:400].split()), 120)
        raise BadResponseError(
            f"Its answer could not be read ({error}): {snippet!r}",
            status=response.status_code,
            request_id=response.headers.get("x-request-id"),
        ) from None


def iso8601(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_NETWORK_SENTENCES: tuple[tuple[type[Exception], str], ...] = (
    (httpx.ConnectTimeout, "Connecting to the service took too long"),
    (httpx.ConnectError, "Could not connect to the service (is the computer online?)"),
    (httpx.PoolTimeout, "Too many requests were waiting for a connection"),
    (httpx.UnsupportedProtocol, "The base URL is not an http(s) address"),
    (httpx.InvalidURL, "The address could not be built from the base URL"),
    (httpx.LocalProtocolError, "The request could not be built: a header (the API key?) "
     "holds characters HTTP does not allow"),
    (UnicodeError, "The request could not be built: a header (the API key?) holds "
     "characters HTTP does not allow"),
    (TimeoutError, "The service's answer did not come in whole in time"),
    (httpx.ReadTimeout, "The service did not answer in time"),
    (httpx.WriteTimeout, "Sending the request took too long"),
    (httpx.RemoteProtocolError, "The connection closed without a proper answer"),
    (httpx.ReadError, "The connection broke while the answer was coming"),
    (httpx.WriteError, "The connection broke while the request was being sent"),
)  # fmt: skip


def network_sentence(error: Exception, *, sent: bool) -> str:
    """What went wrong on the network, in words. Never the library's own text: it can hold
    header values (the key)."""
    reason = next(
        (words for kind, words in _NETWORK_SENTENCES if isinstance(error, kind)),
        "The connection failed",
    )
    if sent:
        return f"{reason} after the request was sent: the service may or may not have received it."
    return f"{reason}. The request never left this computer."


__all__ = ["DEFAULT_BASE_URL", "ApiClient", "ApiError"]

"""The async client for the generation endpoints (API.md sections 1 and 2).

One `httpx.AsyncClient` talks to the API base URL and is the only thing that ever carries
the key. A POST costs money, so it is retried only when it provably never left.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from desktop_app.api.errors import (
    ApiError,
    BadResponseError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    RequestRejectedError,
    error_from_response,
)
from desktop_app.api.response import Generation, MalformedBodyError
from desktop_app.api.retry import RetryPolicy
from desktop_app.api.secret import ApiKey
from desktop_app.domain.request import GenerationRequest

log = logging.getLogger(__name__)

GENERATIONS_PATH = "/v2/video/generations"
DEFAULT_BASE_URL = "https://api.aimlapi.com"
CLIENT_REQUEST_ID_HEADER = "X-Client-Request-Id"
KEY_CHECK_ID = "wan-studio-key-check"

Sleep = Callable[[float], Awaitable[None]]
KeyProvider = Callable[[], ApiKey]
"""Gives the key to send, asked afresh for every request (a replaced key applies at once)."""

# Errors raised before a single byte of the request was written.
_NEVER_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
)


def default_timeout() -> httpx.Timeout:
    return httpx.Timeout(30.0, connect=10.0)


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
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._key = key
        self._http = http or httpx.AsyncClient(timeout=default_timeout())
        self._retry = retry or RetryPolicy()
        self._in_flight = asyncio.Semaphore(max_in_flight)
        self._sleep = sleep

    async def aclose(self) -> None:
        await self._http.aclose()

    async def create(self, request: GenerationRequest, client_request_id: str) -> Generation:
        """Start a generation. Raises NetworkError(sent=True) when the outcome is unknown."""
        request.validate()
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
        """Check the key with a request that costs nothing: a status query for a generation
        that does not exist. Raises KeyRefusedError (401) or the error that stopped it."""
        try:
            await self._send("GET", GENERATIONS_PATH, params={"generation_id": KEY_CHECK_ID})
        except (NotFoundError, RequestRejectedError):
            return  # the key passed; only the made-up id was refused

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._key().reveal()}", **kwargs.pop("headers", {})}
        if method == "POST":
            headers["Content-Type"] = "application/json"
        url = self.base_url + path
        async with self._in_flight:
            try:
                response = await self._http.request(method, url, headers=headers, **kwargs)
            except _NEVER_SENT as error:
                raise NetworkError(_network_detail(error, sent=False), sent=False) from None
            except httpx.TransportError as error:
                raise NetworkError(_network_detail(error, sent=True), sent=True) from None
        if response.is_success:
            return response
        raise error_from_response(response.status_code, response.text, response.headers)


def _generation(response: httpx.Response) -> Generation:
    request_id = response.headers.get("x-request-id")
    try:
        return Generation.from_json(response.json())
    except (ValueError, MalformedBodyError) as error:
        snippet = " ".join(response.text.split())[:120]
        raise BadResponseError(
            f"Its answer could not be read ({error}): {snippet!r}",
            status=response.status_code,
            request_id=request_id,
        ) from None


def _network_detail(error: httpx.TransportError, *, sent: bool) -> str:
    kind = type(error).__name__
    reason = str(error) or kind
    if sent:
        return (
            f"The connection failed after the request was sent ({kind}: {reason}); "
            "the service may or may not have received it."
        )
    return f"The request never left this computer ({kind}: {reason})."


__all__ = ["DEFAULT_BASE_URL", "ApiClient", "ApiError"]

"""ReferenceProbe: what can be learned about a reference clip's link without the API key.

The service fetches reference clips from its own network, so these checks only warn:
a link this computer cannot reach may still work for the service.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

LARGE_BYTES = 100 * 1024 * 1024
VIDEO_TYPES = ("video/", "application/octet-stream", "binary/octet-stream")


@dataclass(frozen=True)
class ReferenceCheck:
    url: str
    reachable: bool
    status: int | None = None
    content_type: str | None = None
    size: int | None = None
    warnings: tuple[str, ...] = field(default=())


class ReferenceProbe:
    """Checks reference links with an HTTP client that must carry no credentials."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    async def check(self, url: str) -> ReferenceCheck:
        try:
            response = await self._http.head(url)
            if response.status_code in (403, 405, 501):
                # Some hosts refuse HEAD (signed S3/OSS links): ask for one byte instead.
                async with self._http.stream("GET", url, headers={"Range": "bytes=0-0"}) as got:
                    response = got
        except httpx.HTTPError as error:
            reason = type(error).__name__
            return ReferenceCheck(
                url,
                reachable=False,
                warnings=(
                    f"Not reachable from this computer ({reason}); "
                    "the service may still be able to fetch it.",
                ),
            )
        return _judge(url, response)


def _judge(url: str, response: httpx.Response) -> ReferenceCheck:
    status = response.status_code
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower() or None
    size = _size(response)
    warnings = []
    if status >= 400:
        warnings.append(f"The link answered HTTP {status}; the service may not fetch it either.")
    if content_type and not content_type.startswith(VIDEO_TYPES):
        warnings.append(f"The link serves {content_type}, not a video (mp4 or mov is needed).")
    if size is not None and size > LARGE_BYTES:
        megabytes = size / 1_048_576
        warnings.append(f"The clip is large ({megabytes:.0f} MB); the service may refuse it.")
    return ReferenceCheck(url, status < 400, status, content_type, size, tuple(warnings))


def _size(response: httpx.Response) -> int | None:
    content_range = response.headers.get("content-range", "")
    if "/" in content_range and content_range.rsplit("/", 1)[1].isdigit():
        return int(content_range.rsplit("/", 1)[1])
    length = response.headers.get("content-length", "")
    return int(length) if length.isdigit() and response.status_code == 200 else None

"""ReferenceProbe: what can be learned about a reference clip's link without the API key,
and a local copy of it for the preview.

The service fetches reference clips from its own network, so these checks only warn:
a link this computer cannot reach may still work for the service. The preview (thumbnail,
duration, playing it) reads a bounded local copy fetched by this same client, so the
media backend never goes to the network itself: no redirect it would follow unchecked, and
no wait on a server while the window holds its lock.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import ssl
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from desktop_app.domain.reference_check import ReferenceCheck, serves_kind
from desktop_app.domain.references import is_image_link, local_path
from desktop_app.domain.request import is_local_url
from desktop_app.jobs.addresses import Classify, classify_host, may_follow
from desktop_app.uploads.clip_file import ClipFileError, ClipTooLongError, inspect_clip
from desktop_app.uploads.image_file import inspect_image

LARGE_BYTES = 100 * 1024 * 1024
MAX_PREVIEW_BYTES = 64 * 1024 * 1024
"""A reference larger than this is checked, but not copied for a preview."""
MAX_REDIRECTS = 5


def keyless_client(timeout: httpx.Timeout, tls: ssl.SSLContext | bool = True) -> httpx.AsyncClient:
    """An HTTP client for hosts that are not the API: no key, no cookies kept or sent,
    redirects only as ReferenceProbe allows them."""
    no_cookies = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    return httpx.AsyncClient(
        timeout=timeout, follow_redirects=False, cookies=no_cookies, verify=tls
    )


async def check_local_clip(url: str) -> ReferenceCheck:
    """A clip (or a still) on this computer, checked by its bytes (on a worker thread)."""
    path = local_path(url)
    assert path is not None
    try:
        if is_image_link(url):
            image = await asyncio.to_thread(inspect_image, path)
            kind = f"image/{image.format.lower()}"
            return ReferenceCheck(url, reachable=True, content_type=kind, size=image.size)
        facts = await asyncio.to_thread(inspect_clip, path)
    except ClipTooLongError as error:
        return ReferenceCheck(
            url, reachable=False, warnings=(error.explain(),), too_long_s=error.seconds
        )
    except ClipFileError as error:
        return ReferenceCheck(url, reachable=False, warnings=(error.explain(),))
    kind = "video/quicktime" if facts.container == "MOV" else "video/mp4"
    return ReferenceCheck(url, reachable=True, content_type=kind, size=facts.size)


class ReferenceProbe:
    """Checks reference links with an HTTP client that must carry no credentials (see
    `keyless_client`), following only redirects that stay as public as where they began."""

    def __init__(self, http: httpx.AsyncClient, *, classify: Classify = classify_host) -> None:
        self._http = http
        self._classify = classify

    async def check(self, url: str) -> ReferenceCheck:
        if is_local_url(url):
            return await check_local_clip(url)
        current = url
        try:
            for _ in range(MAX_REDIRECTS + 1):
                response = await self._ask(current)
                location = response.headers.get("location")
                if not (response.is_redirect and location):
                    return _judge(url, response, current)
                target = urljoin(current, location[:2048])
                if not await self._allowed(current, target):
                    return _refused(url, target)
                current = target
        except (httpx.HTTPError, ValueError):
            return ReferenceCheck(
                url,
                reachable=False,
                warnings=(
                    "Not reachable from this computer; the service may still be able to fetch it.",
                ),
            )
        return ReferenceCheck(url, reachable=False, warnings=("The link redirects too often.",))

    async def fetch_preview(self, check: ReferenceCheck, folder: Path) -> Path | None:
        """A local copy of a checked, reachable reference (at most MAX_PREVIEW_BYTES), or
        None when there is none to make. Kept in `folder`, named after the link; a clip on
        this computer is its own copy."""
        path = local_path(check.url) if is_local_url(check.url) else None
        if path is not None:
            return path if check.reachable else None
        if not check.reachable or check.final_url is None:
            return None
        if check.size is not None and check.size > MAX_PREVIEW_BYTES:
            return None
        folder.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha256(check.url.encode()).hexdigest()[:32]
        target = folder / f"{name}{'.image' if is_image_link(check.url) else '.mp4'}"
        if target.exists():
            return target
        part = target.with_name(target.name + ".part")
        try:
            if await self._copy(check.final_url, part):
                os.replace(part, target)
                return target
        except (httpx.HTTPError, OSError):
            pass
        part.unlink(missing_ok=True)
        return None

    async def _copy(self, url: str, part: Path) -> bool:
        got = 0
        async with self._http.stream("GET", url) as response:
            if response.status_code != 200:
                return False
            with part.open("wb") as out:
                async for chunk in response.aiter_bytes():
                    got += len(chunk)
                    if got > MAX_PREVIEW_BYTES:
                        return False
                    out.write(chunk)
        return True

    async def _ask(self, url: str) -> httpx.Response:
        response = await self._http.head(url)
        if response.status_code in (403, 405, 501):
            # Some hosts refuse HEAD (signed S3/OSS links): ask for one byte instead. The
            # body is never read past that byte.
            async with self._http.stream("GET", url, headers={"Range": "bytes=0-0"}) as got:
                response = got
        return response

    async def _allowed(self, origin: str, target: str) -> bool:
        origin_host, target_host = urlsplit(origin).hostname, urlsplit(target).hostname
        if not origin_host or not target_host:
            return False
        if urlsplit(target).scheme.lower() not in ("http", "https"):
            return False
        return may_follow(await self._classify(origin_host), await self._classify(target_host))


def _refused(url: str, target: str) -> ReferenceCheck:
    host = urlsplit(target).hostname or "?"
    return ReferenceCheck(
        url,
        reachable=False,
        warnings=(
            f"The link redirects to a local or private address ({host[:80]}); Wan Studio "
            "does not follow it, and does not preview it.",
        ),
    )


def _judge(url: str, response: httpx.Response, final_url: str) -> ReferenceCheck:
    status = response.status_code
    content_type = (
        response.headers.get("content-type", "")[:100].split(";")[0].strip().lower() or None
    )
    size = _size(response)
    warnings = []
    if status >= 400:
        warnings.append(f"The link answered HTTP {status}; the service may not fetch it either.")
    if not serves_kind(content_type, is_image_link(url)):
        wanted = "a still image" if is_image_link(url) else "a video (mp4 or mov is needed)"
        warnings.append(f"The link serves {content_type}, not {wanted}.")
    if size is not None and size > LARGE_BYTES:
        megabytes = size / 1_048_576
        warnings.append(f"The clip is large ({megabytes:.0f} MB); the service may refuse it.")
    return ReferenceCheck(url, status < 400, status, content_type, size, tuple(warnings), final_url)


def _size(response: httpx.Response) -> int | None:
    content_range = response.headers.get("content-range", "")
    if "/" in content_range and content_range.rsplit("/", 1)[1].isdigit():
        return int(content_range.rsplit("/", 1)[1])
    length = response.headers.get("content-length", "")
    return int(length) if length.isdigit() and response.status_code == 200 else None

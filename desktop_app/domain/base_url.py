"""The one rule for the API's base URL: the key travels to it, so it is https://, except
on this computer itself; and the forms people copy (the provider's samples end in /v2,
some in /v1, with or without a trailing slash) all mean the same service."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from desktop_app.domain.errors import InvalidInputError

_VERSION_SUFFIX = re.compile(r"(/v[12])+/*$", re.IGNORECASE)


class InvalidBaseUrlError(InvalidInputError):
    """The base URL cannot be used: nothing is sent and nothing is journaled."""


@dataclass(frozen=True)
class BaseUrl:
    url: str
    """Scheme, host, port and any path prefix, with no trailing slash nor /v1, /v2."""
    note: str | None = None
    """What was taken off the address as given, to be said once; None: nothing."""


def parse_base_url(text: str, source: str = "The base URL") -> BaseUrl:
    """The base URL `text` names; InvalidBaseUrlError (naming `source`: the flag, the
    environment variable or the setting) when it cannot be used."""
    given = text.strip()
    problem = base_url_problem(given)
    if problem is None:
        problem = _form_problem(given)
    if problem is not None:
        raise InvalidBaseUrlError(f"{source}: {problem} (It is now {_shown(given)}.)")
    parts = urlsplit(given)
    path = _VERSION_SUFFIX.sub("", parts.path.rstrip("/")).rstrip("/")
    url = urlunsplit((parts.scheme.lower(), parts.netloc, path, "", ""))
    note = None
    if url != given:
        note = f"{source} {_shown(given)} is used as {url} (the app adds the /v1 and /v2 paths)."
    return BaseUrl(url, note)


def base_url_problem(url: str) -> str | None:
    """Why `url` cannot be the API's base URL (the key travels to it), or None."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return "The base URL is not a well-formed address."
    if not host or parts.scheme.lower() not in ("http", "https"):
        return "The base URL must be an https:// address, such as https://api.aimlapi.com."
    if parts.scheme.lower() == "http" and not is_loopback_host(host):
        return (
            "The base URL must start with https://: over plain http:// the API key would "
            "travel unencrypted. Only this computer (localhost, 127.0.0.1, ::1) may use http://."
        )
    return None


def _form_problem(url: str, name: str = "The base URL") -> str | None:
    """Why the address, though https://, cannot be a service's address (`name` says which):
    a part such an address never has, or a port that does not exist."""
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        return f"{name} may not hold a user name or password (keys are sent apart)."
    if parts.query or url.rstrip("/").endswith("?"):
        return f"{name} may not have a query (the part after ?)."
    if parts.fragment or "#" in url:
        return f"{name} may not have a fragment (the part after #)."
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port is not None and not 1 <= port <= 65535:
        return f"{name}'s port must be a number from 1 to 65535."
    return None


def endpoint_problem(url: str) -> str | None:
    """Why `url` cannot be the creator's storage endpoint (its keys sign every request to
    it, and its address is in every reference link sent to the video service), or None:
    the same rules as the base URL's."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return "The storage endpoint is not a well-formed address."
    secure = parts.scheme == "https" or (parts.scheme == "http" and is_loopback_host(host or ""))
    if not host or not secure:
        return (
            "The storage endpoint must be an https:// address; only this computer "
            "(localhost, 127.0.0.1, ::1) may use http://."
        )
    return _form_problem(url, "The storage endpoint")


def without_credentials(url: str) -> str:
    """`url` as it may be shown: a user name and password in it replaced by `***`."""
    try:
        parts = urlsplit(url)
        has_credentials = parts.username is not None or parts.password is not None
    except ValueError:
        return "(not a well-formed address)"
    if not has_credentials:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, f"***@{host}", parts.path, parts.query, parts.fragment))


def _shown(text: str) -> str:
    return text if len(text) <= 200 else text[:199] + "…"


def is_loopback_host(host: str) -> bool:
    """`host` is this computer (localhost, 127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

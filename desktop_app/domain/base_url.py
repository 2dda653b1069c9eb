"""The one rule for the API's base URL: the key travels to it, so it is https://, except
on this computer itself."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def base_url_problem(url: str) -> str | None:
    """Why `url` cannot be the API's base URL (the key travels to it), or None."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return "The base URL is not a well-formed address."
    if not host or parts.scheme.lower() not in ("http", "https"):
        return "The base URL must be an https:// address, such as https://api.aimlapi.com."
    if parts.scheme.lower() == "http" and not _is_loopback(host):
        return (
            "The base URL must start with https://: over plain http:// the API key would "
            "travel unencrypted. Only this computer (localhost, 127.0.0.1, ::1) may use http://."
        )
    return None


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

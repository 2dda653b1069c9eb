"""What checking a reference link found, before any key is used: pure data that the
probe fills and the window shows."""

from __future__ import annotations

from dataclasses import dataclass, field

VIDEO_TYPES = ("video/", "application/octet-stream", "binary/octet-stream")
"""Content types a reference clip may be served as."""


@dataclass(frozen=True)
class ReferenceCheck:
    url: str
    reachable: bool
    status: int | None = None
    content_type: str | None = None
    size: int | None = None
    warnings: tuple[str, ...] = field(default=())
    final_url: str | None = None
    """Where the link leads after the redirects that may be followed (None: nowhere safe)."""

"""What checking a reference link found, before any key is used: pure data that the
probe fills and the window shows."""

from __future__ import annotations

from dataclasses import dataclass, field

VIDEO_TYPES = ("video/", "application/octet-stream", "binary/octet-stream")
"""Content types a reference clip may be served as."""
IMAGE_TYPES = ("image/", "application/octet-stream", "binary/octet-stream")
"""Content types a still may be served as."""


def serves_kind(content_type: str | None, image: bool) -> bool:
    """A link serving `content_type` may be a clip (or, `image`, a still)."""
    return content_type is None or content_type.startswith(IMAGE_TYPES if image else VIDEO_TYPES)


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
    too_long_s: float | None = None
    """A clip on this computer that lasts this long, more than the service takes: a part of
    it can be cut (the trimmer)."""

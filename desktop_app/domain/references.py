"""What a creator gives as a reference: a link, or a clip on this computer. Known share
pages become their direct-download form; local clips are remembered with the object they
were uploaded as, so that a run again can sign a fresh link."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit


@dataclass(frozen=True)
class LocalReference:
    """A file from this computer (a reference clip, a still, the first frame), as it was
    sent."""

    slot: int
    """Its place in the request: 1 is character1."""
    path: str
    key: str
    """The object it was uploaded as (the prefix, its SHA-256, its extension)."""
    size: int
    expires_at: float
    """When the link that was sent stops working."""
    field: str = "video_urls"
    """Where in the request: a clip (video_urls), a still (image_urls), the first frame."""
    cut_from: str | None = None
    """For a part cut out of a longer clip: the creator's file it was cut from."""
    cut_span: tuple[float, float] | None = None
    """…and the part, in seconds of that file."""

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "slot": self.slot, "path": self.path, "key": self.key, "size": self.size,
            "expires_at": self.expires_at, "field": self.field,
        }  # fmt: skip
        if self.cut_from is not None and self.cut_span is not None:
            found |= {"cut_from": self.cut_from, "cut_span": list(self.cut_span)}
        return found

    @classmethod
    def from_json(cls, data: Any) -> LocalReference | None:
        try:
            span = data.get("cut_span")
            return cls(int(data["slot"]), str(data["path"]), str(data["key"]),
                       int(data["size"]), float(data["expires_at"]),
                       str(data.get("field", "video_urls")),
                       str(data["cut_from"]) if data.get("cut_from") else None,
                       (float(span[0]), float(span[1])) if span else None)  # fmt: skip
        except (KeyError, TypeError, ValueError):
            return None


IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")
"""The still images a model may take as characters or a first frame."""


def is_image_link(url: str) -> bool:
    """`url` (a link or a file) names a still image by its file name; anything else is
    taken for a clip. A file's bytes are checked later (storage.image_file)."""
    try:
        path = urlsplit(url.strip()).path
    except ValueError:
        return False
    return unquote(path).lower().endswith(IMAGE_SUFFIXES)


_PATH_START = re.compile(r"^(/|~|\.{1,2}/|[A-Za-z]:[\\/])")


def local_path(text: str) -> Path | None:
    """The file a reference names when it is on this computer (a path such as /…, ~/…,
    ./…, C:\\…, or a file:// URL); None for anything else."""
    given = text.strip()
    if given.lower().startswith("file://"):
        parts = urlsplit(given)
        if parts.netloc not in ("", "localhost"):
            return None
        return Path(unquote(parts.path))
    if _PATH_START.match(given):
        return Path(given).expanduser()
    return None


@dataclass(frozen=True)
class DirectLink:
    url: str
    note: str | None = None
    """Said to the creator when the link was changed to its direct form."""


_DRIVE_FILE = re.compile(r"^/file/d/([A-Za-z0-9_-]{10,200})(?:/|$)")


def direct_link(url: str) -> DirectLink:
    """The direct-download form of a known share page (Dropbox, Google Drive, GitHub,
    OneDrive); any other link as it is."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return DirectLink(url)
    host = (parts.hostname or "").lower()
    query = parse_qsl(parts.query, keep_blank_values=True)
    if host in ("www.dropbox.com", "dropbox.com"):
        kept = [(k, v) for k, v in query if k not in ("dl", "raw")]
        direct = urlunsplit(
            (parts.scheme, parts.netloc, parts.path, urlencode([*kept, ("dl", "1")]), "")
        )
        return _changed(url, direct, "Dropbox")
    if host == "drive.google.com" and (match := _DRIVE_FILE.match(parts.path)):
        direct = f"https://drive.google.com/uc?export=download&id={match.group(1)}"
        return _changed(url, direct, "Google Drive")
    if host == "github.com" and "/blob/" in parts.path:
        owner_repo, _, rest = parts.path.lstrip("/").partition("/blob/")
        direct = f"https://raw.githubusercontent.com/{owner_repo}/{rest}"
        return _changed(url, direct, "GitHub")
    if host in ("1drv.ms", "onedrive.live.com") and not any(k == "download" for k, _ in query):
        direct = urlunsplit(
            (parts.scheme, parts.netloc, parts.path, urlencode([*query, ("download", "1")]), "")
        )
        return _changed(url, direct, "OneDrive")
    return DirectLink(url)


def _changed(given: str, direct: str, service: str) -> DirectLink:
    if direct == given:
        return DirectLink(given)
    return DirectLink(direct, f"A {service} share page: its direct-download link is used.")

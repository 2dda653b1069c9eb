"""A clip's sidecar (.json beside it), dropped on the window: the request it records, to
use again. The file is outside text: bounded in size and never trusted to be well-formed."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QMimeData

from desktop_app.domain.request import GenerationRequest

MAX_SIDECAR_BYTES = 256 * 1024


def sidecar_of(mime: QMimeData) -> Path | None:
    """The sidecar a drop points at: a .json file, or the .json beside a dropped clip."""
    for url in mime.urls():
        if not url.isLocalFile():
            continue
        path = Path(url.toLocalFile())
        if path.suffix.lower() == ".json":
            return path
        if path.suffix.lower() in (".mp4", ".mov") and path.with_suffix(".json").exists():
            return path.with_suffix(".json")
    return None


def read_sidecar_request(path: Path) -> GenerationRequest | None:
    """The request a sidecar records; None when the file is not a usable sidecar."""
    try:
        if path.stat().st_size > MAX_SIDECAR_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        # As made: the creator's own files, where the request holds links that expire.
        request = GenerationRequest.from_json(data.get("request_as_made") or data["request"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    return request

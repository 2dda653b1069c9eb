"""Self-describing generation ids and signed CDN links, so the simulator answers for a
generation after a restart with nothing stored: the id carries what it needs, signed."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import zlib
from dataclasses import astuple, dataclass
from typing import Any

from desktop_app.domain.models import WAN_26

SECRET = b"wan-studio-simulator"


@dataclass(frozen=True)
class GenerationRecord:
    created: float
    queued_seconds: float
    generating_seconds: float
    duration: int
    resolution: str
    failure: str | None = None
    """A failure message: the generation ends in `error` with it."""
    model: str = WAN_26.id
    aspect_ratio: str = "16:9"
    """Last: ids made before it was recorded decode with the default."""


def _sign(data: bytes) -> str:
    return hmac.new(SECRET, data, hashlib.sha256).hexdigest()[:12]


def encode_id(record: GenerationRecord) -> str:
    """A short id (well under the 256 characters a client accepts): the record's fields as
    a compressed JSON array, and a signature."""
    payload = zlib.compress(json.dumps(astuple(record), separators=(",", ":")).encode(), 9)
    text = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{text}.{_sign(payload)}"


def decode_id(generation_id: str) -> GenerationRecord | None:
    text, _, signature = generation_id.partition(".")
    try:
        payload = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        if not hmac.compare_digest(_sign(payload), signature):
            return None
        fields: list[Any] = json.loads(zlib.decompress(payload))
        return GenerationRecord(*fields)
    except (ValueError, TypeError, zlib.error):
        return None


def link_signature(generation_id: str, expires: int) -> str:
    return _sign(f"{generation_id}:{expires}".encode())

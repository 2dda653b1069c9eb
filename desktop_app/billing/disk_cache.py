"""A small JSON answer kept on disk with its ETag and when it was last checked, so a
conditional GET can revalidate it and the app can use it offline."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CachedAnswer:
    body: Any
    etag: str | None
    checked_at: float


def load(path: Path) -> CachedAnswer | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return CachedAnswer(raw["body"], raw.get("etag"), float(raw["checked_at"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("cache %s unreadable (%s); fetching it again", path, error)
        return None


def save(path: Path, answer: CachedAnswer) -> None:
    """Write atomically (a temporary file, fsync, rename): never a half-written cache."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    data = {"body": answer.body, "etag": answer.etag, "checked_at": answer.checked_at}
    with tmp.open("w", encoding="utf-8") as f:
        json.dump(data, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)

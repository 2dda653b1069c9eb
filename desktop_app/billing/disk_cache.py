"""A small JSON answer kept on disk with its ETag and when it was last checked, so a
conditional GET can revalidate it and the app can use it offline."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.files import open_regular, private_dir, write_atomically

MAX_CACHE_BYTES = 4 << 20

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CachedAnswer:
    body: Any
    etag: str | None
    checked_at: float

    def fresh(self, now: float, max_age: float) -> bool:
        """Checked less than `max_age` seconds ago; a date in the future is not fresh (a
        clock set back, or a file written by hand, must not stop revalidation for ever)."""
        return 0 <= now - self.checked_at < max_age


def load(path: Path) -> CachedAnswer | None:
    try:
        with open_regular(path) as file:
            raw = json.loads(file.read(MAX_CACHE_BYTES).decode("utf-8"))
        return CachedAnswer(raw["body"], raw.get("etag"), float(raw["checked_at"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("cache %s unreadable (%s); fetching it again", path, error)
        return None


def save(path: Path, answer: CachedAnswer) -> None:
    """Write atomically (a temporary file, fsync, rename): never a half-written cache. A
    cache that cannot be written is said in the log; the answer is still used."""
    data = {"body": answer.body, "etag": answer.etag, "checked_at": answer.checked_at}
    try:
        private_dir(path.parent)
        write_atomically(path, json.dumps(data).encode())
    except OSError as error:
        log.warning("cache %s not written (%s)", path, error)

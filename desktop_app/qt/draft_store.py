"""DraftStore: the composer's work in progress (references, prompts, every parameter), kept
in a small private file so a restart, a crash or a closed window loses nothing."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from desktop_app.files import open_regular, private_dir, write_atomically

log = logging.getLogger(__name__)

MAX_DRAFT_BYTES = 256 * 1024


class DraftStore:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, Any] | None:
        """The saved draft, or None when there is none or it cannot be read."""
        try:
            with open_regular(self.path) as file:  # never a FIFO left there
                text = file.read(MAX_DRAFT_BYTES + 1)
            if len(text) > MAX_DRAFT_BYTES:
                return None
            data = json.loads(text.decode("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            log.warning("draft %s unreadable (%s); starting empty", self.path, error)
            return None
        return data if isinstance(data, dict) else None

    def save(self, draft: dict[str, Any]) -> None:
        try:
            private_dir(self.path.parent)
            write_atomically(self.path, json.dumps(draft).encode())
        except OSError as error:
            log.warning("draft not saved (%s)", error)

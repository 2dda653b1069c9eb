"""User settings with declared defaults, kept as JSON in the config folder.

The command line and the window read the same file; unknown or malformed values fall back
to their defaults instead of stopping the app.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from desktop_app.files import private_dir, write_atomically

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.aimlapi.com"


@dataclass(frozen=True)
class Settings:
    base_url: str = DEFAULT_BASE_URL
    poll_interval: float = 15.0
    library: str = ""
    """Folder for saved clips; empty means the default one for this home."""
    daily_spend_limit_usd: float = 0.0
    """No submission may take today's spending past this (USD); 0 turns it off."""
    confirm_above_usd: float = 5.0
    """Ask before a Generate that costs more than this (USD); 0 asks every time."""

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)


class SettingsFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> Settings:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Settings()
        except (OSError, ValueError) as error:
            log.warning("settings file %s unreadable (%s); using defaults", self.path, error)
            return Settings()
        defaults = Settings()
        values: dict[str, Any] = {}
        for f in fields(Settings):
            value = raw.get(f.name) if isinstance(raw, dict) else None
            default = getattr(defaults, f.name)
            if isinstance(value, type(default)) or (
                isinstance(default, float)
                and isinstance(value, int)
                and not isinstance(value, bool)
            ):
                values[f.name] = type(default)(value)
        return Settings(**values)

    def save(self, settings: Settings) -> None:
        """Write atomically (temporary file, fsync, rename), readable by the user only."""
        private_dir(self.path.parent)
        write_atomically(self.path, json.dumps(asdict(settings), indent=2).encode())

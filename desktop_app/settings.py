"""User settings with declared defaults, kept as JSON in the config folder.

The command line and the window read the same file. A value that is not of its setting's
kind falls back to the default with a warning, except the money settings: a daily limit
or a confirmation threshold that cannot be read must never mean "no limit", so they are
checked on their own (`SettingsFile.money`) and a problem with them, or with the file
itself, stops every submission with a sentence naming the file and the key.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from desktop_app.domain.course import DEFAULT_POLL_INTERVAL
from desktop_app.domain.errors import InvalidInputError
from desktop_app.files import open_regular, private_dir, write_atomically

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.aimlapi.com"
MAX_SETTINGS_BYTES = 1_000_000
MONEY_KEYS = ("daily_spend_limit_usd", "confirm_above_usd")


@dataclass(frozen=True)
class Settings:
    base_url: str = DEFAULT_BASE_URL
    poll_interval: float = DEFAULT_POLL_INTERVAL
    library: str = ""
    """Folder for saved clips; empty means the default one for this home."""
    daily_spend_limit_usd: float = 0.0
    """No submission may take today's spending past this (USD); 0 turns it off."""
    confirm_above_usd: float = 5.0
    """Ask before a Generate that costs more than this (USD); 0 asks every time."""
    storage_endpoint: str = ""
    """The S3-compatible endpoint local clips are uploaded to; empty: no storage."""
    storage_bucket: str = ""
    storage_region: str = "us-east-1"
    storage_prefix: str = "wan-studio/"
    storage_link_hours: int = 24
    """How long a link to an uploaded clip works (1 to 168 hours)."""

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)


class SettingsError(InvalidInputError):
    """The settings file, or one of its money settings, cannot be trusted: nothing is sent.
    `key` names the setting at fault (None: the file as a whole)."""

    def __init__(self, message: str, key: str | None) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class SettingsProblem:
    key: str | None
    """The setting at fault; None when the file itself cannot be read."""
    what: str


class SettingsFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> Settings:
        """The settings, every value that cannot be used replaced by its default."""
        return self.read()[0]

    def money(self) -> Settings:
        """The settings, or SettingsError when the file or a money setting is at fault."""
        settings, problems = self.read()
        for problem in problems:
            if problem.key is None or problem.key in MONEY_KEYS:
                raise SettingsError(self._sentence(problem), problem.key)
        return settings

    def _sentence(self, problem: SettingsProblem) -> str:
        if problem.key is None:
            return (
                f"Nothing was sent: the settings file {self.path} {problem.what}, so your "
                "daily spending limit is not known. Fix or remove the file (Settings "
                "writes a new one)."
            )
        return (
            f"Nothing was sent: the setting {problem.key} in {self.path} {problem.what}. It "
            "must be a number of dollars, 0 or more (0 turns it off). Fix it in Settings or "
            "in the file."
        )

    def read(self) -> tuple[Settings, list[SettingsProblem]]:
        """The settings, and what could not be used (each value at fault is its default)."""
        raw, problem = self._raw()
        if problem is not None:
            log.warning("settings file %s %s; using the defaults", self.path, problem.what)
            return Settings(), [problem]
        defaults = Settings()
        values: dict[str, Any] = {}
        problems = []
        for f in fields(Settings):
            if f.name not in raw:
                continue
            value = raw[f.name]
            usable = _usable(value, getattr(defaults, f.name), money=f.name in MONEY_KEYS)
            if usable is not None:
                values[f.name] = usable
            elif f.name in MONEY_KEYS:
                problems.append(SettingsProblem(f.name, f"is {_shown(value)}"))
            else:
                log.warning("setting %s is %s; using its default", f.name, _shown(value))
        return Settings(**values), problems

    def _raw(self) -> tuple[dict[str, Any], SettingsProblem | None]:
        try:
            with open_regular(self.path) as file:
                data = file.read(MAX_SETTINGS_BYTES + 1)
        except FileNotFoundError:
            if self.path.is_symlink():  # a link to nowhere: the limit must not quietly go
                return {}, SettingsProblem(None, "is a link to a file that does not exist")
            return {}, None
        except OSError as error:
            return {}, SettingsProblem(None, f"cannot be read ({error.strerror or error})")
        if len(data) > MAX_SETTINGS_BYTES:
            return {}, SettingsProblem(None, "is larger than 1 MB")
        try:
            raw = json.loads(data.decode("utf-8"))
        except UnicodeDecodeError:
            return {}, SettingsProblem(None, "is not UTF-8 text")
        except RecursionError:
            return {}, SettingsProblem(None, "is nested too deeply to read")
        except ValueError as error:
            return {}, SettingsProblem(None, f"is not valid JSON ({str(error)[:80]})")
        if not isinstance(raw, dict):
            return {}, SettingsProblem(None, "does not hold a JSON object")
        return raw, None

    def save(self, settings: Settings) -> None:
        """Write atomically (temporary file, fsync, rename), readable by the user only."""
        private_dir(self.path.parent)
        write_atomically(self.path, json.dumps(asdict(settings), indent=2).encode())


def _usable(value: object, default: object, *, money: bool) -> Any:
    """`value` as its setting's kind (that of `default`), or None when it is not one:
    money is dollars, 0 or more; other numbers are above 0; whole numbers are 1 to 168
    (hours); text is text."""
    if money:
        return _money(value)
    if isinstance(default, float):
        number = _number(value)
        return number if number is not None and number > 0 else None
    if isinstance(default, int):
        whole = isinstance(value, int) and not isinstance(value, bool)
        return value if whole and 1 <= value <= 168 else None  # type: ignore[operator]
    return value if isinstance(value, type(default)) else None


def _number(value: object) -> float | None:
    """A finite number (never a bool, a string or a number too large for a float)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _money(value: object) -> float | None:
    """A money setting's value: a finite number of dollars, 0 or more; else None."""
    amount = _number(value)
    return amount if amount is not None and amount >= 0 else None


def _shown(value: object) -> str:
    """A value as found, short and on one line (it may be anything)."""
    try:
        text = json.dumps(value, allow_nan=True)
    except (ValueError, RecursionError, TypeError, OverflowError):
        text = type(value).__name__
    return text if len(text) <= 40 else text[:39] + "…"

"""Every folder Wan Studio writes, from one place, all redirectable by `--home`.

With a home folder (`--home DIR` or WAN_STUDIO_HOME) everything lives inside it. Without
one, the platform's usual places are used (XDG on Linux).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

HOME_ENV = "WAN_STUDIO_HOME"
_FOLDER = "wan-studio"


@dataclass(frozen=True)
class AppPaths:
    data: Path
    config: Path
    logs: Path
    default_library: Path

    @property
    def journal(self) -> Path:
        return self.data / "journal.sqlite3"

    @property
    def cache(self) -> Path:
        """Answers kept to be revalidated (price catalogue, deprecation feed)."""
        return self.data / "cache"

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.json"

    @property
    def log_file(self) -> Path:
        return self.logs / "wan-studio.log"

    @property
    def stuck_window_file(self) -> Path:
        """Where the stacks of a window that stopped answering are written."""
        return self.logs / "stuck-window.txt"

    def demo(self) -> AppPaths:
        """Demo mode keeps its jobs and clips apart from real ones."""
        return AppPaths(
            data=self.data / "demo",
            config=self.config,
            logs=self.logs,
            default_library=self.data / "demo" / "library",
        )

    @classmethod
    def under(cls, home: Path) -> AppPaths:
        home = home.expanduser().resolve()
        return cls(data=home, config=home, logs=home / "logs", default_library=home / "library")

    @classmethod
    def resolve(cls, home: str | None, environ: Mapping[str, str]) -> AppPaths:
        """`--home` wins, then WAN_STUDIO_HOME, then the platform's folders."""
        chosen = home or environ.get(HOME_ENV)
        if chosen:
            return cls.under(Path(chosen))
        return cls.platform_default(environ)

    @classmethod
    def platform_default(cls, environ: Mapping[str, str]) -> AppPaths:
        user_home = Path.home()
        if sys.platform == "win32":
            base = Path(environ.get("LOCALAPPDATA", user_home / "AppData" / "Local")) / "Wan Studio"
            return cls(base, base, base / "logs", user_home / "Videos" / "Wan Studio")
        if sys.platform == "darwin":
            base = user_home / "Library" / "Application Support" / "Wan Studio"
            logs = user_home / "Library" / "Logs" / "Wan Studio"
            return cls(base, base, logs, user_home / "Movies" / "Wan Studio")

        def xdg(name: str, fallback: str) -> Path:
            value = environ.get(name)
            return Path(value) if value and os.path.isabs(value) else user_home / fallback

        return cls(
            data=xdg("XDG_DATA_HOME", ".local/share") / _FOLDER,
            config=xdg("XDG_CONFIG_HOME", ".config") / _FOLDER,
            logs=xdg("XDG_STATE_HOME", ".local/state") / _FOLDER / "logs",
            default_library=user_home / "Videos" / "Wan Studio",
        )

"""WindowBasics: what the window's first frame needs, and nothing of the engine."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings

from desktop_app.paths import AppPaths
from desktop_app.qt.draft_store import DraftStore
from desktop_app.qt.media_objects import MediaObjects


@dataclass(frozen=True)
class WindowBasics:
    """What the first frame needs: where the draft and the window's state are kept, the
    folders it names, and the maker of its media players. Nothing here touches the network,
    the keyring or the journal."""

    draft: DraftStore
    window_state: QSettings
    library: Path
    thumbnails: Path
    logs: Path
    frames: Path
    """Where frames taken from clips are kept as PNG files (content-addressed)."""
    cuts: Path
    """Where parts cut out of long clips are kept (content-addressed)."""
    media: MediaObjects
    demo: bool = False

    @classmethod
    def at(cls, paths: AppPaths, *, demo: bool) -> WindowBasics:
        """The basics of the window over `paths` (already the demo's in demo mode)."""
        return cls(
            draft=DraftStore(paths.data / "draft.json"),
            window_state=QSettings(str(paths.config / "window.ini"), QSettings.Format.IniFormat),
            library=paths.default_library,
            thumbnails=paths.data / "thumbnails",
            logs=paths.logs,
            frames=paths.cache / "frames",
            cuts=paths.cache / "cuts",
            media=MediaObjects(),
            demo=demo,
        )

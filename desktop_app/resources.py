"""Finds the files in the project's `resources/` folder: beside the package in a source
checkout or editable install, or inside a PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(name: str) -> Path:
    path = resource_dir() / name
    if not path.exists():
        raise FileNotFoundError(f"Wan Studio resource missing: {path}")
    return path


def app_icon() -> Path | None:
    """The app's icon (named by its app id), when the resources have it."""
    from desktop_app.meta import APP_ID

    icon = resource_dir() / "icons" / f"{APP_ID}.svg"
    return icon if icon.exists() else None

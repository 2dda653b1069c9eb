"""One identity everywhere: the desktop file, the metainfo and the app agree with
desktop_app/meta.py; the window refuses clearly when there is no display."""

from __future__ import annotations

import configparser
import importlib.metadata
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from desktop_app.meta import APP_ID, APP_NAME, COMMAND, DIST_NAME, VERSION

LINUX = Path(__file__).parents[1] / "packaging" / "linux"


def test_desktop_file_and_metainfo_match_the_app() -> None:
    desktop = configparser.ConfigParser(interpolation=None)
    desktop.optionxform = str  # type: ignore[assignment,method-assign]
    desktop.read(LINUX / f"{APP_ID}.desktop")
    entry = desktop["Desktop Entry"]
    assert entry["Name"] == APP_NAME
    assert entry["Icon"] == APP_ID
    assert entry["Exec"].split()[0] == COMMAND
    info = ET.parse(LINUX / f"{APP_ID}.metainfo.xml").getroot()
    assert info.findtext("id") == APP_ID
    assert info.findtext("name") == APP_NAME
    assert info.find("launchable").text == f"{APP_ID}.desktop"  # type: ignore[union-attr]
    newest = info.find("releases/release")
    assert newest is not None and newest.get("version") == VERSION


def test_version_flag_reports_the_package_version() -> None:
    """meta.py holds the version; the installed package's metadata is built from it."""
    out = subprocess.run(
        [sys.executable, "-m", "desktop_app", "--version"], capture_output=True, text=True
    )
    assert out.stdout.strip() == f"{APP_NAME} {VERSION}"
    assert importlib.metadata.version(DIST_NAME) == VERSION


def test_no_display_is_said_plainly(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    out = subprocess.run(
        [sys.executable, "-m", "desktop_app", "--home", str(tmp_path)],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert out.returncode == 1
    assert "no display" in out.stderr
    assert "Traceback" not in out.stderr


def test_smoke_flag_opens_the_window_and_loads_the_player(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "QT_LOGGING_RULES": "qt.multimedia.*=false",
    }
    out = subprocess.run(
        [sys.executable, "-m", "desktop_app", "--home", str(tmp_path), "--smoke"],
        env=env, capture_output=True, text=True, timeout=90,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "player loaded the demo clip" in out.stdout

"""No thread of Qt Multimedia's can wait on Python (issue #25, qt/media_objects.py): no
module of the app subclasses a Qt Multimedia class, and none constructs a Qt Multimedia
object (a player, an audio output, a sink) from Python; Qt's QML engine makes them. A
structural test: the stress test (tests/ui/test_media_stress.py) shows the behaviour."""

from __future__ import annotations

import ast
from pathlib import Path

from PySide6 import QtMultimedia
from PySide6.QtCore import QObject

PACKAGE = Path(__file__).parents[1] / "desktop_app"
MULTIMEDIA = ("PySide6.QtMultimedia", "PySide6.QtMultimediaWidgets")
QT_MADE = {
    name
    for name in dir(QtMultimedia)
    if isinstance(getattr(QtMultimedia, name), type)
    and issubclass(getattr(QtMultimedia, name), QObject)
}
"""The Qt Multimedia objects that the media threads use: made by Qt only."""


def multimedia_names(tree: ast.Module) -> set[str]:
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module in MULTIMEDIA
        for alias in node.names
    }


def offences(source: str) -> list[str]:
    tree = ast.parse(source)
    names = multimedia_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            found += [
                f"class {node.name}({base.id})"
                for base in node.bases
                if isinstance(base, ast.Name) and base.id in names
            ]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in names & QT_MADE
        ):
            found.append(f"{node.func.id}(...) at line {node.lineno}")
    return found


def test_no_module_makes_or_subclasses_a_multimedia_object() -> None:
    found = {
        str(path.relative_to(PACKAGE)): bad
        for path in sorted(PACKAGE.rglob("*.py"))
        if (bad := offences(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_the_rule_sees_what_release_0_3_did() -> None:
    """What the app had before #25 is found (so the test above can fail)."""
    old = (
        "from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer, QVideoSink\n"
        "from PySide6.QtMultimediaWidgets import QVideoWidget\n"
        "class VideoSurface(QVideoWidget): ...\n"
        "player = QMediaPlayer(None)\naudio = QAudioOutput(None)\nsink = QVideoSink(None)\n"
        "widget = QVideoWidget()\n"
    )
    assert offences(old) == [
        "class VideoSurface(QVideoWidget)",
        "QMediaPlayer(...) at line 4",
        "QAudioOutput(...) at line 5",
        "QVideoSink(...) at line 6",
    ]

"""Calls to a media player that may wait for its decoder threads (setting a source,
stopping) are made from Qt's own loop, never straight from Python.

PySide keeps the interpreter lock during a C++ call. A stop called from Python therefore
waits for the decoder while holding the lock, and the decoder may need the lock to hand a
signal to Python: a deadlock that froze the window, seen under load. Queued, the call runs
when the loop is back in Qt, which has given the lock up."""

from __future__ import annotations

from PySide6.QtCore import Q_ARG, QMetaObject, Qt, QUrl
from PySide6.QtMultimedia import QMediaPlayer

_QUEUED = Qt.ConnectionType.QueuedConnection


def load_later(player: QMediaPlayer, source: QUrl) -> None:
    QMetaObject.invokeMethod(player, "setSource", _QUEUED, Q_ARG(QUrl, source))


def play_later(player: QMediaPlayer) -> None:
    QMetaObject.invokeMethod(player, "play", _QUEUED)


def pause_later(player: QMediaPlayer) -> None:
    QMetaObject.invokeMethod(player, "pause", _QUEUED)


def stop_later(player: QMediaPlayer) -> None:
    QMetaObject.invokeMethod(player, "stop", _QUEUED)


def unload_later(player: QMediaPlayer) -> None:
    """Stop and forget the source."""
    stop_later(player)
    load_later(player, QUrl())

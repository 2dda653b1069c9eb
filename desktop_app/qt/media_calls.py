"""Calls to a media player: loading, playing and pausing from Qt's own loop, and closing
a player for good.

Loading, playing and pausing are queued: they run when the loop is back in Qt, so a
callback that asks for them returns at once. Closing is direct on purpose: the players are
Qt's own objects (`media_objects`), so none of their threads ever waits on Python, and
deleting a player there and then joins its decoder, demuxer and audio threads before the
next widget or player is made (issue #25)."""

from __future__ import annotations

from PySide6.QtCore import Q_ARG, QCoreApplication, QEvent, QMetaObject, Qt, QUrl
from PySide6.QtMultimedia import QMediaPlayer
from shiboken6 import Shiboken

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


def close_player(player: QMediaPlayer) -> None:
    """Stop `player` and delete it (with its audio output) now. Qt Multimedia's threads of
    it have ended when this returns; `player` must not be used again."""
    if not Shiboken.isValid(player):
        return
    player.stop()
    player.setSource(QUrl())
    player.deleteLater()  # Qt's own deletion: Python's wrapper learns of it
    QCoreApplication.sendPostedEvents(player, QEvent.Type.DeferredDelete)

"""FrameGrabber: opens a local clip with Qt's media backend, and reports its duration,
frame size and one frame as a thumbnail. One clip at a time, queued.

The frame is read from the GUI thread (a short timer while a clip opens), never by a
Python slot on the sink's frame signal: that signal comes from the decoder's thread, and a
Python slot there waits for the interpreter lock that the GUI thread holds while it stops
the player: a deadlock."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from PySide6.QtCore import QObject, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QMediaPlayer

from desktop_app.qt.media_calls import close_player, load_later, play_later, unload_later
from desktop_app.qt.media_objects import MediaObjects

GIVE_UP_MS = 20_000
LOOK_EVERY_MS = 40


@dataclass(frozen=True)
class ClipFacts:
    url: str
    duration_s: float
    size: QSize
    thumbnail: QImage


class FrameGrabber(QObject):
    grabbed = Signal(object)
    """ClipFacts for a clip that opened."""
    failed = Signal(str, str)
    """(url, reason) for one that did not."""

    def __init__(self, media: MediaObjects, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: deque[str] = deque()
        self._current: str | None = None
        self._closed = False
        self._player = media.silent_player(self)
        self._sink = media.video_sink(self)
        self._player.setVideoSink(self._sink)
        self._player.errorOccurred.connect(self._on_player_error_occurred)
        self._look = QTimer(self)
        self._look.setInterval(LOOK_EVERY_MS)
        self._look.timeout.connect(self._on_look_timeout)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(GIVE_UP_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    def grab(self, url: str) -> None:
        if self._closed:
            return
        if url != self._current and url not in self._queue:
            self._queue.append(url)
        self._next()

    def close(self) -> None:
        """Forget the queue and end the player, its threads with it (the window's quit)."""
        self._closed = True
        self._queue.clear()
        self._timer.stop()
        self._look.stop()
        self._current = None
        close_player(self._player)

    def cancel_current(self) -> None:
        self._timer.stop()
        self._look.stop()
        unload_later(self._player)
        self._current = None

    def _next(self) -> None:
        if self._closed or self._current is not None or not self._queue:
            return
        self._current = self._queue.popleft()
        qurl = QUrl.fromUserInput(self._current)
        load_later(self._player, qurl)
        self._timer.start()
        self._look.start()
        play_later(self._player)

    def _finish(self) -> None:
        self.cancel_current()
        QTimer.singleShot(0, self._next)

    def _on_look_timeout(self) -> None:
        frame = self._sink.videoFrame()
        if self._current is None or not frame.isValid():
            return
        image = frame.toImage()
        if image.isNull():
            return
        facts = ClipFacts(
            url=self._current,
            duration_s=self._player.duration() / 1000,
            size=frame.size(),
            thumbnail=image.scaled(
                QSize(320, 180),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            ),
        )
        self._finish()
        self.grabbed.emit(facts)

    def _on_player_error_occurred(self, _error: QMediaPlayer.Error, message: str) -> None:
        if self._current is not None:
            url = self._current
            self._finish()
            self.failed.emit(url, message or "The clip could not be opened.")

    def _on_timer_timeout(self) -> None:
        if self._current is not None:
            url = self._current
            self._finish()
            self.failed.emit(url, "The clip did not open in time.")

"""LastFrameReader: the last frame of a local clip, whole (not a thumbnail), for
"Continue from last frame". It opens the clip paused in a silent player of its own, seeks
to its end and reads the picture shown there.

As with FrameGrabber, the picture is read from the GUI thread on a short timer, never by a
Python slot on the sink's frame signal (that signal comes from the decoder's thread)."""

from __future__ import annotations

from collections import deque

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtMultimedia import QMediaPlayer

from desktop_app.qt.media_calls import close_player, load_later, pause_later, unload_later
from desktop_app.qt.media_objects import MediaObjects

GIVE_UP_MS = 20_000
LOOK_EVERY_MS = 40
END_MARGIN_MS = 1
"""Where the seek goes: this far before the end (a seek to the end itself shows nothing)."""
LAST_FRAME_WITHIN_MS = 100
"""A frame starting this close to the end is the last one (a frame lasts 33-42 ms)."""


class LastFrameReader(QObject):
    read = Signal(str, object)
    """(path, QImage) of a clip whose last frame was read."""
    failed = Signal(str, str)
    """(path, reason)."""

    def __init__(self, media: MediaObjects, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: deque[str] = deque()
        self._current: str | None = None
        self._seeked = False
        self._player = media.silent_player(self)
        self._sink = media.video_sink(self)
        self._player.setVideoSink(self._sink)
        self._player.errorOccurred.connect(self._on_player_error_occurred)
        self._look = QTimer(self)
        self._look.setInterval(LOOK_EVERY_MS)
        self._look.timeout.connect(self._on_look_timeout)
        self._give_up = QTimer(self)
        self._give_up.setSingleShot(True)
        self._give_up.setInterval(GIVE_UP_MS)
        self._give_up.timeout.connect(lambda: self._fail("The clip did not open in time."))

    def read_last(self, path: str) -> None:
        if path != self._current and path not in self._queue:
            self._queue.append(path)
        self._next()

    def close(self) -> None:
        self._queue.clear()
        self._stop()
        close_player(self._player)

    def _next(self) -> None:
        if self._current is not None or not self._queue:
            return
        self._current = self._queue.popleft()
        self._seeked = False
        load_later(self._player, QUrl.fromLocalFile(self._current))
        pause_later(self._player)
        self._give_up.start()
        self._look.start()

    def _on_look_timeout(self) -> None:
        duration = self._player.duration()
        if self._current is None or duration <= 0:
            return
        if not self._seeked:
            self._seeked = True
            self._player.setPosition(max(0, duration - END_MARGIN_MS))
            return
        frame = self._sink.videoFrame()
        if not frame.isValid() or frame.startTime() < 0:
            return
        if frame.startTime() // 1000 < duration - LAST_FRAME_WITHIN_MS:
            return  # still the first frame, before the seek showed
        image = frame.toImage()
        if image.isNull():
            return
        path = self._current
        self._stop()
        self.read.emit(path, image)
        QTimer.singleShot(0, self._next)

    def _fail(self, reason: str) -> None:
        path = self._current
        if path is None:
            return
        self._stop()
        self.failed.emit(path, reason)
        QTimer.singleShot(0, self._next)

    def _on_player_error_occurred(self, _error: QMediaPlayer.Error, message: str) -> None:
        self._fail(message or "The clip could not be opened.")

    def _stop(self) -> None:
        self._look.stop()
        self._give_up.stop()
        self._current = None
        unload_later(self._player)

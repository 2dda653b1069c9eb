"""The picture of a clip: a plain `QVideoWidget` with `VideoGestures` watching it. A double
click asks for fullscreen, a mouse move is reported (fullscreen shows its controls on it),
and a drag takes the clip's file out to a file manager or a video editor.

No Python subclass of a Qt Multimedia class (issue #25): the gestures are an event filter
on the GUI thread, and the widget stays Qt's own."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QDrag, QMouseEvent
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import QApplication, QWidget

from desktop_app.qt.clip_files import clip_mime

FileOfClip = Callable[[], Path | None]


class VideoGestures(QObject):
    """What a person's mouse does on a video widget, owned by that widget."""

    double_clicked = Signal()
    mouse_moved = Signal()

    def __init__(self, video: QVideoWidget, file_of_clip: FileOfClip) -> None:
        super().__init__(video)
        self._video = video
        self._file_of_clip = file_of_clip
        self._pressed_at: QPoint | None = None
        # The picture is drawn in a child window: it must report moves without a button.
        for part in (video, *video.findChildren(QWidget)):
            part.setMouseTracking(True)
            part.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(event, QMouseEvent):
            return False
        kind = event.type()
        left = event.button() == Qt.MouseButton.LeftButton
        if kind == QEvent.Type.MouseButtonDblClick and left:
            self._pressed_at = None
            self.double_clicked.emit()
            return True
        if kind == QEvent.Type.MouseButtonPress and left:
            self._pressed_at = event.position().toPoint()
        elif kind == QEvent.Type.MouseButtonRelease:
            self._pressed_at = None
        elif kind == QEvent.Type.MouseMove:
            self.mouse_moved.emit()
            start = self._pressed_at
            if (
                start is not None
                and event.buttons() & Qt.MouseButton.LeftButton
                and (event.position().toPoint() - start).manhattanLength()
                >= QApplication.startDragDistance()
            ):
                self._pressed_at = None
                self.drag_clip()
        return False

    def drag_clip(self) -> Qt.DropAction:
        """Drag the clip's file out (a clip on this computer only; links stay in)."""
        path = self._file_of_clip()
        if path is None:
            return Qt.DropAction.IgnoreAction
        drag = QDrag(self._video)
        drag.setMimeData(clip_mime([path]))
        return drag.exec(Qt.DropAction.CopyAction)


def video_surface(file_of_clip: FileOfClip, parent: QWidget) -> tuple[QVideoWidget, VideoGestures]:
    """A video widget named for assistive tools, with its gestures."""
    video = QVideoWidget(parent)
    video.setAccessibleName("Video")
    return video, VideoGestures(video, file_of_clip)

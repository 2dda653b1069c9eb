"""VideoSurface: where a clip is shown. A double click asks for fullscreen, a mouse move
is reported (fullscreen shows its controls on it), and a drag takes the clip's file out to
a file manager or a video editor."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QDrag, QMouseEvent
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import QApplication, QWidget

from desktop_app.models.clip_files import clip_mime

FileOfClip = Callable[[], Path | None]


class VideoSurface(QVideoWidget):
    double_clicked = Signal()
    mouse_moved = Signal()

    def __init__(self, file_of_clip: FileOfClip, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._file_of_clip = file_of_clip
        self._pressed_at: QPoint | None = None
        # The picture is drawn in a child window: it must report moves without a button.
        for part in (self, *self.findChildren(QWidget)):
            part.setMouseTracking(True)
        self.setAccessibleName("Video")

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._pressed_at = None
            self.double_clicked.emit()
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._pressed_at = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._pressed_at = None
        super().mouseReleaseEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
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
        super().mouseMoveEvent(event)

    def drag_clip(self) -> Qt.DropAction:
        """Drag the clip's file out (a clip on this computer only; links stay in)."""
        path = self._file_of_clip()
        if path is None:
            return Qt.DropAction.IgnoreAction
        drag = QDrag(self)
        drag.setMimeData(clip_mime([path]))
        return drag.exec(Qt.DropAction.CopyAction)

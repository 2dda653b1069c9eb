"""FullscreenView: the clip alone on the screen, in a window of its own (a child widget
made fullscreen in place came up as a small picture in a corner about half the time).

The player's keys work here too (Space, comma, period, the arrows, F and F11; Esc leaves),
and the controls show when the mouse moves, then hide with the pointer after a moment."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from desktop_app.meta import APP_NAME
from desktop_app.ui.media_time import time_readout
from desktop_app.ui.video_surface import FileOfClip, video_surface

HIDE_CONTROLS_MS = 2500
ARROW_MS = 1000


class FullscreenView(QWidget):
    leave_requested = Signal()

    def __init__(
        self,
        player: QMediaPlayer,
        file_of_clip: FileOfClip,
        *,
        toggle_play: Callable[[], None],
        step: Callable[[int], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)  # a window of its own, owned by parent
        self.setWindowTitle(f"{APP_NAME} — fullscreen")
        self.setAccessibleName("Fullscreen player")
        self.setStyleSheet("background:black")
        self._player = player
        self.video, self.gestures = video_surface(file_of_clip, self)
        self.gestures.double_clicked.connect(self.leave_requested.emit)
        self.gestures.mouse_moved.connect(self.show_controls)
        self.controls = QWidget(self)
        self.controls.setStyleSheet("background:#202020;color:white")
        self.play_button = QToolButton()
        self.play_button.setText("Play/Pause")
        self.play_button.setAccessibleName("Play or pause")
        self.play_button.clicked.connect(toggle_play)
        self.position = QLabel("0:00")
        self.position.setAccessibleName("Position")
        leave = QToolButton()
        leave.setText("Leave fullscreen (Esc)")
        leave.clicked.connect(self.leave_requested.emit)
        bar = QHBoxLayout(self.controls)
        bar.addWidget(self.play_button)
        bar.addWidget(self.position, 1)
        bar.addWidget(leave)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.video, 1)
        layout.addWidget(self.controls)
        self._hide = QTimer(self)
        self._hide.setSingleShot(True)
        self._hide.setInterval(HIDE_CONTROLS_MS)
        self._hide.timeout.connect(self.hide_controls)
        keys: tuple[tuple[str, Callable[[], object]], ...] = (
            ("Space", toggle_play),
            (",", lambda: step(-1)),
            (".", lambda: step(1)),
            ("Left", lambda: self._seek_by(-ARROW_MS)),
            ("Right", lambda: self._seek_by(ARROW_MS)),
            ("F", self.leave_requested.emit),
            ("F11", self.leave_requested.emit),
            ("Esc", self.leave_requested.emit),
        )
        for key, slot in keys:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
            shortcut.activated.connect(self.show_controls)
        player.positionChanged.connect(self._on_position_changed)

    def enter(self) -> None:
        self._player.setVideoOutput(self.video)
        self.showFullScreen()
        self.raise_()
        self.activateWindow()
        self.show_controls()

    def show_controls(self) -> None:
        self.controls.setVisible(True)
        self.unsetCursor()
        self.video.unsetCursor()
        self._hide.start()

    def hide_controls(self) -> None:
        self.controls.setVisible(False)
        self.video.setCursor(Qt.CursorShape.BlankCursor)

    def _seek_by(self, ms: int) -> None:
        end = max(0, self._player.duration())
        self._player.setPosition(min(end, max(0, self._player.position() + ms)))

    def _on_position_changed(self, position: int) -> None:
        self.position.setText(time_readout(self._player, position))

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closed by the window manager: leave fullscreen as Esc does."""
        self._hide.stop()
        event.ignore()
        self.leave_requested.emit()

"""PlayerWidget: plays a clip with its sound. Space plays/pauses, comma and period step
one frame, F, F11 or a double click on the picture toggle fullscreen (Esc leaves it). At
the end of a clip its last frame stays; the clip's file can be dragged out of the
picture."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QIcon, QImage, QKeySequence, QMouseEvent, QShortcut
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSlider,
    QStyle,
    QStyleOptionSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.qt.media_calls import close_player, load_later, pause_later, play_later
from desktop_app.qt.media_objects import MediaObjects
from desktop_app.ui.fullscreen import FullscreenView
from desktop_app.ui.labels import InfoLabel
from desktop_app.ui.media_time import frame_rate, last_frame, stepped, time_readout
from desktop_app.ui.video_surface import video_surface

SPEEDS = (0.25, 0.5, 1.0, 1.5, 2.0)
__all__ = ["PlayerWidget", "TimelineSlider"]


class TimelineSlider(QSlider):
    """A timeline that seeks where it is clicked (a plain slider only steps a page)."""

    clicked_at = Signal(int)
    """The position (ms) under the click."""

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.maximum() > self.minimum():
            option = QStyleOptionSlider()
            self.initStyleOption(option)
            handle = self.style().subControlRect(
                QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle, self
            )
            if not handle.contains(event.position().toPoint()):
                span = max(1, self.width() - handle.width())
                x = int(event.position().x()) - handle.width() // 2
                value = QStyle.sliderValueFromPosition(
                    self.minimum(), self.maximum(), x, span, option.upsideDown
                )
                self.setValue(value)
                self.clicked_at.emit(value)
                event.accept()
                return
        super().mousePressEvent(event)


class PlayerWidget(QWidget):
    fullscreen_toggled = Signal(bool)
    frame_used = Signal(object, bool)
    frame_kept = Signal(object)
    """A QImage of the picture shown, to keep as a new character."""
    """(QImage of the frame shown, True: as the first frame / False: as a character
    image): "Use this frame as"."""

    def __init__(self, media: MediaObjects, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.player = media.player(self)
        self.audio = self.player.audioOutput()
        self.video, self.gestures = video_surface(self.local_file, self)
        self.video.setMinimumSize(320, 180)
        self.gestures.double_clicked.connect(self.toggle_fullscreen)
        self.player.setVideoOutput(self.video)
        self.fullscreen = FullscreenView(
            self.player, self.local_file, toggle_play=self.toggle_play, step=self.step,
            parent=self,
        )  # fmt: skip
        self.fullscreen.leave_requested.connect(lambda: self.set_fullscreen(False))
        self._chosen = False
        self._ended = False
        self.title = InfoLabel(
            "Now playing", "Nothing loaded. Double-click a job or a reference to play it."
        )

        style = self.style()
        self.play_button = self._button(
            style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay),
            "Play or pause (Space)",
            self.toggle_play,
        )
        self.back_button = self._button(
            style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekBackward),
            "One frame back (,)",
            lambda: self.step(-1),
        )
        self.forward_button = self._button(
            style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekForward),
            "One frame forward (.)",
            lambda: self.step(1),
        )
        self.seek = TimelineSlider(Qt.Orientation.Horizontal)
        self.seek.setAccessibleName("Position")
        self.seek.setRange(0, 0)
        self.seek.sliderMoved.connect(self.seek_to)
        self.seek.clicked_at.connect(self.seek_to)
        self.position_label = QLabel("0:00 / 0:00")
        self.loop = QCheckBox("Loop")
        self.loop.setToolTip("Play the clip again and again")
        self.loop.toggled.connect(self._on_loop_toggled)
        self.mute = QCheckBox("Mute")
        self.mute.toggled.connect(lambda on: self.audio.setMuted(on))
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setAccessibleName("Volume")
        self.volume.setRange(0, 100)
        self.volume.setValue(80)
        self.volume.setMaximumWidth(90)
        self.volume.valueChanged.connect(lambda v: self.audio.setVolume(v / 100))
        self.audio.setVolume(0.8)
        self.speed = QComboBox()
        self.speed.setAccessibleName("Playback speed")
        for rate in SPEEDS:
            self.speed.addItem(f"{rate:g}×", rate)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.speed.currentIndexChanged.connect(
            lambda i: self.player.setPlaybackRate(float(self.speed.itemData(i)))
        )
        self.fullscreen_button = self._button(
            style.standardIcon(QStyle.StandardPixmap.SP_TitleBarMaxButton),
            "Fullscreen (F, F11 or a double click; Esc to leave)",
            self.toggle_fullscreen,
        )

        self.use_frame_button = QToolButton()
        self.use_frame_button.setText("Use this frame as")
        self.use_frame_button.setAccessibleName("Use this frame as")
        self.use_frame_button.setToolTip(
            "The picture shown, as the first frame of a new clip or as a character image "
            "(models that take stills: Wan 2.7)"
        )
        self.use_frame_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        frame_menu = QMenu(self.use_frame_button)
        frame_menu.addAction("First frame", lambda: self.use_frame(first_frame=True))
        frame_menu.addAction("Character image", lambda: self.use_frame(first_frame=False))
        frame_menu.addAction("A new character…", self.keep_frame)
        self.use_frame_button.setMenu(frame_menu)

        controls = QHBoxLayout()
        for widget in (self.play_button, self.back_button, self.forward_button):
            controls.addWidget(widget)
        controls.addWidget(self.seek, 1)
        controls.addWidget(self.position_label)
        bottom = QHBoxLayout()
        for control in (
            self.loop,
            self.mute,
            QLabel("Volume"),
            self.volume,
            QLabel("Speed"),
            self.speed,
        ):
            bottom.addWidget(control)
        bottom.addStretch(1)
        bottom.addWidget(self.use_frame_button)
        bottom.addWidget(self.fullscreen_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.video, 1)
        layout.addLayout(controls)
        layout.addLayout(bottom)

        self.player.durationChanged.connect(self._on_player_duration_changed)
        self.player.positionChanged.connect(self._on_player_position_changed)
        self.player.playbackStateChanged.connect(self._on_player_playback_state_changed)
        self.player.errorOccurred.connect(self._on_player_error_occurred)
        self.player.mediaStatusChanged.connect(self._on_player_media_status_changed)
        for keys, slot in (
            ("Space", self.toggle_play),
            (",", lambda: self.step(-1)),
            (".", lambda: self.step(1)),
            ("F", self.toggle_fullscreen),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Player")

    def _button(self, icon: QIcon, tip: str, slot: Callable[[], object]) -> QToolButton:
        button = QToolButton()
        button.setIcon(icon)
        button.setToolTip(tip)
        button.setAccessibleName(tip.split(" (")[0])
        button.clicked.connect(slot)
        return button

    # -- what callers use -------------------------------------------------------------------

    def play(self, source: str, title: str) -> None:
        """Play a local path or a link from its start: the creator's choice."""
        self._load(source, title)
        self._chosen = True
        play_later(self.player)

    def local_file(self) -> Path | None:
        """The clip's file, when it is one on this computer that exists."""
        source = self.player.source()
        if not source.isLocalFile():
            return None
        path = Path(source.toLocalFile())
        return path if path.is_file() else None

    def show_paused(self, source: str, title: str) -> None:
        """Load a clip paused on its first frame (a result that just came in)."""
        self._load(source, title)
        self._chosen = False
        pause_later(self.player)

    def is_idle(self) -> bool:
        """Not busy with something the creator chose: empty, showing a result that came in
        by itself, or at the end of the creator's clip."""
        stopped = self.player.playbackState() == QMediaPlayer.PlaybackState.StoppedState
        return self.player.source().isEmpty() or not self._chosen or stopped or self._ended

    def _load(self, source: str, title: str) -> None:
        url = (
            QUrl.fromLocalFile(source)
            if not source.startswith(("http://", "https://"))
            else QUrl(source)
        )
        self.title.setText(title)
        self._ended = False
        load_later(self.player, url)

    def toggle_play(self) -> None:
        self._chosen = True  # touched: an arrival does not replace it
        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
        elif not self.player.source().isEmpty():
            if self._ended:  # on the last frame: Play starts the clip again
                self.player.setPosition(0)
            self._ended = False
            self.player.play()

    def seek_to(self, position: int) -> None:
        # A Python method, not the player's slot: PySide cannot add a slot to a Qt-made
        # object (it has no wrapper), and the slider's int is not the slot's qint64.
        self._chosen = True
        self.player.setPosition(position)

    def step(self, frames: int) -> None:
        """Exactly `frames` frames on (back when negative), paused."""
        self._chosen = True
        self.player.pause()
        player = self.player
        fps = frame_rate(player)
        player.setPosition(stepped(player.position(), frames, fps, player.duration()))

    def current_frame(self) -> QImage | None:
        """The picture shown now, whole; None when there is none."""
        frame = self.video.videoSink().videoFrame()
        image = frame.toImage() if frame.isValid() else QImage()
        return None if image.isNull() else image

    def use_frame(self, *, first_frame: bool) -> None:
        self.player.pause()
        image = self.current_frame()
        if image is None:
            self.title.setText("There is no picture to use: play a clip, then pause on a frame.")
            return
        self.frame_used.emit(image, first_frame)

    def keep_frame(self) -> None:
        """The picture shown, kept as a new character (a still)."""
        self.player.pause()
        image = self.current_frame()
        if image is None:
            self.title.setText("There is no picture to keep: play a clip, then pause on a frame.")
            return
        self.frame_kept.emit(image)

    def close_media(self) -> None:
        """Leave fullscreen, then stop the player and delete it: its decoder and audio
        threads have ended when this returns (the window's last step, and tests')."""
        self.set_fullscreen(False)
        close_player(self.player)

    def is_fullscreen(self) -> bool:
        return self.fullscreen.isVisible()

    def toggle_fullscreen(self) -> None:
        self.set_fullscreen(not self.is_fullscreen())

    def set_fullscreen(self, on: bool) -> None:
        if on == self.is_fullscreen():
            return
        self._chosen = True
        if on:
            self.fullscreen.enter()
        else:
            self.fullscreen.hide()
            self.player.setVideoOutput(self.video)
            self.window().activateWindow()
            self.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.player.playbackState() != QMediaPlayer.PlaybackState.PlayingState:
            self.player.setPosition(self.player.position())  # the new surface gets the frame
        self.fullscreen_toggled.emit(on)

    # -- slots ------------------------------------------------------------------------------

    def _on_loop_toggled(self, on: bool) -> None:
        self.player.setLoops(QMediaPlayer.Loops.Infinite if on else 1)

    def _on_player_duration_changed(self, duration: int) -> None:
        self.seek.setRange(0, duration)
        self._on_player_position_changed(self.player.position())

    def _on_player_position_changed(self, position: int) -> None:
        if not self.seek.isSliderDown():
            self.seek.setValue(position)
        self.position_label.setText(time_readout(self.player, position))

    def _on_player_playback_state_changed(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        pixmap = (
            QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        )
        self.play_button.setIcon(self.style().standardIcon(pixmap))

    def _on_player_media_status_changed(self, status: QMediaPlayer.MediaStatus) -> None:
        """At the end the picture would go black: the last frame stays, paused on it."""
        if status is QMediaPlayer.MediaStatus.EndOfMedia and self.player.duration() > 0:
            self._ended = True
            self.player.setPosition(last_frame(self.player.duration(), frame_rate(self.player)))
            self.player.pause()

    def _on_player_error_occurred(self, _error: QMediaPlayer.Error, message: str) -> None:
        self.title.setText(f"This clip cannot be played: {message}")

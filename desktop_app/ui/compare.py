"""CompareWindow: two finished takes side by side (stacked when the clips are portrait),
played, paused, sought, stepped and looped in step, each labelled with how it differs
from the other; the sides can be swapped."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.job import Job
from desktop_app.domain.prompt import request_differences
from desktop_app.domain.request import AspectRatio
from desktop_app.models.media_calls import load_later, pause_later, play_later, stop_later
from desktop_app.ui.labels import InfoLabel
from desktop_app.ui.player import FRAME_MS

DRIFT_MS = FRAME_MS // 2
"""While playing, the right side is put back in step when it drifts this far."""


class _Side:
    def __init__(self, parent: QWidget) -> None:
        self.player = QMediaPlayer(parent)
        self.audio = QAudioOutput(parent)
        self.audio.setMuted(True)  # one sound at a time: the left side's
        self.player.setAudioOutput(self.audio)
        self.video = QVideoWidget(parent)
        self.video.setMinimumSize(240, 135)
        self.player.setVideoOutput(self.video)
        self.label = InfoLabel("What differs")
        self.job: Job | None = None


class CompareWindow(QDialog):
    def __init__(self, first: Job, second: Job, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare takes")
        self.resize(1100, 650)
        self.left, self.right = _Side(self), _Side(self)
        self.left.audio.setMuted(False)
        self.play_button = QPushButton("Play")
        self.play_button.setToolTip("Play or pause both (Space)")
        self.play_button.clicked.connect(self.toggle_play)
        self.back_button = QPushButton("◀ frame")
        self.back_button.clicked.connect(lambda: self.step(-1))
        self.forward_button = QPushButton("frame ▶")
        self.forward_button.clicked.connect(lambda: self.step(1))
        self.loop = QCheckBox("Loop")
        self.loop.toggled.connect(self._on_loop_toggled)
        self.swap_button = QPushButton("Swap sides")
        self.swap_button.clicked.connect(self.swap)
        self.seek = QSlider(Qt.Orientation.Horizontal)
        self.seek.setAccessibleName("Position of both clips")
        self.seek.sliderMoved.connect(self.seek_to)
        self._sync = QTimer(self)
        self._sync.setInterval(250)
        self._sync.timeout.connect(self._keep_in_step)

        self.sides = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        controls = QHBoxLayout()
        for widget in (self.play_button, self.back_button, self.forward_button, self.loop):
            controls.addWidget(widget)
        controls.addWidget(self.seek, 1)
        controls.addWidget(self.swap_button)
        layout = QVBoxLayout(self)
        layout.addLayout(self.sides, 1)
        layout.addLayout(controls)
        self.left.player.durationChanged.connect(lambda d: self.seek.setRange(0, d))
        self.left.player.positionChanged.connect(self._on_left_position_changed)
        self.left.player.playbackStateChanged.connect(self._on_left_state_changed)
        self._show(first, second)

    # -- the two takes ---------------------------------------------------------------------

    def _show(self, first: Job, second: Job) -> None:
        for side, job, other in ((self.left, first, second), (self.right, second, first)):
            side.job = job
            assert job.file_path is not None
            load_later(side.player, QUrl.fromLocalFile(str(job.file_path)))
            differences = request_differences(other.request, job.request) or ["the same request"]
            side.label.setText(f"Job {job.id}: " + "; ".join(differences))
        portrait = first.request.aspect_ratio in (AspectRatio.PORTRAIT,
                                                  AspectRatio.CLASSIC_PORTRAIT)  # fmt: skip
        while self.sides.count():
            self.sides.takeAt(0)
        for side in (self.left, self.right):
            column = QVBoxLayout()
            column.addWidget(side.video, 1)
            column.addWidget(side.label)
            self.sides.addLayout(column, 1)
        self.sides.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )
        for side in (self.left, self.right):
            pause_later(side.player)  # shows the first frame

    def swap(self) -> None:
        assert self.left.job is not None and self.right.job is not None
        position = self.left.player.position()
        self._show(self.right.job, self.left.job)
        self.seek_to(position)

    # -- in step -----------------------------------------------------------------------------

    def toggle_play(self) -> None:
        if self.left.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            for side in (self.left, self.right):
                side.player.pause()
            self.seek_to(self.left.player.position())
        else:
            self.seek_to(self.left.player.position())
            for side in (self.left, self.right):
                play_later(side.player)

    def seek_to(self, position: int) -> None:
        for side in (self.left, self.right):
            side.player.setPosition(position)

    def step(self, frames: int) -> None:
        for side in (self.left, self.right):
            side.player.pause()
        self.seek_to(max(0, self.left.player.position() + frames * FRAME_MS))

    def positions(self) -> tuple[int, int]:
        return self.left.player.position(), self.right.player.position()

    def _keep_in_step(self) -> None:
        left, right = self.positions()
        if abs(left - right) > DRIFT_MS:
            self.right.player.setPosition(left)

    def _on_left_position_changed(self, position: int) -> None:
        if not self.seek.isSliderDown():
            self.seek.setValue(position)

    def _on_left_state_changed(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        self.play_button.setText("Pause" if playing else "Play")
        if playing:
            self._sync.start()
        else:
            self._sync.stop()

    def _on_loop_toggled(self, on: bool) -> None:
        for side in (self.left, self.right):
            side.player.setLoops(QMediaPlayer.Loops.Infinite if on else 1)

    def done(self, result: int) -> None:
        for side in (self.left, self.right):
            stop_later(side.player)
        super().done(result)

"""CompareWindow: two finished takes side by side (stacked when the clips are portrait),
played, paused, sought, stepped and looped in step, each labelled with what sets it apart
("Seed 880305902" against "Seed 709499304"; differing prompt words marked). Swapping the
sides keeps the position and gives both pictures the same size."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.job import Job
from desktop_app.domain.request import AspectRatio
from desktop_app.domain.take_differences import TakeSide, Words, take_sides
from desktop_app.qt.media_calls import close_player, load_later, pause_later, play_later
from desktop_app.qt.media_objects import MediaObjects
from desktop_app.ui.media_time import (
    FRAME_MS,
    frame_at,
    frame_rate,
    middle_of,
    stepped,
    time_readout,
)
from desktop_app.ui.player import TimelineSlider

DRIFT_MS = FRAME_MS // 2
"""While playing, the right side is put back in step when it drifts this far."""


class _Side:
    def __init__(self, media: MediaObjects, parent: QWidget) -> None:
        self.player = media.player(parent)
        self.audio = self.player.audioOutput()
        self.audio.setMuted(True)  # one sound at a time: the left side's
        self.video = QVideoWidget(parent)
        self.video.setMinimumSize(240, 135)
        self.player.setVideoOutput(self.video)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)  # built from escaped text only
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.job: Job | None = None

    def load(self, job: Job, side: TakeSide) -> None:
        self.job = job
        assert job.file_path is not None
        load_later(self.player, QUrl.fromLocalFile(str(job.file_path)))
        self.label.setText(side_text(side))
        self.label.setAccessibleName(plain_side_text(side))


MARK = "background:#ffe066;color:black;font-weight:bold"


def _words_html(words: Words) -> str:
    return " ".join(
        f'<span style="{MARK}">{html.escape(word)}</span>' if marked else html.escape(word)
        for word, marked in words
    )


def side_text(side: TakeSide) -> str:
    """The side's label as rich text: only escaped words and our own markup."""
    lines = [html.escape(fact) for fact in side.facts]
    if side.prompt is not None:
        lines.append("Prompt: " + _words_html(side.prompt))
    if side.kept_out is not None:
        lines.append("Kept out: " + _words_html(side.kept_out))
    return "<br>".join(lines) or "The same request"


def plain_side_text(side: TakeSide) -> str:
    lines = list(side.facts)
    if side.prompt is not None:
        lines.append("Prompt: " + " ".join(word for word, _ in side.prompt))
    if side.kept_out is not None:
        lines.append("Kept out: " + " ".join(word for word, _ in side.kept_out))
    return "\n".join(lines) or "The same request"


class CompareWindow(QDialog):
    def __init__(
        self, first: Job, second: Job, media: MediaObjects, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare takes")
        self.resize(1100, 650)
        self.left, self.right = _Side(media, self), _Side(media, self)
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
        self.seek = TimelineSlider(Qt.Orientation.Horizontal)
        self.seek.setAccessibleName("Position of both clips")
        self.seek.sliderMoved.connect(self.seek_to)
        self.seek.clicked_at.connect(self.seek_to)
        self.position_label = QLabel("00:00.00 / 00:00.00")
        self.position_label.setAccessibleName("Time of both clips")
        self._sync = QTimer(self)
        self._sync.setInterval(250)
        self._sync.timeout.connect(self._keep_in_step)

        self.sides = QGridLayout()
        controls = QHBoxLayout()
        for widget in (self.play_button, self.back_button, self.forward_button, self.loop):
            controls.addWidget(widget)
        controls.addWidget(self.seek, 1)
        controls.addWidget(self.position_label)
        controls.addWidget(self.swap_button)
        layout = QVBoxLayout(self)
        layout.addLayout(self.sides, 1)
        layout.addLayout(controls)
        for side in (self.left, self.right):  # the left side, whichever it is, leads
            side.player.durationChanged.connect(
                lambda d, s=side: self.seek.setRange(0, d) if s is self.left else None
            )
            side.player.positionChanged.connect(
                lambda p, s=side: self._on_left_position_changed(p) if s is self.left else None
            )
            side.player.playbackStateChanged.connect(
                lambda st, s=side: self._on_left_state_changed(st) if s is self.left else None
            )
        self._show(first, second)

    # -- the two takes ---------------------------------------------------------------------

    def _show(self, first: Job, second: Job) -> None:
        one, other = take_sides(first.request, second.request)
        self.left.load(first, one)
        self.right.load(second, other)
        self._arrange()
        for side in (self.left, self.right):
            pause_later(side.player)  # shows the first frame

    def _arrange(self) -> None:
        """The pictures in one row (stacked for portrait clips), the same size each; the
        labels beside them so that a longer label never shrinks one picture."""
        assert self.left.job is not None
        portrait = self.left.job.request.aspect_ratio in (
            AspectRatio.PORTRAIT, AspectRatio.CLASSIC_PORTRAIT
        )  # fmt: skip
        while self.sides.count():
            self.sides.takeAt(0)
        for n, side in enumerate((self.left, self.right)):
            if portrait:
                self.sides.addWidget(side.video, n, 0)
                self.sides.addWidget(side.label, n, 1)
                self.sides.setRowStretch(n, 1)
            else:
                self.sides.addWidget(side.video, 0, n)
                self.sides.addWidget(side.label, 1, n)
                self.sides.setColumnStretch(n, 1)
        self.sides.setRowStretch(0, 1)

    def swap(self) -> None:
        """Left becomes right: the same players move, so nothing is loaded again, the
        position stays, and the sound stays on the left."""
        self.left, self.right = self.right, self.left
        self.left.audio.setMuted(False)
        self.right.audio.setMuted(True)
        self._arrange()

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
        """Both sides to the same frame: the middle of the frame at `position`."""
        fps = frame_rate(self.left.player)
        frame = middle_of(frame_at(position, fps), fps)
        for side in (self.left, self.right):
            side.player.setPosition(frame)

    def step(self, frames: int) -> None:
        """Exactly `frames` frames on (back when negative), both sides paused, in step."""
        for side in (self.left, self.right):
            side.player.pause()
        player = self.left.player
        fps = frame_rate(player)
        self.seek_to(stepped(player.position(), frames, fps, player.duration()))

    def positions(self) -> tuple[int, int]:
        return self.left.player.position(), self.right.player.position()

    def _keep_in_step(self) -> None:
        left, right = self.positions()
        if abs(left - right) > DRIFT_MS:
            self.right.player.setPosition(left)

    def _on_left_position_changed(self, position: int) -> None:
        if not self.seek.isSliderDown():
            self.seek.setValue(position)
        self.position_label.setText(time_readout(self.left.player, position))

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
        """Closed: both players end here, their threads with them (issue #25)."""
        self._sync.stop()
        for side in (self.left, self.right):
            close_player(side.player)
        super().done(result)

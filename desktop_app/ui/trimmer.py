"""Trimmer: the part of a long clip to send. The clip plays in a player of its own; In and
Out (spin boxes, frame by frame with the arrow keys; I and O set them where the clip is)
mark the part, and its length and estimated size are shown live against the chosen
model's limits. Cut makes the part (storage.trim) on a worker thread, with progress and
Cancel; the source is never changed."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import (
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.models import ModelSpec
from desktop_app.domain.trim import Span
from desktop_app.qt.media_calls import close_player, load_later, pause_later
from desktop_app.qt.media_objects import MediaObjects
from desktop_app.tasks import TaskGroup
from desktop_app.ui.media_time import frame_at, frame_rate, middle_of
from desktop_app.ui.player import TimelineSlider
from desktop_app.uploads.clip_file import MAX_BYTES
from desktop_app.uploads.trim import Cut, CutCancelledError, cut_clip


class Trimmer(QDialog):
    def __init__(
        self,
        source: Path,
        seconds: float,
        spec: ModelSpec,
        media: MediaObjects,
        cache: Path,
        tasks: TaskGroup,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Trim {source.name}")
        self.source, self.seconds, self.spec = source, seconds, spec
        self._cache, self._tasks = cache, tasks
        self._bytes_per_s = source.stat().st_size / max(seconds, 0.001)
        self.cut: Cut | None = None
        """The part made, once Cut finished."""
        self._done = 0.0
        self._stop = threading.Event()
        self.player = media.player(self)
        self.player.audioOutput().setMuted(True)
        self.video = QVideoWidget(self)
        self.video.setMinimumSize(320, 180)
        self.player.setVideoOutput(self.video)
        self.timeline = TimelineSlider(Qt.Orientation.Horizontal)
        self.timeline.setAccessibleName("Position in the clip")
        self.timeline.setRange(0, round(seconds * 1000))
        self.timeline.clicked_at.connect(self._seek)
        self.timeline.sliderMoved.connect(self._seek)
        self.player.positionChanged.connect(self._on_player_position_changed)
        self.play_button = QPushButton("Play")
        self.play_button.setToolTip("Play or pause the clip (Space)")
        self.play_button.clicked.connect(self.toggle_play)
        QShortcut(QKeySequence("Space"), self).activated.connect(self.toggle_play)
        longest = spec.video_seconds[1]
        self.start = self._spin("In (seconds)", 0.0)
        self.end = self._spin("Out (seconds)", min(seconds, longest))
        self.facts = QLabel()
        self.facts.setAccessibleName("The part")
        self.facts.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        self.cut_button = QPushButton("Cut")
        self.cut_button.setDefault(True)
        self.cut_button.clicked.connect(self._on_cut_clicked)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        form = QFormLayout()
        for label, spin, keys, text in (
            ("In", self.start, "I", "Set In here (I)"),
            ("Out", self.end, "O", "Set Out here (O)"),
        ):
            here = QPushButton(text)
            here.clicked.connect(lambda _=False, s=spin: self._mark(s))
            row = QHBoxLayout()
            row.addWidget(spin, 1)
            row.addWidget(here)
            form.addRow(label, row)
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(lambda s=spin: self._mark(s))
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.cut_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.video, 1)
        playing = QHBoxLayout()
        playing.addWidget(self.play_button)
        playing.addWidget(self.timeline, 1)
        layout.addLayout(playing)
        layout.addLayout(form)
        layout.addWidget(self.facts)
        layout.addLayout(buttons)
        self._tick = QTimer(self)
        self._tick.setInterval(100)
        self._tick.timeout.connect(lambda: self.progress.setValue(round(self._done * 100)))
        load_later(self.player, QUrl.fromLocalFile(str(source)))
        pause_later(self.player)
        self._show()

    def _spin(self, name: str, value: float) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setAccessibleName(name)
        spin.setDecimals(2)
        spin.setRange(0.0, self.seconds)
        spin.setSingleStep(1 / 24)
        spin.setValue(value)
        spin.valueChanged.connect(self._on_spin_value_changed)
        return spin

    def span(self) -> Span:
        return Span(round(self.start.value(), 3), round(self.end.value(), 3))

    def problem(self) -> str | None:
        return self.span().problem(*self.spec.video_seconds)

    def estimated_bytes(self) -> int:
        return round(self.span().seconds * self._bytes_per_s)

    def _show(self) -> None:
        span, problem = self.span(), self.problem()
        shortest, longest = self.spec.video_seconds
        fits = (
            " It is encoded again to fit under 100 MB."
            if self.estimated_bytes() > MAX_BYTES
            else ""
        )
        self.facts.setText(
            f"The part: {span.seconds:.2f} s, about {self.estimated_bytes() / 1e6:.1f} MB.{fits} "
            f"{self.spec.short_name} takes clips of {shortest:g} to {longest:g} s, up to "
            "100 MB." + (f" ⚠ {problem[0].upper()}{problem[1:]}." if problem else "")
        )
        self.facts.setStyleSheet("color:#d62828" if problem else "")
        self.cut_button.setEnabled(problem is None and not self.progress.isVisible())

    def _seek(self, position: int) -> None:
        fps = frame_rate(self.player)
        self.player.setPosition(middle_of(frame_at(position, fps), fps))

    def toggle_play(self) -> None:
        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
            self.play_button.setText("Play")
        else:
            self.player.play()
            self.play_button.setText("Pause")

    def _on_player_position_changed(self, position: int) -> None:
        if not self.timeline.isSliderDown():
            self.timeline.setValue(position)

    def _mark(self, spin: QDoubleSpinBox) -> None:
        """In or Out at the frame shown."""
        fps = frame_rate(self.player)
        spin.setValue(frame_at(self.player.position(), fps) / fps)

    def _on_spin_value_changed(self, value: float) -> None:
        self._seek(round(value * 1000))
        self._show()

    def _on_cut_clicked(self) -> None:
        if self.problem() is not None:
            return
        self.progress.setVisible(True)
        self.cut_button.setEnabled(False)
        self._tick.start()
        self._tasks.spawn(self._make(self.span()))

    async def _make(self, span: Span) -> None:
        def told(done: float) -> None:
            self._done = done  # read by the GUI thread's timer

        try:
            self.cut = await asyncio.to_thread(
                cut_clip, self.source, span, self._cache, progress=told,
                cancelled=self._stop.is_set, fit_bytes=MAX_BYTES,
            )  # fmt: skip
        except CutCancelledError:
            self.reject()
            return
        finally:
            self._tick.stop()
        self.accept()

    def _on_cancel_clicked(self) -> None:
        if self.progress.isVisible():
            self._stop.set()  # the cut ends, its part file removed; then the dialog
        else:
            self.reject()

    def done(self, result: int) -> None:
        """Closed: the player ends here, its threads with it (issue #25)."""
        self._tick.stop()
        close_player(self.player)
        super().done(result)

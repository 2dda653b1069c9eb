"""The stress that froze the window (issue #25), as a process of its own: while the
window's player plays a clip with sound on a real audio device, the GUI thread makes and
deletes widgets, dialogs and connections as fast as it can, and a second player is started
and closed over and over (each close deletes its audio renderer in the renderer's thread).

    python -m tests.ui.media_stress --seconds 60 [--python-made]

It prints one line of counts and exits 0. A hang ends it through faulthandler (exit 1,
every thread's stack on stderr). `--python-made` builds the second players as release 0.3
did (QMediaPlayer and QAudioOutput constructed from Python, stopped through the queue and
deleted later), to show what the stress finds on the old construction; it is for measuring
by hand, never run in CI, since it hangs."""

from __future__ import annotations

import argparse
import faulthandler
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false")

from PySide6.QtCore import QObject, QTimer, QUrl
from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.qt.media_calls import close_player, stop_later
from desktop_app.qt.media_objects import MediaObjects
from desktop_app.resources import resource
from desktop_app.ui.player import PlayerWidget
from tests.media_threads import media_threads

PLAYER_CYCLE_MS = 150
OLD_DELETE_AFTER_MS = 1_000
HANG_MARGIN_S = 60


class Stress(QObject):
    def __init__(self, app: QApplication, seconds: float, python_made: bool) -> None:
        super().__init__()
        self.app = app
        self.media = MediaObjects()
        self.python_made = python_made
        self.clip = QUrl.fromLocalFile(str(resource("demo.mp4")))
        self.host = QWidget()
        self.host.resize(640, 480)
        self.window_player = PlayerWidget(self.media, self.host)
        self.window_player.loop.setChecked(True)
        self.host.show()
        self.window_player.play(str(resource("demo.mp4")), "Demo")
        self.second: QMediaPlayer | None = None
        self.counts = {"widgets": 0, "dialogs": 0, "connections": 0, "players": 0}
        self.audio_threads_seen = 0
        self.deadline = time.monotonic() + seconds
        self._build = QTimer(self)
        self._build.timeout.connect(self.build_and_delete)
        self._cycle = QTimer(self)
        self._cycle.setInterval(PLAYER_CYCLE_MS)
        self._cycle.timeout.connect(self.cycle_player)

    def start(self) -> None:
        self._build.start(0)
        self._cycle.start()

    def build_and_delete(self) -> None:
        """Qt objects and connections made on the GUI thread, as Compare, fullscreen,
        dialogs and menus make them, while the audio thread is busy."""
        if time.monotonic() > self.deadline:
            self.finish()
            return
        for _ in range(5):
            video = QVideoWidget(self.host)
            button = QPushButton("Play", video)
            button.clicked.connect(video.hide)
            button.clicked.disconnect(video.hide)
            video.deleteLater()
            self.counts["widgets"] += 1
            self.counts["connections"] += 2
        dialog = QDialog(self.host)
        layout = QVBoxLayout(dialog)
        label = QLabel("Compare takes")
        layout.addWidget(label)
        dialog.finished.connect(label.clear)
        dialog.deleteLater()
        self.counts["dialogs"] += 1

    def cycle_player(self) -> None:
        if "QFFmpeg::AudioR" in media_threads():
            self.audio_threads_seen += 1
        if self.second is not None:
            if self.python_made:  # as 0.3 did: stopped through the queue, deleted later
                stop_later(self.second)
                QTimer.singleShot(OLD_DELETE_AFTER_MS, self.second.deleteLater)
            else:
                close_player(self.second)
        self.second = self._new_player()
        self.second.setSource(self.clip)
        self.second.play()
        self.counts["players"] += 1

    def _new_player(self) -> QMediaPlayer:
        if not self.python_made:
            return self.media.player(self.host)
        player = QMediaPlayer(self.host)
        player.setAudioOutput(QAudioOutput(player))
        return player

    def finish(self) -> None:
        self._build.stop()
        self._cycle.stop()
        if self.second is not None and not self.python_made:
            close_player(self.second)
        self.window_player.close_media()
        device = QMediaDevices.defaultAudioOutput().description()
        counts = " ".join(f"{name}={n}" for name, n in self.counts.items())
        print(f"{counts} audio_threads_seen={self.audio_threads_seen} device={device!r}")
        sys.stdout.flush()
        self.app.quit()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--python-made", action="store_true")
    args = parser.parse_args()
    faulthandler.dump_traceback_later(args.seconds + HANG_MARGIN_S, exit=True)
    app = QApplication([])
    stress = Stress(app, args.seconds, args.python_made)
    stress.start()
    app.exec()
    faulthandler.cancel_dump_traceback_later()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

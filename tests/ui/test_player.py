"""The player plays a local clip with its controls (frames checked through the sink)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtMultimedia import QMediaPlayer, QVideoFrame, QVideoSink
from pytestqt.qtbot import QtBot

from desktop_app.models.media_calls import stop_later
from desktop_app.resources import resource
from desktop_app.ui.player import PlayerWidget, clock


@pytest.fixture
def player(qtbot: QtBot) -> Iterator[PlayerWidget]:
    widget = PlayerWidget()
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    stop_later(widget.player)


def frames_shown(qtbot: QtBot, sink: QVideoSink, count: int) -> list[QVideoFrame]:
    """Wait until `count` different frames were shown; the frames. The sink is read from
    this thread: a Python slot on its frame signal would run on the decoder's thread and
    wait for the interpreter lock this thread holds while a player stops (a deadlock)."""
    frames: dict[int, QVideoFrame] = {}

    def enough() -> bool:
        frame = sink.videoFrame()
        if frame.isValid():
            frames.setdefault(frame.startTime(), frame)
        return len(frames) >= count

    qtbot.waitUntil(enough, timeout=10_000)
    return list(frames.values())


def test_plays_pauses_steps_and_reports_time(qtbot: QtBot, player: PlayerWidget) -> None:
    player.play(str(resource("demo.mp4")), "Demo")
    frames_shown(qtbot, player.video.videoSink(), 10)
    assert player.seek.maximum() == pytest.approx(5000, abs=100)
    assert player.position_label.text().endswith("/ 0:05")
    player.toggle_play()
    assert player.player.playbackState() == QMediaPlayer.PlaybackState.PausedState
    before = player.player.position()
    player.step(1)
    assert player.player.position() == before + 40
    player.step(-2)
    assert player.player.position() == before - 40
    player.speed.setCurrentIndex(player.speed.findText("2×"))
    assert player.player.playbackRate() == 2.0
    player.loop.setChecked(True)
    assert player.player.loops() == QMediaPlayer.Loops.Infinite
    player.mute.setChecked(True)
    assert player.audio.isMuted()


def test_an_unplayable_file_says_so(qtbot: QtBot, player: PlayerWidget, tmp_path: object) -> None:
    bogus = resource("README.md")
    player.play(str(bogus), "Not a clip")
    qtbot.waitUntil(lambda: "cannot be played" in player.title.text(), timeout=10_000)


def test_clock() -> None:
    assert clock(0) == "0:00"
    assert clock(65_400) == "1:05"

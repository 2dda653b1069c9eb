"""The player plays a local clip with its controls (frames checked through the sink), and
its close ends every thread of Qt Multimedia's before the next player is made."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtMultimedia import QMediaPlayer, QVideoFrame, QVideoSink
from pytestqt.qtbot import QtBot

from desktop_app.qt.media_objects import MediaObjects
from desktop_app.resources import resource
from desktop_app.ui.media_time import frame_at, length, middle_of, stepped, timecode
from desktop_app.ui.player import PlayerWidget
from tests.media_threads import media_threads


@pytest.fixture
def player(qtbot: QtBot, media: MediaObjects) -> Iterator[PlayerWidget]:
    widget = PlayerWidget(media)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    widget.close_media()


def frames_shown(qtbot: QtBot, sink: QVideoSink, count: int) -> list[QVideoFrame]:
    """Wait until `count` different frames were shown; the frames. The sink is read from
    this thread, as the app reads it: a Python slot on its frame signal would run on the
    decoder's thread."""
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
    assert player.position_label.text().endswith("/ 00:05.00")  # 120 frames at 24 fps
    player.toggle_play()
    assert player.player.playbackState() == QMediaPlayer.PlaybackState.PausedState
    before = frame_at(player.player.position(), 24)
    for step, moved in ((1, 1), (-2, -1), *((1, n) for n in range(10))):
        player.step(step)
        expected = before + moved
        # The picture shown is that frame: the sink's frame starts where the frame does.
        qtbot.waitUntil(lambda expected=expected: shown_frame(player) == expected)
        assert frame_at(player.player.position(), 24) == expected
    assert player.position_label.text().startswith(timecode(middle_of(before + 9, 24), 24))
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


def test_closing_the_player_ends_its_threads(qtbot: QtBot, player: PlayerWidget) -> None:
    player.play(str(resource("demo.mp4")), "Demo")
    frames_shown(qtbot, player.video.videoSink(), 3)
    assert media_threads(), "a playing clip runs Qt Multimedia's decoder threads"
    player.close_media()
    assert media_threads() == []
    player.close_media()  # twice is harmless (the fixture closes it again)


def shown_frame(player: PlayerWidget) -> int:
    """The frame the picture shows, from its start time (24 fps: the demo clip's)."""
    frame = player.video.videoSink().videoFrame()
    return round(frame.startTime() * 24 / 1_000_000) if frame.isValid() else -1


def test_time_reads_in_frames() -> None:
    assert timecode(0, 24) == "00:00.00"
    assert timecode(3_520, 24) == "00:03.12"
    assert timecode(65_400, 25) == "01:05.10"
    assert length(5_005, 24) == "00:05.00"
    assert middle_of(0, 24) == 21 and frame_at(middle_of(7, 24), 24) == 7
    assert stepped(middle_of(118, 24), 5, 24, 5_000) == middle_of(119, 24)  # not past the end
    assert stepped(10, -3, 24, 5_000) == middle_of(0, 24)

"""Compare is exact: a click on its timeline seeks both takes to the same frame, and each
frame step moves both exactly one frame (the frames shown, read from the video sinks)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtMultimediaWidgets import QVideoWidget
from pytestqt.qtbot import QtBot

from desktop_app.domain.job import Job, JobState
from desktop_app.domain.request import GenerationRequest
from desktop_app.qt.media_objects import MediaObjects
from desktop_app.resources import resource
from desktop_app.ui.compare import CompareWindow
from desktop_app.ui.media_time import middle_of, timecode

FPS = 24  # the demo clip: 120 frames in 5 s


def finished(job_id: str, clip: Path, seed: int) -> Job:
    request = GenerationRequest(prompt="character1 spins", video_urls=("https://e.com/a.mp4",),
                                seed=seed)  # fmt: skip
    return Job(id=job_id, client_request_id=job_id, request=request, state=JobState.DONE,
               created_at=0.0, updated_at=0.0, file_path=clip)  # fmt: skip


def shown(video: QVideoWidget) -> int:
    frame = video.videoSink().videoFrame()
    return round(frame.startTime() * FPS / 1_000_000) if frame.isValid() else -1


@pytest.fixture
def compare(qtbot: QtBot, media: MediaObjects, tmp_path: Path) -> Iterator[CompareWindow]:
    clips = [tmp_path / f"take{n}.mp4" for n in (1, 2)]
    for clip in clips:
        shutil.copy(resource("demo.mp4"), clip)
    window = CompareWindow(finished("a", clips[0], 5), finished("b", clips[1], 6), media)
    window.show()
    qtbot.waitUntil(lambda: window.left.player.duration() > 0, timeout=10_000)
    qtbot.waitUntil(lambda: window.right.player.duration() > 0, timeout=10_000)
    yield window
    window.close()


def test_a_click_at_half_seeks_both_to_the_same_frame(qtbot: QtBot, compare: CompareWindow) -> None:
    seek = compare.seek
    qtbot.mouseClick(
        seek, Qt.MouseButton.LeftButton, pos=QPoint(seek.width() // 2, seek.height() // 2)
    )
    # Both pictures on the same frame, past the first (-1: no frame yet, which is no frame).
    qtbot.waitUntil(lambda: shown(compare.left.video) == shown(compare.right.video) > 0)
    frame = shown(compare.left.video)
    assert abs(frame - 60) <= 3  # half of 120 frames, within the slider's handle width
    assert (
        compare.left.player.position() == compare.right.player.position() == middle_of(frame, FPS)
    )


def test_ten_frame_steps_move_exactly_ten_frames(qtbot: QtBot, compare: CompareWindow) -> None:
    compare.seek_to(2000)
    start = 48  # 2.000 s at 24 fps
    qtbot.waitUntil(lambda: shown(compare.left.video) == shown(compare.right.video) == start)
    for n in range(1, 11):
        compare.step(1)
        qtbot.waitUntil(
            lambda n=n: shown(compare.left.video) == shown(compare.right.video) == start + n
        )
    assert compare.position_label.text() == f"{timecode(middle_of(58, FPS), FPS)} / 00:05.00"
    for n in range(1, 4):
        compare.step(-1)
        qtbot.waitUntil(lambda n=n: shown(compare.left.video) == start + 10 - n)

"""Frames of clips as stills: "Use this frame as › First frame" in the player, and
"Continue from last frame" on a finished job, whose new job starts from the very last
frame of the clip (compared pixel by pixel with the frame FFmpeg decodes, within a
tolerance for the two decoders' colour conversion)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import imageio_ffmpeg
import pytest
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QContextMenuEvent, QImage
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from desktop_app.api.client import GENERATIONS_PATH
from desktop_app.domain.job import JobState
from desktop_app.domain.models import WAN_27
from desktop_app.simulator import Simulator
from desktop_app.ui.main_window import MainWindow
from tests.s3_server import S3Server
from tests.ui.conftest import WindowFactory, compose_and_generate, wait_for_state, with_storage

SIDE = 32, 18
"""Pictures are compared at this size: a mean difference, not exact bytes."""


def mean_difference(first: QImage, second: QImage) -> float:
    """The mean difference of two pictures' channels (0-255), compared at SIDE."""
    a, b = (
        image.convertToFormat(QImage.Format.Format_RGB888).scaled(
            *SIDE, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        for image in (first, second)
    )
    total = 0
    for y in range(SIDE[1]):
        for x in range(SIDE[0]):
            p, q = a.pixelColor(x, y), b.pixelColor(x, y)
            total += abs(p.red() - q.red()) + abs(p.green() - q.green()) + abs(p.blue() - q.blue())
    return total / (SIDE[0] * SIDE[1] * 3)


def last_decoded_frame(path: Path, folder: Path) -> QImage:
    """A clip's last frame as FFmpeg decodes it (imageio-ffmpeg's own binary): each frame
    of the last second overwrites one PNG, and the last one stays."""
    out = folder / "ffmpeg-last.png"
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-sseof", "-1", "-i", str(path),
         "-update", "1", "-y", str(out)],
        check=True, timeout=60,
    )  # fmt: skip
    return QImage(str(out))


def choose_in_next_menu(text: str) -> None:
    """Trigger the item `text` of the next popup menu (it runs its own loop)."""

    def choose() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(20, choose)
            return
        action = next(a for a in menu.actions() if a.text() == text)
        menu.close()
        action.trigger()

    QTimer.singleShot(20, choose)


def open_job_menu(window: MainWindow) -> None:
    """A right click on the selected job (the first row)."""
    view = window.jobs.view
    view.setCurrentIndex(view.model().index(0, 0))
    where = view.visualRect(view.currentIndex()).center()
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, where, view.viewport().mapToGlobal(where)
    )
    QApplication.sendEvent(view.viewport(), event)


@pytest.mark.timeout(120)
def test_a_paused_frame_becomes_the_first_frame_of_a_wan_27_request(
    qtbot: QtBot, windows: WindowFactory, sample_links: list[str], demo_clip: bytes, tmp_path: Path
) -> None:
    window = windows()
    window.references.set_links(sample_links[:1])
    clip = tmp_path / "yesterday.mp4"
    clip.write_bytes(demo_clip)
    window.player.play(str(clip), "Yesterday's clip")
    qtbot.waitUntil(lambda: window.player.current_frame() is not None, timeout=20_000)
    window.player.player.pause()
    window.player.seek_to(2000)
    qtbot.waitUntil(lambda: window.player.player.position() >= 2000, timeout=10_000)
    shown = window.player.current_frame()
    assert shown is not None
    choose_in_next_menu("First frame")
    window.player.use_frame_button.showMenu()
    composer = window.composer
    qtbot.waitUntil(lambda: composer.request().first_frame_image is not None, timeout=10_000)
    assert composer.model_spec.value is WAN_27  # 2.6 takes no first frame: switched
    frame_url = composer.request().first_frame_image
    assert frame_url is not None
    saved = QImage(QUrl(frame_url).toLocalFile())
    assert (saved.width(), saved.height()) == (640, 360)
    assert mean_difference(saved, shown) < 1.0
    assert composer.request().video_urls == tuple(sample_links[:1])  # kept
    status = window.statusBar().currentMessage()
    assert "Wan 2.7 is chosen" in status and "The frame is the first frame." in status
    window.drafts.undo()
    assert composer.request().first_frame_image is None
    assert composer.model.currentText() == "Wan 2.6"


@pytest.mark.timeout(180)
def test_continue_from_last_frame_sends_a_job_that_starts_from_the_clips_last_frame(
    qtbot: QtBot, windows: WindowFactory, sim: Simulator, s3: S3Server, sample_links: list[str],
    tmp_path: Path,
) -> None:  # fmt: skip
    with_storage(windows, s3, "w/")
    window = windows()
    compose_and_generate(window, sample_links[:2], "character1 chases character2", qtbot)
    done = wait_for_state(qtbot, window, JobState.DONE, timeout=60_000)
    assert done.file_path is not None
    last = last_decoded_frame(done.file_path, tmp_path)

    choose_in_next_menu("Continue from last frame")
    open_job_menu(window)
    composer = window.composer
    qtbot.waitUntil(lambda: composer.continuing == done.id, timeout=30_000)
    request = composer.request()
    assert request.model == WAN_27.id
    assert request.video_urls == tuple(sample_links[:2])
    assert request.prompt == "character1 chases character2"
    assert "Continuing job" in window.statusBar().currentMessage()

    qtbot.waitUntil(composer.generate_button.isEnabled, timeout=10_000)
    composer.generate_button.click()
    qtbot.waitUntil(lambda: sim.count("POST", GENERATIONS_PATH) == 2, timeout=30_000)
    body = json.loads([r.body for r in sim.requests if r.method == "POST"][-1])
    assert body["model"] == WAN_27.id and body["video_urls"] == sample_links[:2]
    [key] = [k for k in s3.object_keys("w/") if k.endswith(".png")]
    assert key in body["first_frame_image"]
    png = s3.client().get_object(Bucket=s3.bucket, Key=key)["Body"].read()
    sent = QImage.fromData(png)
    # Measured 0.75 (the two decoders' colour conversion); the frame before the last
    # differs from the last by 1.9, the first by 79.
    assert mean_difference(sent, last) < 1.3
    new = wait_for_state(qtbot, window, JobState.DONE, timeout=60_000)
    assert new.id != done.id and new.continues == done.id
    assert new.request.first_frame_image == body["first_frame_image"]
    window.jobs.view.setCurrentIndex(window.jobs.view.model().index(0, 0))
    assert f"Continues job {done.id}" in window.jobs.details.text()  # the chain, in history

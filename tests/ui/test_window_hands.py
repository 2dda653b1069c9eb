"""The window under a creator's hands (#18): the player's fullscreen and last frame,
nothing lost without undo, an empty search that says so, actions that say what they did,
clips that leave the window as files, and a layout with room for the jobs."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication, QMouseEvent
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_app.domain.job import JobState
from desktop_app.qt.job_list_model import JOB_ROLE
from desktop_app.settings import Settings
from desktop_app.simulator import Simulator
from desktop_app.ui.job_delegate import ROW_HEIGHT, tile_facts
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.media_time import frame_at, frame_rate
from desktop_app.ui.settings_dialog import SettingsDialog
from desktop_app.ui.window_geometry import FIRST, FIRST_MAIN, FIRST_RIGHT, MINIMUM
from tests.conftest import SAMPLES
from tests.ui.conftest import WindowFactory, compose_and_generate, wait_for_state


def finished_job_window(qtbot: QtBot, windows: WindowFactory, links: list[str]) -> MainWindow:
    window = windows()
    window.composer.seed.field.setText("4242")
    compose_and_generate(window, links[:1], "character1 juggles oranges")
    wait_for_state(qtbot, window, JobState.DONE)
    window.jobs.view.setCurrentIndex(window.services.model.index(0))
    return window


# -- the player ----------------------------------------------------------------------------


def test_fullscreen_fills_the_screen_and_keeps_the_players_keys(
    qtbot: QtBot, windows: WindowFactory
) -> None:
    window = windows()
    player = window.player
    player.play(str(SAMPLES[0]), "a clip")
    qtbot.waitUntil(lambda: player.player.duration() > 0)
    full = player.fullscreen
    for _ in range(3):  # every time, not every other time
        qtbot.waitUntil(window.isActiveWindow)  # back in the window after the last round
        qtbot.keyClick(player, Qt.Key.Key_F)
        qtbot.waitUntil(lambda: full.isVisible() and full.geometry() == full.screen().geometry())
        qtbot.waitUntil(full.isActiveWindow)  # the keys go to it from now on
        player.player.setPosition(0)
        player.player.play()
        qtbot.waitUntil(
            lambda: player.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
        )
        assert player.player.videoOutput() is full.video  # the picture is there
        qtbot.keyClick(full, Qt.Key.Key_Space)  # pause / play inside fullscreen
        qtbot.waitUntil(
            lambda: player.player.playbackState() == QMediaPlayer.PlaybackState.PausedState
        )
        at = player.player.position()
        fps = frame_rate(player.player)
        qtbot.keyClick(full, Qt.Key.Key_Period)  # one frame on, exactly
        qtbot.waitUntil(
            lambda at=at, fps=fps: frame_at(player.player.position(), fps) == frame_at(at, fps) + 1
        )
        qtbot.keyClick(full, Qt.Key.Key_Right)
        qtbot.waitUntil(lambda at=at: player.player.position() >= at + 1000)
        full.hide_controls()
        assert not full.controls.isVisible()
        moved = QMouseEvent(QEvent.Type.MouseMove, QPointF(60, 40), QPointF(60, 40),
                            Qt.MouseButton.NoButton, Qt.MouseButton.NoButton,
                            Qt.KeyboardModifier.NoModifier)  # fmt: skip
        QApplication.sendEvent(full.video, moved)  # a real pointer: test_real_window.py
        assert full.controls.isVisible()  # the mouse moved: the controls show
        qtbot.keyClick(full, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not player.fullscreen.isVisible())
        assert player.player.videoOutput() is player.video
    qtbot.mouseDClick(player.video, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(player.fullscreen.isVisible)
    qtbot.mouseDClick(player.fullscreen.video, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not player.fullscreen.isVisible())


def test_the_last_frame_stays_at_the_end_of_a_clip(qtbot: QtBot, windows: WindowFactory) -> None:
    window = windows()
    player = window.player
    player.play(str(SAMPLES[0]), "a clip")
    qtbot.waitUntil(lambda: player.player.duration() > 0)
    player.player.setPosition(player.player.duration() - 300)
    qtbot.waitUntil(
        lambda: (
            player.player.playbackState() == QMediaPlayer.PlaybackState.PausedState
            and player.player.position() >= player.player.duration() - 100
        ),
        timeout=10_000,
    )
    qtbot.waitUntil(lambda: player.video.videoSink().videoFrame().isValid())
    frame = player.video.videoSink().videoFrame()
    image = frame.toImage()
    light = [image.pixelColor(x, y).lightness() for x in range(0, image.width(), 16)
             for y in range(0, image.height(), 16)]  # fmt: skip
    assert max(light) > 40  # a picture, not black
    assert player.is_idle()  # a clip that came in may take its place
    player.toggle_play()  # Play on the last frame starts the clip again
    qtbot.waitUntil(lambda: player.player.position() < 1000)


def test_a_finished_clip_leaves_as_a_file(
    qtbot: QtBot, windows: WindowFactory, sample_links: list[str]
) -> None:
    window = finished_job_window(qtbot, windows, sample_links)
    job = window.services.model.index(0).data(JOB_ROLE)
    assert job.file_path is not None
    index = window.services.model.index(0)
    assert window.services.model.flags(index) & Qt.ItemFlag.ItemIsDragEnabled
    dragged = window.services.model.mimeData([index])
    assert dragged.urls() == [QUrl.fromLocalFile(str(job.file_path))]
    window.copy_selected_clip()
    assert "Copied the clip" in window.statusBar().currentMessage()
    copied = QGuiApplication.clipboard().mimeData()
    assert copied.urls() == [QUrl.fromLocalFile(str(job.file_path))]
    # GNOME Files pastes files only from its own format: "copy", then the file URLs.
    gnome = bytes(copied.data("x-special/gnome-copied-files").data()).decode()
    assert gnome == f"copy\n{job.file_path.as_uri()}"
    assert "Copied the clip" in window.statusBar().currentMessage()
    window.player.play(str(job.file_path), "the clip")
    qtbot.waitUntil(lambda: window.player.local_file() == job.file_path)
    job.file_path.unlink()
    window.copy_selected_clip()
    assert "not on this computer any more" in window.statusBar().currentMessage()
    assert tile_facts(job).startswith("Wan 2.6 · seed 4242 · ")


# -- nothing lost without undo -------------------------------------------------------------


def test_use_these_settings_new_request_and_a_sidecar_can_be_undone(
    qtbot: QtBot, windows: WindowFactory, sample_links: list[str], tmp_path: Path
) -> None:
    window = finished_job_window(qtbot, windows, sample_links)
    composer = window.composer
    composer.prompt.setPlainText("my own draft about character1, typed by hand")
    window.references.set_links(sample_links[1:3])
    mine = composer.draft()
    job = window.services.model.index(0).data(JOB_ROLE)

    window.drafts.use_settings(job.request)
    assert composer.prompt.toPlainText() == "character1 juggles oranges"
    assert window.drafts.undo_button.isVisible()
    composer.prompt.setFocus()
    qtbot.keyClick(composer.prompt, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert composer.draft() == mine
    assert not window.drafts.undo_button.isVisible()

    window.drafts.new_request()
    assert composer.prompt.toPlainText() == "" and window.references.links() == []
    window.drafts.undo_button.click()  # the status bar's Undo
    assert composer.draft() == mine

    sidecar = tmp_path / "take.mp4.json"
    sidecar.write_text(json.dumps({"request": job.request.to_json()}))
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(sidecar))])
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, data,
                      Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    window.dropEvent(drop)
    assert composer.prompt.toPlainText() == "character1 juggles oranges"
    assert "Undo" in window.statusBar().currentMessage()
    window.drafts.undo()
    assert composer.draft() == mine
    # Typing after an undo is the text field's own to undo again.
    qtbot.keyClicks(composer.prompt, "!")
    qtbot.keyClick(composer.prompt, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert composer.draft() == mine


# -- words and feedback --------------------------------------------------------------------


def test_an_empty_search_says_so_and_clears(
    qtbot: QtBot, windows: WindowFactory, sample_links: list[str]
) -> None:
    window = finished_job_window(qtbot, windows, sample_links)
    jobs = window.jobs
    listed_at = jobs.view.geometry().top()
    jobs.filters.search.setText("submarine")
    qtbot.waitUntil(lambda: window.services.model.rowCount() == 0)
    assert jobs.empty.isVisible() and "No job matches" in jobs.empty.text()
    assert jobs.clear_filters.isVisible()
    assert jobs.view.geometry().top() == listed_at  # the list does not jump down
    jobs.clear_filters.click()
    qtbot.waitUntil(lambda: window.services.model.rowCount() == 1)
    assert jobs.filters.search.text() == ""
    assert not jobs.empty.isVisible() and not jobs.clear_filters.isVisible()
    assert jobs.view.geometry().top() == listed_at


def test_settings_in_demo_mode_show_the_simulator_and_no_key_actions(
    qtbot: QtBot, sim: Simulator
) -> None:
    saved = Settings().with_changes(base_url="https://api.example.invalid/v1")
    dialog = SettingsDialog(saved, "A key is stored", "/tmp/lib", demo_address=sim.base_url)
    qtbot.addWidget(dialog)
    assert dialog.base_url.text() == sim.base_url and dialog.base_url.isReadOnly()
    assert not dialog.replace_key.isEnabled() and not dialog.remove_key.isEnabled()
    assert dialog.settings(saved).base_url == saved.base_url  # the real address is kept
    assert dialog.poll_interval.accessibleName() == "Check running jobs every"
    assert "still queued or generating" in dialog.poll_interval.toolTip()


# -- a layout with room --------------------------------------------------------------------


def test_at_1280_by_800_the_job_list_shows_four_rows(
    qtbot: QtBot, windows: WindowFactory, sample_links: list[str]
) -> None:
    """The first start's layout (the test screen is smaller: the window is sized here)."""
    window = finished_job_window(qtbot, windows, sample_links)
    window.resize(FIRST)
    window.main.setSizes(FIRST_MAIN)
    window.right.setSizes(FIRST_RIGHT)
    qtbot.waitUntil(lambda: window.jobs.view.viewport().height() >= 4 * ROW_HEIGHT)


def test_the_window_opens_no_smaller_than_its_minimum(qtbot: QtBot, windows: WindowFactory) -> None:
    window = windows()
    window.resize(400, 300)
    windows.close(window)
    again = windows()
    limit = MINIMUM.boundedTo(again.screen().availableGeometry().size())
    assert again.width() >= limit.width() and again.height() >= limit.height()
    state = QSettings(str(windows.home / "window.ini"), QSettings.Format.IniFormat)
    assert state.contains("geometry")  # the small window was kept, and opened larger

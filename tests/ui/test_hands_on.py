"""The window under a creator's hands (#18, first part): focus stays in the prompt after
Generate, Ctrl+, opens Settings, a click on the timeline seeks there, and the Generate
button says before any question when today's limit would refuse."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_app.api.client import GENERATIONS_PATH
from desktop_app.simulator import Simulator
from desktop_app.ui.settings_dialog import SettingsDialog
from tests.conftest import SAMPLES
from tests.ui.conftest import WindowFactory, first_job, look_at_next_settings


def test_after_generate_the_focus_stays_in_the_prompt(
    qtbot: QtBot, windows: WindowFactory, sim: Simulator, sample_links: list[str]
) -> None:
    window = windows()
    with qtbot.waitActive(window):
        window.activateWindow()
    window.references.set_links(sample_links[:1])
    window.composer.prompt.setPlainText("character1 waves")
    qtbot.waitUntil(window.composer.generate_button.isEnabled)
    window.composer.generate_button.setFocus()  # as a click on it would
    qtbot.keyClick(window.composer.generate_button, Qt.Key.Key_Space)  # activate it
    qtbot.waitUntil(lambda: first_job(window) is not None)
    assert window.composer.prompt.hasFocus(), QApplication.focusWidget()
    qtbot.keyClicks(QApplication.focusWidget(), " again")
    assert window.jobs.filters.search.text() == ""
    assert " again" in window.composer.prompt.toPlainText()  # typed where they write


def test_ctrl_comma_opens_settings(qtbot: QtBot, windows: WindowFactory) -> None:
    window = windows()
    with qtbot.waitActive(window):
        window.activateWindow()
    opened: list[SettingsDialog] = []
    look_at_next_settings(opened)
    qtbot.keyClick(window.composer.prompt, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(opened))


def test_a_click_on_the_timeline_seeks_there(qtbot: QtBot, windows: WindowFactory) -> None:
    window = windows()
    window.resize(1280, 800)
    player = window.player
    player.play(str(SAMPLES[0]), "a clip")
    qtbot.waitUntil(lambda: player.player.duration() > 0)
    player.player.pause()
    seek = player.seek
    point = QPoint(seek.width() * 3 // 4, seek.height() // 2)
    qtbot.mouseClick(seek, Qt.MouseButton.LeftButton, pos=point)
    duration = player.player.duration()
    qtbot.waitUntil(lambda: abs(player.player.position() - duration * 0.75) < duration * 0.1)
    assert player.player.playbackState() != QMediaPlayer.PlaybackState.PlayingState


def test_the_button_says_when_todays_limit_would_refuse(
    qtbot: QtBot, windows: WindowFactory, sim: Simulator, sample_links: list[str]
) -> None:
    window = windows()
    settings = window.services.settings_file
    settings.save(settings.load().with_changes(daily_spend_limit_usd=1.9))
    window.references.set_links(sample_links[:1])
    window.composer.prompt.setPlainText("character1 waves")
    button = window.composer.generate_button
    qtbot.waitUntil(lambda: button.text() == "Generate · $1.50 · $1.90 left today")  # it fits
    button.click()
    qtbot.waitUntil(lambda: first_job(window) is not None)
    # $0.32 left while the job counts what the service reported ($1.575), $0.40 once the
    # ledger has charged its $1.50: both refuse the next $1.50.
    qtbot.waitUntil(
        lambda: (
            button.text() in ("Over today's limit · $0.32 left", "Over today's limit · $0.40 left")
        )
    )
    assert "would be refused" in button.toolTip()
    with qtbot.waitSignal(window.controller.problem_raised) as refused:  # no question first
        qtbot.waitUntil(button.isEnabled)
        button.click()
    assert "daily limit" in refused.args[1]
    assert sim.count("POST", GENERATIONS_PATH) == 1

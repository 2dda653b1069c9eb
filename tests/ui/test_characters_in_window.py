"""The characters panel: a character dragged onto the reference list brings its takes
(and the row says whose they are); a reference is kept as a character; rename, and forget
with undo; the journal holds them across a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from desktop_app.domain.character import Take
from desktop_app.domain.job import JobState
from desktop_app.domain.prompt import IMAGE, VIDEO
from desktop_app.ui.character_panel import NAME_ROLE
from desktop_app.ui.job_menu import job_menu
from tests.ui.conftest import (
    WindowFactory,
    answer_next_name,
    compose_and_generate,
    wait_for_state,
)
from tests.ui.test_composer import drop


def test_a_character_is_kept_dragged_in_renamed_and_forgotten_with_undo(
    qtbot: QtBot, windows: WindowFactory, sample_links: list[str]
) -> None:
    window = windows()
    panel = window.characters
    assert not window.characters_dock.isVisible()  # none kept: the composer's whole width
    assert panel.keep("Mia", [Take(VIDEO, sample_links[0])], "a fractal presenter")
    assert panel.list.count() == 1 and panel.list.item(0).text().startswith("Mia · 1 clip(s)")

    dragged = panel.list.mimeData([panel.list.item(0)])
    drop(window.references.list, dragged)
    assert window.references.links() == [sample_links[0]]
    qtbot.waitUntil(lambda: "character1 · Mia · " in window.references.list.item(0).text())
    assert [chip.text() for chip in window.composer.chip_buttons] == ["character1 · Mia"]
    prompt = window.composer.prompt
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    prompt.setFocus()
    prompt.clear()
    qtbot.keyClicks(prompt, "Then mi")  # two letters of her name: completion offers her
    popup = prompt.completer.popup()
    assert popup is not None
    qtbot.waitUntil(popup.isVisible)
    assert prompt.completer.currentCompletion() == "character1 · Mia"
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert prompt.toPlainText() == "Then character1 "
    qtbot.waitUntil(lambda: not popup.isVisible())
    assert prompt.hasFocus()  # typing goes on where it was

    window.references.add_links([sample_links[1]])
    window.references.list.setCurrentRow(1)
    qtbot.waitUntil(lambda: window.references.checks.thumbnail(sample_links[1]) is not None)
    window.keep_selected_reference(ask=lambda: "Rex")
    assert window.characters_dock.isVisible()
    rex = panel.character("Rex")
    assert rex is not None and rex.thumbnail_png and rex.thumbnail_png.startswith(b"\x89PNG")
    assert not panel.list.item(1).icon().isNull()  # the row shows its picture
    assert [panel.list.item(n).data(NAME_ROLE) for n in range(2)] == ["Mia", "Rex"]

    panel.list.setCurrentRow(0)
    panel.rename("Mia", "Mia Rossi")
    assert panel.character("Mia Rossi") is not None and panel.character("Mia") is None
    assert window.composer.chip_buttons[0].text() == "character1 · Mia Rossi"  # follows
    panel.list.setCurrentRow(0)
    panel.forget_selected()
    assert panel.character("Mia Rossi") is None
    assert "the jobs that used it are unchanged" in panel.message.text()
    panel.undo_button.click()
    assert panel.character("Mia Rossi") is not None
    windows.close(window)

    again = windows()  # kept in the journal: there after a restart
    assert again.characters.character("Rex") is not None
    assert again.characters_dock.isVisible()  # kept characters: the panel shows


def test_two_characters_merge_into_one_and_undo_brings_both_back(
    qtbot: QtBot, windows: WindowFactory, sample_links: list[str]
) -> None:
    window = windows()
    panel = window.characters
    assert panel.keep("Rex", [Take(VIDEO, sample_links[0])], "a brown dog")
    assert panel.keep("Rex at the beach", [Take(VIDEO, sample_links[1])])
    panel.merge("Rex", "Rex at the beach")
    rex = panel.character("Rex")
    assert rex is not None and [t.ref for t in rex.takes] == sample_links[:2]
    assert panel.character("Rex at the beach") is None and panel.list.count() == 1
    assert "merged into Rex (2 takes)" in panel.message.text()
    panel.undo_button.click()
    assert panel.list.count() == 2 and "apart again" in panel.message.text()
    back = panel.character("Rex")
    assert back is not None and [t.ref for t in back.takes] == sample_links[:1]
    assert back.note == "a brown dog"
    assert panel.character("Rex at the beach") is not None
    panel.merge("Rex", "Rex")  # into itself: said, nothing changes
    assert "cannot be merged into itself" in panel.message.text() and panel.list.count() == 2


@pytest.mark.timeout(120)
def test_a_jobs_reference_and_a_frame_of_the_player_become_characters(
    qtbot: QtBot, windows: WindowFactory, sample_links: list[str]
) -> None:
    window = windows()
    compose_and_generate(window, sample_links[:2], "character1 chases character2", qtbot)
    done = wait_for_state(qtbot, window, JobState.DONE, timeout=60_000)
    menu = job_menu(window.jobs, done)
    [keep] = [a.menu() for a in menu.actions() if a.text() == "Keep a reference as a character"]
    assert isinstance(keep, QMenu)
    offered = keep.actions()
    assert [a.text() for a in offered] == [f"{Path(link).name}…" for link in sample_links[:2]]
    answer_next_name("Red box")
    offered[1].trigger()
    red_box = window.characters.character("Red box")
    assert red_box is not None and red_box.takes == (Take(VIDEO, sample_links[1]),)
    assert window.characters_dock.isVisible()

    assert done.file_path is not None
    window.player.play(str(done.file_path), "The clip")
    qtbot.waitUntil(lambda: window.player.current_frame() is not None, timeout=20_000)
    answer_next_name("Red box still")
    window.player.keep_frame()
    qtbot.waitUntil(
        lambda: window.characters.character("Red box still") is not None, timeout=10_000
    )
    still = window.characters.character("Red box still")
    assert still is not None and [t.kind for t in still.takes] == [IMAGE]
    assert QImage(QUrl(still.takes[0].ref).toLocalFile()).width() > 0  # a saved PNG
    assert still.thumbnail_png is not None and still.thumbnail_png.startswith(b"\x89PNG")

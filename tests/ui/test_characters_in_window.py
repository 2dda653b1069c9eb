"""The characters panel: a character dragged onto the reference list brings its takes
(and the row says whose they are); a reference is kept as a character; rename, and forget
with undo; the journal holds them across a restart."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop_app.domain.character import Take
from desktop_app.domain.prompt import VIDEO
from desktop_app.ui.character_panel import NAME_ROLE
from tests.ui.conftest import WindowFactory
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

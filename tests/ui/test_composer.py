"""The composer and its reference list, as a creator uses them."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QModelIndex, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_app.domain.request import AspectRatio, Resolution, ShotType
from tests.ui.conftest import WindowFactory


def drop(widget: object, mime: QMimeData) -> None:
    """Drag `mime` over the list from outside the app and drop it, as a file manager would."""
    viewport = widget.viewport()  # type: ignore[attr-defined]
    rest = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier)  # fmt: skip
    # The drag events take a QPoint, the drop a QPointF (in every PySide6 from 6.8).
    events = (QDragEnterEvent(QPoint(10, 10), *rest), QDragMoveEvent(QPoint(10, 10), *rest),
              QDropEvent(QPointF(10, 10), *rest))  # fmt: skip
    for event in events:
        kind = type(event)
        QApplication.sendEvent(viewport, event)
        assert event.isAccepted(), kind.__name__


def row_texts(window: object) -> list[str]:
    lst = window.references.list  # type: ignore[attr-defined]
    return [lst.item(r).text().splitlines()[0] for r in range(lst.count())]


def chip_texts(window: object) -> list[str]:
    return [b.text() for b in window.composer.chip_buttons]  # type: ignore[attr-defined]


def test_a_drop_of_several_links_fills_the_slots(
    qtbot: QtBot, windows: WindowFactory, sample_links: list[str]
) -> None:
    window = windows()
    mime = QMimeData()
    mime.setUrls([QUrl(link) for link in sample_links[:2]])
    drop(window.references.list, mime)
    assert window.references.links() == sample_links[:2]
    assert row_texts(window)[0].startswith("character1 · sample-fractal.mp4 · 127.0.0.1")
    assert row_texts(window)[1].startswith("character2 · sample-red-box.mp4")
    assert [c.split(" · ")[0] for c in chip_texts(window)] == ["character1", "character2"]
    assert chip_texts(window)[0] == "character1"
    assert "sample-fractal" in window.composer.chip_buttons[0].toolTip()
    text = QMimeData()
    text.setText(f"  {sample_links[2]}\n")
    drop(window.references.list, text)
    assert len(window.references.links()) == 3
    # the rows are checked without the key: type and size arrive, then duration and frame size
    qtbot.waitUntil(
        lambda: all("MB" in window.references.list.item(r).text() for r in range(3)), timeout=10_000
    )
    qtbot.waitUntil(lambda: "480×270" in window.references.list.item(0).text(), timeout=20_000)


def test_reordering_renumbers_slots_and_chips(
    windows: WindowFactory, sample_links: list[str]
) -> None:
    window = windows()
    window.references.add_links(sample_links)
    assert window.references.list.model().moveRow(QModelIndex(), 2, QModelIndex(), 0)
    assert window.references.links() == [sample_links[2], *sample_links[:2]]
    assert row_texts(window)[0].startswith("character1 · sample-swarm.mp4")
    assert row_texts(window)[1].startswith("character2 · sample-fractal.mp4")
    assert "sample-swarm" in window.composer.chip_buttons[0].toolTip()
    window.composer.chip_buttons[0].click()
    assert window.composer.prompt.toPlainText() == "character1 "


def test_fourth_duplicate_local_and_non_links_are_refused(
    windows: WindowFactory, sample_links: list[str]
) -> None:
    window = windows()
    refs = window.references
    assert refs.add_links(sample_links) == []
    fourth = refs.add_links(["https://example.com/d.mp4"])
    assert fourth == ["Wan 2.6 takes at most 3 references."]
    assert refs.message.text() == fourth[0]
    refs.list.setCurrentRow(0)
    refs.remove_selected()
    duplicate = refs.add_links([sample_links[1]])
    assert "already in the list" in duplicate[0]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile("/home/me/cat.mp4")])
    not_link = refs.add_links(["a cat on a sofa"])
    assert "not a link to a clip" in not_link[0]
    drop(refs.list, mime)  # a clip from a file manager: uploaded to the creator's storage
    # One short line per local clip.
    assert (
        refs.message.text() == "cat.mp4: from this computer, sent through your storage at Generate."
    )
    assert refs.links() == [*sample_links[1:], "file:///home/me/cat.mp4"]


def test_paste_adds_links(windows: WindowFactory, sample_links: list[str]) -> None:
    window = windows()
    QGuiApplication.clipboard().setText("\n".join(sample_links[:2]))
    window.references.paste()
    assert window.references.links() == sample_links[:2]


def test_invalid_request_disables_generate_and_says_why(
    windows: WindowFactory, sample_links: list[str]
) -> None:
    window = windows()
    composer = window.composer
    assert not composer.generate_button.isEnabled()
    assert "Add 1 to 3 reference clips." in composer.reason.text()
    assert "Write a prompt that describes the scene." in composer.reason.text()
    window.references.add_links(sample_links[:1])
    composer.prompt.setPlainText("character1 and character2 dance")
    assert composer.generate_button.isEnabled()
    assert "character2 is mentioned, but reference slot 2 is empty" in composer.notes.text()
    composer.prompt.setPlainText("x" * 1501)
    assert not composer.generate_button.isEnabled()
    assert "Shorten the prompt to 1500 characters (it has 1501)." in composer.reason.text()
    assert composer.prompt_counter.text() == "1501 / 1500"
    composer.prompt.setPlainText("character1 " + "y" * 850)
    assert "over 800 characters" in composer.notes.text()
    assert composer.generate_button.isEnabled()


def test_the_request_carries_every_choice(windows: WindowFactory, sample_links: list[str]) -> None:
    window = windows()
    composer = window.composer
    window.references.add_links(sample_links[:2])
    composer.prompt.setPlainText("character1 meets character2")
    composer.negative.setPlainText("blur")
    composer.aspect.buttons[AspectRatio.PORTRAIT].click()
    composer.resolution.button(0).click()
    composer.duration.button(2).click()
    composer.shot_type.setCurrentIndex(1)
    composer.seed.field.setText("1234")
    request = composer.request()
    assert request.aspect_ratio is AspectRatio.PORTRAIT
    assert request.resolution is Resolution.HD
    assert request.duration == 15
    assert request.shot_type is ShotType.MULTI
    assert request.seed == 1234
    assert request.negative_prompt == "blur"
    composer.enhance.setChecked(False)
    assert not composer.shot_type.isEnabled()
    assert "only takes effect with prompt expansion" in composer.shot_note.text()
    assert composer.request().shot_type is None
    assert composer.request().enhance_prompt is False
    composer.seed.roll()
    assert composer.request().seed is not None
    composer.sent()
    assert composer.request().seed is None and composer.seed.field.text() == ""
    composer.seed.field.setText("77")
    composer.seed.lock.setChecked(True)
    composer.sent()
    assert composer.request().seed == 77


def test_the_prompt_counter_counts_what_is_checked_and_turns_red_past_the_limit(
    windows: WindowFactory,
) -> None:
    composer = windows().composer
    composer.prompt.setPlainText("  " + "a" * 1500 + "\n")
    assert composer.prompt_counter.text() == "1500 / 1500"  # the edges' spaces are not sent
    assert composer.prompt_counter.styleSheet() == ""
    composer.prompt.setPlainText("a" * 1501)
    assert composer.prompt_counter.text() == "1501 / 1500"
    assert "color:#d62828" in composer.prompt_counter.styleSheet()
    assert "(it has 1501)" in composer.reason.text()  # the same number as the counter

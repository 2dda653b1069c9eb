"""CharacterPanel: the characters a creator keeps (the journal's), beside the composer.
Drag one onto the reference list (or press Enter on it) to add its takes; keep the
selected reference as a character; rename and forget, with undo. Forgetting a character
never touches the jobs that used it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Protocol

from PySide6.QtCore import QMimeData, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QIcon, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QInputDialog,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.character import Character, Take
from desktop_app.domain.errors import InvalidInputError
from desktop_app.qt.frame_files import png_bytes
from desktop_app.qt.plain_text import plain_tooltip
from desktop_app.ui.labels import InfoLabel

NAME_ROLE = Qt.ItemDataRole.UserRole + 1
THUMBNAIL_WIDTH = 160
CHARACTER_MIME = "application/x-wan-studio-character"


class CharacterBook(Protocol):
    """Where characters are kept (the journal)."""

    def characters(self) -> list[Character]: ...
    def keep_character(self, character: Character) -> None: ...
    def rename_character(self, old: str, new: str) -> bool: ...
    def forget_character(self, name: str) -> bool: ...
    def merge_characters(self, into: str, other: str) -> Character: ...


class _CharacterList(QListWidget):
    def __init__(self, panel: CharacterPanel) -> None:
        super().__init__(panel)
        self._panel = panel
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)

    def mimeData(self, items: Sequence[QListWidgetItem]) -> QMimeData:
        """A character dragged out: its takes as links (the reference list takes them)."""
        mime = QMimeData()
        names = [str(item.data(NAME_ROLE)) for item in items]
        takes = [t.ref for name in names if (c := self._panel.character(name)) for t in c.takes]
        mime.setUrls([QUrl(ref) for ref in takes])
        mime.setData(CHARACTER_MIME, "\n".join(names).encode())
        return mime


class CharacterPanel(QWidget):
    use_requested = Signal(object)
    """A Character whose takes go to the reference list."""
    changed = Signal()
    """The kept characters changed (names shown elsewhere follow)."""
    said = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._book: CharacterBook | None = None
        self._kept: dict[str, Character] = {}
        self._undo: Callable[[CharacterBook], str] | None = None
        """What brings back the last rename, merge or forget (and says so)."""
        self.list = _CharacterList(self)
        self.list.setAccessibleName("Characters")
        self.list.setToolTip(
            "Your characters: drag one onto the references (or press Enter) to use it"
        )
        self.list.itemActivated.connect(self._on_item_activated)
        self.list.setIconSize(QSize(64, 36))
        self.keep_button = QPushButton("Keep…")
        self.keep_button.setToolTip("Keep the selected reference as a character, to use again")
        self.rename_button = QPushButton("Rename…")
        self.rename_button.clicked.connect(self.rename_selected)
        self.merge_button = QPushButton("Merge…")
        self.merge_button.setToolTip("Add another character's takes to this one")
        self.merge_button.clicked.connect(self.merge_selected)
        self.forget_button = QPushButton("Forget")
        self.forget_button.setToolTip("Forget this character (the jobs that used it stay)")
        self.forget_button.clicked.connect(self.forget_selected)
        self.undo_button = QPushButton("Undo")
        self.undo_button.setVisible(False)
        self.undo_button.clicked.connect(self.undo)
        self.message = InfoLabel("Characters message")
        buttons = QGridLayout()  # two by two: the panel stays narrow
        for n, button in enumerate((self.keep_button, self.rename_button, self.merge_button,
                                    self.forget_button, self.undo_button)):  # fmt: skip
            buttons.addWidget(button, n // 2, n % 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        delete = QShortcut(QKeySequence.StandardKey.Delete, self.list)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.forget_selected)
        self.said.connect(self.message.setText)

    def attach(self, book: CharacterBook) -> None:
        self._book = book
        self.reload()

    def character(self, name: str) -> Character | None:
        return self._kept.get(name.lower())

    def named(self, ref: str) -> str | None:
        """The name of the character one of whose takes is `ref`."""
        return next((c.name for c in self._kept.values() if ref in (t.ref for t in c.takes)),
                    None)  # fmt: skip

    def reload(self) -> None:
        if self._book is None:
            return
        kept = self._book.characters()
        self._kept = {c.name.lower(): c for c in kept}
        self.list.clear()
        for character in kept:
            clips, stills = len(character.clips()), len(character.stills())
            item = QListWidgetItem(f"{character.name} · {clips} clip(s), {stills} still(s)")
            item.setData(NAME_ROLE, character.name)
            item.setToolTip(plain_tooltip(character.note or character.name))
            picture = QPixmap()
            if character.thumbnail_png and picture.loadFromData(character.thumbnail_png, "PNG"):
                item.setIcon(QIcon(picture))
            self.list.addItem(item)
        self.changed.emit()

    def keep(
        self, name: str, takes: Sequence[Take], note: str = "", picture: QImage | None = None
    ) -> bool:
        """Keep a character (with `picture`, its first take's thumbnail, when there is one);
        False (said why) when it breaks a rule."""
        if self._book is None:
            return False
        thumbnail = None
        if picture is not None and not picture.isNull():
            small = picture.scaledToWidth(
                THUMBNAIL_WIDTH, Qt.TransformationMode.SmoothTransformation
            )
            thumbnail = png_bytes(small)
        try:
            self._book.keep_character(Character(name.strip(), tuple(takes), note, thumbnail))
        except InvalidInputError as error:
            self.said.emit(f"Not kept: {error}")
            return False
        self.reload()
        self.said.emit(f"{name.strip()} is kept: drag it onto the references to use it.")
        return True

    def set_picture(self, name: str, thumbnail_png: bytes) -> None:
        """Give the character `name` its thumbnail (made after it was kept)."""
        character = self.character(name)
        if character is not None and self._book is not None:
            self._book.keep_character(replace(character, thumbnail_png=thumbnail_png))
            self.reload()

    def ask_and_keep(
        self, takes: Sequence[Take], ask: Callable[[], str | None], picture: QImage | None = None
    ) -> None:
        if not takes:
            self.said.emit("Select a reference first: it becomes the character's take.")
            return
        name = ask()
        if name:
            self.keep(name, takes, picture=picture)

    def selected(self) -> Character | None:
        item = self.list.currentItem()
        return self.character(str(item.data(NAME_ROLE))) if item is not None else None

    def rename_selected(self) -> None:
        character = self.selected()
        if character is None or self._book is None:
            return
        new, ok = QInputDialog.getText(self, "Rename", "New name", text=character.name)
        if ok and new.strip():
            self.rename(character.name, new.strip())

    def rename(self, old: str, new: str) -> None:
        assert self._book is not None
        try:
            self._book.rename_character(old, new)
        except InvalidInputError as error:
            self.said.emit(f"Not renamed: {error}")
            return

        def rename_back(book: CharacterBook) -> str:
            book.rename_character(new, old)
            return f"{new} is {old} again."

        self._can_undo(rename_back)
        self.reload()
        self.said.emit(f"{old} is now {new}.")

    def forget_selected(self) -> None:
        character = self.selected()
        if character is None or self._book is None:
            return
        self._book.forget_character(character.name)

        def keep_again(book: CharacterBook) -> str:
            book.keep_character(character)
            return f"{character.name} is back."

        self._can_undo(keep_again)
        self.reload()
        self.said.emit(f"{character.name} is forgotten; the jobs that used it are unchanged.")

    def merge_selected(self) -> None:
        character = self.selected()
        others = [c.name for c in self._kept.values() if c is not character]
        if character is None or not others:
            self.said.emit("Select a character, and keep another to merge into it.")
            return
        other, ok = QInputDialog.getItem(
            self, "Merge", f"Add the takes of this character to {character.name}:", others,
            editable=False,
        )  # fmt: skip
        if ok and other:
            self.merge(character.name, other)

    def merge(self, into: str, other: str) -> None:
        """`other`'s takes join `into`'s, and `other` is forgotten; Undo brings both back."""
        kept, merged_in = self.character(into), self.character(other)
        if self._book is None or kept is None or merged_in is None:
            return
        try:
            merged = self._book.merge_characters(kept.name, merged_in.name)
        except InvalidInputError as error:
            self.said.emit(f"Not merged: {error}")
            return

        def unmerge(book: CharacterBook) -> str:
            book.keep_character(kept)
            book.keep_character(merged_in)
            return f"{kept.name} and {merged_in.name} are apart again."

        self._can_undo(unmerge)
        self.reload()
        takes = len(merged.takes)
        self.said.emit(f"{merged_in.name} is merged into {merged.name} ({takes} takes); "
                       "the jobs that used them are unchanged.")  # fmt: skip

    def undo(self) -> None:
        """Bring back what the last rename, merge or forget changed."""
        undo, self._undo = self._undo, None
        self.undo_button.setVisible(False)
        if undo is not None and self._book is not None:
            message = undo(self._book)
            self.reload()
            self.said.emit(message)

    def _can_undo(self, undo: Callable[[CharacterBook], str]) -> None:
        self._undo = undo
        self.undo_button.setVisible(True)

    def _on_item_activated(self, item: QListWidgetItem) -> None:
        character = self.character(str(item.data(NAME_ROLE)))
        if character is not None:
            self.use_requested.emit(character)

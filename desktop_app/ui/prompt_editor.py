"""PromptEditor: the prompt text with its character tags highlighted, and completion of
kept characters' names: typing two letters of a character's name (or of its tag) offers
"character1 · Mia", and taking it writes the tag."""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeyEvent,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QCompleter, QPlainTextEdit, QWidget

from desktop_app.domain.prompt import TAG

WORD_BEFORE = re.compile(r"\w+$")
COMPLETE_AFTER = 2
"""Letters typed before completion offers anything."""
POPUP_KEYS = frozenset({Qt.Key.Key_Enter, Qt.Key.Key_Return, Qt.Key.Key_Escape, Qt.Key.Key_Tab,
                        Qt.Key.Key_Backtab})  # fmt: skip
SLOT_COLOURS = ("#2a9d8f", "#e76f51", "#8e7dbe", "#e9a100", "#3a86ff")
EMPTY_SLOT_COLOUR = "#d62828"


class CharacterTagHighlighter(QSyntaxHighlighter):
    """Colours the names of the references given (`character1`, or `Image 1` and `Video 1`,
    as the model names them) by their row; a name with no reference is struck out."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.pattern: re.Pattern[str] = TAG
        self.names: tuple[str, ...] = ()

    def set_names(self, pattern: re.Pattern[str], names: Sequence[str]) -> None:
        if (pattern, tuple(names)) != (self.pattern, self.names):
            self.pattern, self.names = pattern, tuple(names)
            self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        for match in self.pattern.finditer(text):
            name = match.group(0)
            style = QTextCharFormat()
            style.setFontWeight(QFont.Weight.Bold)
            if name in self.names:
                colour = SLOT_COLOURS[self.names.index(name) % len(SLOT_COLOURS)]
                style.setForeground(QColor(colour))
            else:
                style.setForeground(QColor(EMPTY_SLOT_COLOUR))
                style.setFontStrikeOut(True)
            self.setFormat(match.start(), match.end() - match.start(), style)


class PromptEditor(QPlainTextEdit):
    def __init__(
        self, placeholder: str, accessible_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setAccessibleName(accessible_name)
        self.setTabChangesFocus(True)
        self.highlighter = CharacterTagHighlighter(self.document())
        self._offers = QStringListModel(self)
        self._tag_of: dict[str, str] = {}
        self.completer = QCompleter(self._offers, self)
        self.completer.setWidget(self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.activated.connect(self._take_offer)

    def set_offers(self, offers: Sequence[tuple[str, str]]) -> None:
        """(tag, kept character's name) of the references that are a kept character's
        take, in slot order: what completion offers."""
        texts = [f"{tag} · {name}" for tag, name in offers]
        self._tag_of = {text: tag for text, (tag, _) in zip(texts, offers, strict=True)}
        self._offers.setStringList(texts)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        popup = self.completer.popup()
        assert popup is not None  # a completer always has its popup
        if popup.isVisible() and event.key() in POPUP_KEYS:
            if not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                event.ignore()  # the completer's popup takes them (Enter takes the offer)
                return
            popup.hide()
        super().keyPressEvent(event)
        word = self._word_before_cursor()
        if not event.text() or len(word) < COMPLETE_AFTER:
            popup.hide()
            return
        self.completer.setCompletionPrefix(word)
        if self.completer.completionCount() == 0:
            popup.hide()
            return
        popup.setCurrentIndex(self.completer.completionModel().index(0, 0))
        area = self.cursorRect()
        bar = popup.verticalScrollBar()
        area.setWidth(popup.sizeHintForColumn(0) + (bar.sizeHint().width() if bar else 0))
        self.completer.complete(area)

    def _word_before_cursor(self) -> str:
        before = self.toPlainText()[: self.textCursor().position()]
        found = WORD_BEFORE.search(before)
        return found.group(0) if found else ""

    def _take_offer(self, text: str) -> None:
        """Write the offer's tag in place of the letters typed."""
        tag = self._tag_of.get(text)
        if tag is None:
            return
        cursor = self.textCursor()
        typed = len(self._word_before_cursor())
        cursor.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, typed)
        cursor.insertText(f"{tag} ")
        self.setTextCursor(cursor)

    def insert_tag(self, tag: str) -> None:
        cursor = self.textCursor()
        before = self.toPlainText()[: cursor.position()]
        spacer = "" if not before or before[-1].isspace() else " "
        cursor.insertText(f"{spacer}{tag} ")
        self.setFocus()

"""PromptEditor: the prompt text with its character tags highlighted, and a counter."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from desktop_app.domain.prompt import TAG

SLOT_COLOURS = {1: "#2a9d8f", 2: "#e76f51", 3: "#8e7dbe"}
EMPTY_SLOT_COLOUR = "#d62828"


class CharacterTagHighlighter(QSyntaxHighlighter):
    """Colours `character1`..`character3` by slot; a tag whose slot is empty is struck out."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.filled_slots = 0

    def set_filled_slots(self, count: int) -> None:
        if count != self.filled_slots:
            self.filled_slots = count
            self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        for match in TAG.finditer(text):
            slot = int(match.group(1))
            style = QTextCharFormat()
            style.setFontWeight(QFont.Weight.Bold)
            if slot <= self.filled_slots:
                style.setForeground(QColor(SLOT_COLOURS.get(slot, EMPTY_SLOT_COLOUR)))
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

    def insert_tag(self, tag: str) -> None:
        cursor = self.textCursor()
        before = self.toPlainText()[: cursor.position()]
        spacer = "" if not before or before[-1].isspace() else " "
        cursor.insertText(f"{spacer}{tag} ")
        self.setFocus()

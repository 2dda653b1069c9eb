"""PromptEditor: the prompt text with its character tags highlighted, and a counter."""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from desktop_app.domain.prompt import TAG

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

    def insert_tag(self, tag: str) -> None:
        cursor = self.textCursor()
        before = self.toPlainText()[: cursor.position()]
        spacer = "" if not before or before[-1].isspace() else " "
        cursor.insertText(f"{spacer}{tag} ")
        self.setFocus()

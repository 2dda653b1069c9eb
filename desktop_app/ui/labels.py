"""InfoLabel: a label that shows text that may come from outside (server answers, links,
file names) as plain text, never as markup, and that a screen reader reads as that text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


class InfoLabel(QLabel):
    def __init__(self, purpose: str, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAccessibleDescription(purpose)
        self.setText(text)

    def setText(self, text: str) -> None:
        super().setText(text)
        # A screen reader reads the name: let it be what the label says now.
        self.setAccessibleName(text or self.accessibleDescription())

"""What the window says when it cannot start: a dialog, before the main window opens, with
a sentence and a way out (move a damaged journal aside, choose another data folder)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop_app.domain.errors import WanStudioError
from desktop_app.journal.errors import BrokenJournalError
from desktop_app.journal.repair import set_aside
from desktop_app.meta import APP_NAME

T = TypeVar("T")


def open_or_explain(opening: Callable[[], T]) -> T | None:
    """Run `opening` (it builds what the window needs); on a storage failure, say why and
    offer what can be done. None: the creator chose to quit."""
    while True:
        try:
            return opening()
        except BrokenJournalError as error:
            if not _ask_to_set_aside(error):
                return None
            set_aside(error.path)
        except WanStudioError as error:  # the data folder, the disk, the base URL
            _explain(error.explain())
            return None


def _box(text: str) -> QMessageBox:
    box = QMessageBox()
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(f"{APP_NAME} cannot start")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    return box


def _ask_to_set_aside(error: BrokenJournalError) -> bool:
    box = _box(error.explain())
    move = box.addButton("Move it aside and start a new journal", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is move


def _explain(text: str) -> None:
    box = _box(text)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.exec()

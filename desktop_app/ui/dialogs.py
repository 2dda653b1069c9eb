"""Dialogs the first frame may need: About, and the copyable error message (the key dialog
and Settings are in modules of their own, loaded with the engine)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QMessageBox,
    QWidget,
)

from desktop_app.meta import APP_ID, APP_NAME, VERSION

KEYS_PAGE = "https://aimlapi.com/app/keys"


def show_error(parent: QWidget | None, title: str, sentence: str) -> None:
    """A failure told as a sentence; the text (with any request id) can be copied."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(sentence)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    copy = box.addButton("Copy text", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    copy.clicked.disconnect()
    copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(f"{title}: {sentence}"))
    box.open()


def open_link(parent: QWidget | None, url: str, what: str) -> None:
    """Open `url` in the browser; where none opens, show it as text to copy."""
    if not QDesktopServices.openUrl(QUrl(url)):
        show_error(parent, f"Open {what}", f"No browser could be opened. The address is {url}")


def show_about(parent: QWidget | None) -> None:
    QMessageBox.about(
        parent,
        f"About {APP_NAME}",
        f"<b>{APP_NAME}</b> {VERSION}<br>{APP_ID}<br><br>"
        "Short clips with Alibaba's Wan 2.6 and 2.7 reference-to-video models through "
        "AI/ML API.",
    )

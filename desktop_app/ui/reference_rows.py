"""What the reference list reads from a drop, a paste or a typed line, and the list widget
that reorders its rows by dragging and takes links dropped from outside."""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from PySide6.QtCore import QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QWidget

from desktop_app.domain.references import direct_link, local_path

LOCAL_CLIP_NOTE = "{name}: from this computer, sent through your storage at Generate."
DEMO_LOCAL_NOTE = "{name}: from this computer, served by the demo's simulator."


def as_reference(text: str, *, demo: bool = False) -> tuple[str, str | None]:
    """What the list keeps for `text`, and a note to say: a file on this computer as its
    file:// URL, a known share page as its direct-download link, any other link as it is."""
    path = local_path(text)
    if path is not None:
        name = path.name or str(path)
        return path.resolve().as_uri(), (DEMO_LOCAL_NOTE if demo else LOCAL_CLIP_NOTE).format(
            name=name
        )
    direct = direct_link(text.strip())
    return direct.url, direct.note


def links_from_mime(mime: QMimeData) -> list[str]:
    """Every link in a drop or paste: text/uri-list first, else lines of text/plain."""
    if mime.hasUrls():
        return [url.toString() for url in mime.urls() if not url.isEmpty()]
    return [line.strip() for line in mime.text().splitlines() if line.strip()]


def describe_link(url: str) -> tuple[str, str]:
    """(host, file name) of a link, for its row."""
    parts = urlsplit(url)
    name = unquote(PurePosixPath(parts.path).name) or "(no file name)"
    return parts.hostname or "?", name


class LinkList(QListWidget):
    """A list that reorders its rows by dragging and takes links dropped from outside."""

    links_dropped = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setAcceptDrops(True)
        self.setIconSize(QSize(96, 54))
        self.setWordWrap(True)

    def _external(self, event: QDropEvent | QDragMoveEvent | QDragEnterEvent) -> bool:
        return event.source() is not self and (
            event.mimeData().hasUrls() or event.mimeData().hasText()
        )

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._external(event):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._external(event):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        if self._external(event):
            self.links_dropped.emit(links_from_mime(event.mimeData()))
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            super().dropEvent(event)

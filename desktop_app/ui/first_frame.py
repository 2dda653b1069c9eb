"""FirstFrameSlot: the picture a clip starts from, for models that take one (Wan 2.7). A
still dropped or pasted here, picked from a file, or taken from a frame of the player.
When it is set the service ignores the aspect ratio: the slot says so."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QPixmap
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QWidget

from desktop_app.domain.references import IMAGE_SUFFIXES, is_image_link
from desktop_app.qt.plain_text import plain_tooltip
from desktop_app.ui.reference_checks import ReferenceChecks
from desktop_app.ui.reference_rows import as_reference, describe_link, links_from_mime

EMPTY_TEXT = "First frame: none (drop a still here, or use a frame of the player)"


class FirstFrameSlot(QWidget):
    changed = Signal()
    """The first frame was set, replaced or cleared."""
    said = Signal(str)
    """Something to tell the creator about what was dropped here."""

    def __init__(self, checks: ReferenceChecks, *, demo: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self._checks = checks
        self._demo = demo
        self._link: str | None = None
        self.picture = QLabel()
        self.picture.setFixedSize(96, 54)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setStyleSheet("border: 1px dashed palette(mid)")
        self.text = QLabel(EMPTY_TEXT)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setAccessibleName("First frame")
        self.choose_button = QPushButton("Choose…")
        self.choose_button.setToolTip("Pick a still on this computer as the first frame")
        self.choose_button.setAccessibleName("Choose a first frame")
        self.choose_button.clicked.connect(self.choose)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setAccessibleName("Clear the first frame")
        self.clear_button.clicked.connect(lambda: self.set_link(None))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.picture)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.choose_button)
        layout.addWidget(self.clear_button)
        self.setAcceptDrops(True)
        self.setToolTip(
            "The clip starts from this picture (JPEG, PNG, BMP or WEBP, 240 to 8,000 pixels "
            "a side). With a first frame the service ignores the aspect ratio."
        )
        checks.changed.connect(self.refresh)
        self.refresh()

    def link(self) -> str | None:
        return self._link

    def set_link(self, link: str | None) -> None:
        if link == self._link:
            return
        self._link = link
        if link is not None:
            self._checks.watch(link, image=True)
        self.refresh()
        self.changed.emit()

    def take(self, text: str) -> bool:
        """A dropped, pasted or picked still as the first frame; False (and said why) for
        anything that is not one."""
        link, _note = as_reference(text, demo=self._demo)
        if not is_image_link(link):
            name = describe_link(link)[1]
            self.said.emit(
                f"{name} is not a still image (JPEG, PNG, BMP or WEBP): it cannot be the "
                "first frame."
            )
            return False
        self.set_link(link)
        return True

    def choose(self) -> None:
        patterns = " ".join(f"*{suffix}" for suffix in IMAGE_SUFFIXES)
        path, _ = QFileDialog.getOpenFileName(self, "First frame", "", f"Stills ({patterns})")
        if path:
            self.take(path)

    def paste(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        links = links_from_mime(mime) if mime is not None else []
        if links:
            self.take(links[0])

    def refresh(self) -> None:
        link = self._link
        self.clear_button.setEnabled(link is not None)
        if link is None:
            self.text.setText(EMPTY_TEXT)
            self.picture.clear()
            return
        name = describe_link(link)[1]
        still = self._checks.still_of(link)
        details = []
        if still is not None:
            details.append(f"{still.size.width()}×{still.size.height()}")
            self.picture.setPixmap(
                QPixmap.fromImage(still.thumbnail).scaled(
                    self.picture.size(), Qt.AspectRatioMode.KeepAspectRatio
                )
            )
        else:
            self.picture.clear()
        if self._checks.failed(link):
            check = self._checks.check_of(link)
            warnings = " ".join(check.warnings) if check else ""
            details.append(f"⚠ CHECK FAILED {warnings}".strip())
        suffix = f" · {'; '.join(details)}" if details else ""
        self.text.setText(f"First frame · {name}{suffix} · the aspect ratio is ignored")
        self.text.setToolTip(plain_tooltip(link))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() or event.mimeData().hasText():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        links = links_from_mime(event.mimeData())
        if links and self.take(links[0]):
            event.acceptProposedAction()

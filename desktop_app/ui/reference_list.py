"""ReferenceList: the references, in the order the prompt names them, and the first frame.

What it offers is the chosen model's (`set_model`): Wan 2.6 takes 1 to 3 clips, named
character1..3 by row; Wan 2.7 takes clips and stills (up to 5 together), named "Video 1",
"Image 1" per kind, and a first frame. Links arrive by drop (text/uri-list or text/plain,
several at once), paste, or the URL field; a still is told from a clip by its file name.
Rows reorder by dragging. Each link is checked without the API key (`ReferenceChecks`);
checks warn and never block a submit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.models import WAN_26, ModelSpec
from desktop_app.domain.prompt import IMAGE, VIDEO, slot_names
from desktop_app.domain.reference_check import ReferenceCheck
from desktop_app.domain.references import is_image_link, local_path
from desktop_app.domain.request import reference_url_problem
from desktop_app.qt.composer_state import Row
from desktop_app.qt.frame_grabber import ClipFacts, FrameGrabber
from desktop_app.qt.plain_text import plain_tooltip
from desktop_app.ui.first_frame import FirstFrameSlot
from desktop_app.ui.labels import InfoLabel
from desktop_app.ui.reference_checks import CheckReference, FetchPreview, ReferenceChecks
from desktop_app.ui.reference_rows import LinkList, as_reference, describe_link, links_from_mime
from desktop_app.ui.reference_text import row_lines

if TYPE_CHECKING:
    from desktop_app.tasks import TaskGroup  # the first frame imports no asyncio

URL_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2
__all__ = ["CheckReference", "FetchPreview", "ReferenceList", "describe_link"]


class ReferenceList(QWidget):
    references_changed = Signal(list)
    """The links, in list order (the first frame is not among them)."""
    play_requested = Signal(str, str)
    """(link, title)."""
    trim_requested = Signal(str, float)
    """(link, seconds) of a clip on this computer to cut a part of (the trimmer)."""

    def __init__(self, parent: QWidget | None = None, *, demo: bool = False) -> None:
        """The list, shown at once; its links are checked once `attach` brings the means."""
        super().__init__(parent)
        self.demo = demo
        self.spec: ModelSpec = WAN_26
        self.names_of: Callable[[str], str | None] = lambda _url: None
        """The kept character a link is a take of (the window sets it)."""
        self._uploads: dict[str, tuple[int, int]] = {}
        self.checks = ReferenceChecks(self)
        self.checks.changed.connect(self._refresh_rows)
        # Queued: the trimmer opens after the check's task step, never inside it.
        self.checks.too_long.connect(self.trim_requested, Qt.ConnectionType.QueuedConnection)

        self.list = LinkList()
        self.list.setAccessibleName("References")
        self.list.links_dropped.connect(self.add_links)
        self.list.model().rowsMoved.connect(self._on_rows_changed)
        self.list.model().rowsRemoved.connect(self._on_rows_changed)
        self.list.model().rowsInserted.connect(self._on_rows_changed)
        self.list.itemDoubleClicked.connect(self._on_list_item_double_clicked)
        self.url_field = QLineEdit()
        self.url_field.setAccessibleName("Reference link")
        self.url_field.returnPressed.connect(self._on_url_field_return_pressed)
        self.add_button = QPushButton("Add")
        self.add_button.setToolTip("Add the link typed on the left")
        self.add_button.clicked.connect(self._on_url_field_return_pressed)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove the selected reference (Delete)")
        self.remove_button.clicked.connect(self.remove_selected)
        self.message = InfoLabel("Reference message")
        self.first_frame = FirstFrameSlot(self.checks, demo=demo)
        self.first_frame.said.connect(self.message.setText)

        field_row = QHBoxLayout()
        field_row.addWidget(self.url_field, 1)
        field_row.addWidget(self.add_button)
        field_row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(field_row)
        layout.addWidget(self.first_frame)
        layout.addWidget(self.message)

        for keys, slot in (
            (QKeySequence.StandardKey.Delete, self.remove_selected),
            (QKeySequence.StandardKey.Paste, self.paste),
        ):
            shortcut = QShortcut(keys, self.list)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        self.set_model(WAN_26)

    def attach(
        self,
        check_reference: CheckReference,
        fetch_preview: FetchPreview,
        grabber: FrameGrabber,
        tasks: TaskGroup,
    ) -> None:
        """The means to check links (the engine, after the first frame): the links listed
        so far are checked now."""
        self.checks.attach(
            check_reference, fetch_preview, grabber, tasks, wanted=lambda url: url in self.links()
        )
        for url, kind in zip(self.links(), self.kinds(), strict=True):
            self.checks.watch(url, image=kind == IMAGE)
        first = self.first_frame.link()
        if first is not None:
            self.checks.watch(first, image=True)

    def set_model(self, spec: ModelSpec) -> None:
        """Offer what `spec` takes (the rows already listed are the composer's to fit)."""
        self.spec = spec
        words = ", ".join(slot_names(spec, [VIDEO] * spec.max_videos)[:3])
        stills = " and stills (jpg, png, bmp, webp)" if spec.takes_images else ""
        self.list.setToolTip(
            f"{spec.short_name}: 1 to {spec.max_references} clips{stills}, named {words}… in "
            "the prompt by their order here. Drag rows to reorder; drop or paste links here; "
            "Delete removes the selected one."
        )
        self.url_field.setPlaceholderText(
            "https://… clip or still link, then Enter"
            if spec.takes_images
            else "https://… clip link (mp4, mov), then Enter"
        )
        self.first_frame.setVisible(spec.first_frame)
        self._refresh_rows()

    # -- reading -----------------------------------------------------------------------------

    def links(self) -> list[str]:
        return [str(self.list.item(row).data(URL_ROLE)) for row in range(self.list.count())]

    def kinds(self) -> list[str]:
        return [str(self.list.item(row).data(KIND_ROLE)) for row in range(self.list.count())]

    def videos(self) -> list[str]:
        return [url for url, kind in zip(self.links(), self.kinds(), strict=True) if kind == VIDEO]

    def images(self) -> list[str]:
        return [url for url, kind in zip(self.links(), self.kinds(), strict=True) if kind == IMAGE]

    def names(self) -> list[str]:
        """How the prompt names each row, in order."""
        return slot_names(self.spec, self.kinds())

    def check_of(self, url: str) -> ReferenceCheck | None:
        return self.checks.check_of(url)

    def facts_of(self, url: str) -> ClipFacts | None:
        return self.checks.facts_of(url)

    # -- changing ----------------------------------------------------------------------------

    def add_links(self, candidates: list[str]) -> list[str]:
        """Add each acceptable reference (a link, or a file on this computer: a path or a
        file:// URL; a known share page becomes its direct-download link); say why any
        other was refused. Returns the refusals."""
        refusals, notes = [], []
        for raw in candidates:
            text, note = as_reference(raw, demo=self.demo)
            kind = IMAGE if is_image_link(text) else VIDEO
            refusal = self._refusal(text, kind)
            if refusal:
                if refusal not in refusals:
                    refusals.append(refusal)
                continue
            if note:
                notes.append(note)
            self._add_row(text, kind)
        self.message.setText(" ".join([*refusals, *notes]))
        self._refresh_rows()
        return refusals

    def rows(self) -> tuple[Row, ...]:
        """(link, kind) of each row, in order."""
        return tuple(zip(self.links(), self.kinds(), strict=True))

    def set_rows(self, rows: Sequence[Row]) -> None:
        """These rows, in this order (a loaded request: its clips, then its stills)."""
        self.list.clear()
        for url, kind in rows:
            self._add_row(url, kind)
        self.message.clear()
        self._refresh_rows()

    def set_links(self, links: list[str]) -> None:
        self.list.clear()
        self.add_links(links)

    def _add_row(self, url: str, kind: str) -> None:
        item = QListWidgetItem()
        item.setData(URL_ROLE, url)
        item.setData(KIND_ROLE, kind)
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsDropEnabled)
        self.list.addItem(item)
        self.checks.watch(url, image=kind == IMAGE)

    def show_upload(self, field: str, slot: int, sent: int, total: int) -> None:
        """How far a file of the request (its field, and its place there) has gone up to
        the creator's storage."""
        files = {"video_urls": self.videos(), "image_urls": self.images(),
                 "first_frame_image": [self.first_frame.link() or ""]}.get(field, [])  # fmt: skip
        if 1 <= slot <= len(files):
            self._uploads[files[slot - 1]] = (sent, total)
            self._refresh_rows()

    def uploads_over(self) -> None:
        if self._uploads:
            self._uploads.clear()
            self._refresh_rows()

    def _refusal(self, text: str, kind: str) -> str | None:
        spec = self.spec
        problem = reference_url_problem(text)
        if problem:
            return f"“{text[:60]}” is not a link to a clip or a still: it {problem}."
        name = describe_link(text)[1]
        if text in self.links():
            return f"{name} is already in the list."
        if kind == IMAGE and not spec.takes_images:
            return (
                f"{name} is a still image: {spec.short_name} takes clips only. Pick a model "
                "that takes stills (Model, at the top) to use it."
            )
        if self.list.count() >= spec.max_references:
            return f"{spec.short_name} takes at most {spec.max_references} references."
        kinds = self.kinds()
        if kind == IMAGE and kinds.count(IMAGE) >= spec.max_images:
            return f"{spec.short_name} takes at most {spec.max_images} stills."
        if kind == VIDEO and kinds.count(VIDEO) >= spec.max_videos:
            return f"{spec.short_name} takes at most {spec.max_videos} clips."
        return None

    def paste(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        if mime is not None:
            self.add_links(links_from_mime(mime))

    def remove_selected(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))
        self.message.clear()

    # -- rows --------------------------------------------------------------------------------

    def _on_rows_changed(self, *_args: object) -> None:
        self._refresh_rows()

    def _refresh_rows(self) -> None:
        for row, name in enumerate(self.names()):
            item = self.list.item(row)
            url = str(item.data(URL_ROLE))
            lines = self._row_lines(name, url)
            item.setText("\n".join(lines))
            item.setToolTip(plain_tooltip(url))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, " ".join(lines))
            thumbnail = self.checks.thumbnail(url)
            broken = self.checks.failed(url)
            if thumbnail is not None:
                item.setIcon(QIcon(QPixmap.fromImage(thumbnail)))
            elif broken:
                item.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning))
            item.setForeground(QColor("#d62828") if broken else self.palette().text().color())
        self.references_changed.emit(self.links())

    def refresh_names(self) -> None:
        """The kept characters changed: each row says whose take it is again."""
        self._refresh_rows()

    def mark_refused(self, notes: dict[int, str]) -> None:
        """Show, on each reference the service named when it refused the request, what it
        said (slot -> its words)."""
        links = self.links()
        self.checks.mark_refused(
            {links[slot - 1]: words for slot, words in notes.items() if 1 <= slot <= len(links)}
        )

    def forget_refusals(self) -> None:
        """A new request goes out: what the service said of the last one no longer holds."""
        self.checks.forget_refusals()

    def check_failed(self, url: str) -> bool:
        return self.checks.failed(url)

    def failed_references(self) -> list[int]:
        """The slots (1-based) whose reference failed its check."""
        return [slot for slot, url in enumerate(self.links(), start=1) if self.check_failed(url)]

    def _row_lines(self, slot_name: str, url: str) -> list[str]:
        return row_lines(
            slot_name, url, self.checks, self.spec, upload=self._uploads.get(url),
            character=self.names_of(url), missing=self._missing_file(url),
        )  # fmt: skip

    def locate(self, row: int) -> None:
        """A file from this computer that is not where it was (moved, renamed): the
        creator points at it, and the row takes its new place."""
        item = self.list.item(row)
        gone = local_path(str(item.data(URL_ROLE)))
        if gone is None:
            return
        found, _ = QFileDialog.getOpenFileName(
            self, f"Where is {gone.name} now?", str(gone.parent), f"{gone.name} (*)"
        )
        if found:
            self.replace_row(row, Path(found).resolve().as_uri())

    def replace_row(self, row: int, url: str) -> None:
        item = self.list.item(row)
        item.setData(URL_ROLE, url)
        self.checks.watch(url, image=item.data(KIND_ROLE) == IMAGE)
        self.message.clear()
        self._refresh_rows()

    def _missing_file(self, url: str) -> bool:
        path = local_path(url) if url.lower().startswith("file:") else None
        return path is not None and self.checks.failed(url) and not path.exists()

    def _on_list_item_double_clicked(self, item: QListWidgetItem) -> None:
        url = str(item.data(URL_ROLE))
        if self._missing_file(url):
            self.locate(self.list.row(item))
            return
        check = self.checks.check_of(url)
        if check is not None and check.too_long_s is not None:
            self.trim_requested.emit(url, check.too_long_s)
            return
        check, copy = self.checks.check_of(url), self.checks.preview_of(url)
        problem = self.checks.problem_of(url)
        if item.data(KIND_ROLE) == IMAGE:
            self.message.setText("A still: its picture is the row's thumbnail.")
        elif copy is not None:
            self.play_requested.emit(str(copy), f"Reference: {describe_link(url)[1]}")
        elif check is None or (check.reachable and problem is None):
            self.message.setText("This reference is still being checked; try again in a moment.")
        else:
            reasons = " ".join(check.warnings) or problem or ""
            self.message.setText(f"This reference cannot be previewed here. {reasons}".strip())

    def _on_url_field_return_pressed(self) -> None:
        text = self.url_field.text().strip()
        if text and not self.add_links([text]):
            self.url_field.clear()

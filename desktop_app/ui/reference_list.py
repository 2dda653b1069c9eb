"""ReferenceList: the 1-3 reference clip links, in character order.

Links arrive by drop (text/uri-list or text/plain, several at once), paste, or the URL
field. Rows reorder by dragging: row order is slot order (row 1 is character1). Each row
is checked without the API key; checks warn and never block a submit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from PySide6.QtCore import QMimeData, QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.reference_check import VIDEO_TYPES, ReferenceCheck
from desktop_app.domain.references import direct_link, local_path
from desktop_app.domain.request import MAX_REFERENCES, reference_url_problem
from desktop_app.models.frame_grabber import ClipFacts, FrameGrabber
from desktop_app.models.plain_text import plain_tooltip
from desktop_app.ui.labels import InfoLabel

if TYPE_CHECKING:
    from desktop_app.tasks import TaskGroup  # the first frame imports no asyncio

URL_ROLE = Qt.ItemDataRole.UserRole + 1
CheckReference = Callable[[str], Awaitable[ReferenceCheck]]
FetchPreview = Callable[[ReferenceCheck], Awaitable[Path | None]]


@dataclass(frozen=True)
class _Checking:
    """What checks a reference: the probe, its preview copy, the frame grabber, the tasks."""

    check_reference: CheckReference
    fetch_preview: FetchPreview
    grabber: FrameGrabber
    tasks: TaskGroup


"""A local copy of a checked reference for its preview (None: no copy)."""

LOCAL_CLIP_NOTE = (
    "{name} is on this computer: it is uploaded to your storage when you press Generate, "
    "and sent as a private link that expires."
)
DEMO_LOCAL_NOTE = (
    "{name} is on this computer: in demo mode the simulator serves it from here. Real use "
    "uploads it to your own storage (Settings › Storage)."
)


def as_reference(text: str, *, demo: bool = False) -> tuple[str, str | None]:
    """What the list keeps for `text`, and a note to say: a clip on this computer as its
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


class _LinkList(QListWidget):
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


class ReferenceList(QWidget):
    references_changed = Signal(list)
    """The links, in slot order."""
    play_requested = Signal(str, str)
    """(link, title)."""

    def __init__(self, parent: QWidget | None = None, *, demo: bool = False) -> None:
        """The list, shown at once; its links are checked once `attach` brings the means."""
        super().__init__(parent)
        self.demo = demo
        self._uploads: dict[str, tuple[int, int]] = {}
        self._checking: _Checking | None = None
        self._previews: dict[str, Path] = {}
        """The local copy of each reference, for its thumbnail and for playing it."""
        self._checks: dict[str, ReferenceCheck] = {}
        self._facts: dict[str, ClipFacts] = {}
        self._problems: dict[str, str] = {}
        self._service_says: dict[str, str] = {}
        """What the service said about a link when it refused a request with it."""
        self._grabbing: dict[str, str] = {}
        """The address being previewed (after redirects) -> the reference link."""

        self.list = _LinkList()
        self.list.setAccessibleName("Reference clips")
        self.list.setToolTip(
            "Row 1 is character1, row 2 character2, row 3 character3. Drag rows to reorder; "
            "drop or paste links here; Delete removes the selected one."
        )
        self.list.links_dropped.connect(self.add_links)
        self.list.model().rowsMoved.connect(self._on_rows_changed)
        self.list.model().rowsRemoved.connect(self._on_rows_changed)
        self.list.model().rowsInserted.connect(self._on_rows_changed)
        self.list.itemDoubleClicked.connect(self._on_list_item_double_clicked)
        self.url_field = QLineEdit()
        self.url_field.setPlaceholderText("https://… clip link (mp4, mov), then Enter")
        self.url_field.setAccessibleName("Reference link")
        self.url_field.returnPressed.connect(self._on_url_field_return_pressed)
        self.add_button = QPushButton("Add")
        self.add_button.setToolTip("Add the link typed on the left")
        self.add_button.clicked.connect(self._on_url_field_return_pressed)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove the selected reference (Delete)")
        self.remove_button.clicked.connect(self.remove_selected)
        self.message = InfoLabel("Reference message")

        field_row = QHBoxLayout()
        field_row.addWidget(self.url_field, 1)
        field_row.addWidget(self.add_button)
        field_row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(field_row)
        layout.addWidget(self.message)

        for keys, slot in (
            (QKeySequence.StandardKey.Delete, self.remove_selected),
            (QKeySequence.StandardKey.Paste, self.paste),
        ):
            shortcut = QShortcut(keys, self.list)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)

    def attach(
        self,
        check_reference: CheckReference,
        fetch_preview: FetchPreview,
        grabber: FrameGrabber,
        tasks: TaskGroup,
    ) -> None:
        """The means to check links (the engine, after the first frame): the links listed
        so far are checked now."""
        self._checking = _Checking(check_reference, fetch_preview, grabber, tasks)
        grabber.grabbed.connect(self._on_grabber_grabbed)
        grabber.failed.connect(self._on_grabber_failed)
        for url in self.links():
            self._start_checks(url)

    # -- reading -----------------------------------------------------------------------------

    def links(self) -> list[str]:
        return [str(self.list.item(row).data(URL_ROLE)) for row in range(self.list.count())]

    def check_of(self, url: str) -> ReferenceCheck | None:
        return self._checks.get(url)

    def facts_of(self, url: str) -> ClipFacts | None:
        return self._facts.get(url)

    # -- changing ----------------------------------------------------------------------------

    def add_links(self, candidates: list[str]) -> list[str]:
        """Add each acceptable reference (a link, or a clip on this computer: a path or a
        file:// URL; a known share page becomes its direct-download link); say why any
        other was refused. Returns the refusals."""
        refusals, notes = [], []
        for raw in candidates:
            text, note = as_reference(raw, demo=self.demo)
            if note:
                notes.append(note)
            refusal = self._refusal(text)
            if refusal:
                refusals.append(refusal)
                continue
            item = QListWidgetItem()
            item.setData(URL_ROLE, text)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsDropEnabled)
            self.list.addItem(item)
            self._start_checks(text)
        self.message.setText(" ".join([*refusals, *notes]))
        self._refresh_rows()
        return refusals

    def show_upload(self, slot: int, sent: int, total: int) -> None:
        """How far the clip in `slot` has gone up to the creator's storage."""
        links = self.links()
        if 1 <= slot <= len(links):
            self._uploads[links[slot - 1]] = (sent, total)
            self._refresh_rows()

    def uploads_over(self) -> None:
        if self._uploads:
            self._uploads.clear()
            self._refresh_rows()

    def _refusal(self, text: str) -> str | None:
        problem = reference_url_problem(text)
        if problem:
            return f"“{text[:60]}” is not a link to a clip: it {problem}."
        if text in self.links():
            return f"{describe_link(text)[1]} is already in the list."
        if self.list.count() >= MAX_REFERENCES:
            return f"At most {MAX_REFERENCES} references: remove one before adding another."
        return None

    def paste(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        if mime is not None:
            self.add_links(links_from_mime(mime))

    def remove_selected(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))
        self.message.clear()

    def set_links(self, links: list[str]) -> None:
        self.list.clear()
        self.add_links(links)

    # -- checks ------------------------------------------------------------------------------

    def _start_checks(self, url: str) -> None:
        if self._checking is not None and url not in self._checks:
            self._checking.tasks.spawn(self._check(self._checking, url))

    async def _check(self, checking: _Checking, url: str) -> None:
        check = await checking.check_reference(url)
        self._checks[url] = check
        self._refresh_rows()
        # The preview is a local copy, fetched only where the check found it safe to go.
        copy = await checking.fetch_preview(check)
        if copy is None:
            if check.reachable:
                self._problems[url] = "too large, or not fetched, for a preview here"
                self._refresh_rows()
            return
        self._previews[url] = copy
        if url not in self._facts and url in self.links():
            local = QUrl.fromLocalFile(str(copy)).toString()
            self._grabbing[local] = url
            checking.grabber.grab(local)

    def _on_grabber_grabbed(self, facts: ClipFacts) -> None:
        url = self._grabbing.pop(facts.url, None)
        if url is not None and url in self.links():
            self._facts[url] = facts
            self._refresh_rows()

    def _on_grabber_failed(self, address: str, reason: str) -> None:
        url = self._grabbing.pop(address, None)
        if url is not None and url in self.links():
            self._problems[url] = reason
            self._refresh_rows()

    # -- rows --------------------------------------------------------------------------------

    def _on_rows_changed(self, *_args: object) -> None:
        self._refresh_rows()

    def _refresh_rows(self) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            url = str(item.data(URL_ROLE))
            lines = self._row_lines(row + 1, url)
            item.setText("\n".join(lines))
            item.setToolTip(plain_tooltip(url))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, " ".join(lines))
            facts = self._facts.get(url)
            broken = self.check_failed(url)
            if facts is not None:
                item.setIcon(QIcon(QPixmap.fromImage(facts.thumbnail)))
            elif broken:
                item.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning))
            item.setForeground(QColor("#d62828") if broken else self.palette().text().color())
        self.references_changed.emit(self.links())

    def mark_refused(self, notes: dict[int, str]) -> None:
        """Show, on each reference the service named when it refused the request, what it
        said (slot -> its words)."""
        links = self.links()
        for slot, words in notes.items():
            if 1 <= slot <= len(links):
                self._service_says[links[slot - 1]] = words
        self._refresh_rows()

    def forget_refusals(self) -> None:
        """A new request goes out: what the service said of the last one no longer holds."""
        if self._service_says:
            self._service_says.clear()
            self._refresh_rows()

    def check_failed(self, url: str) -> bool:
        """The link's check failed: unreachable, an error answer, not a video, or refused."""
        if url in self._service_says:
            return True
        check = self._checks.get(url)
        if check is None:
            return False
        not_video = check.content_type is not None and not check.content_type.startswith(
            VIDEO_TYPES
        )
        return not check.reachable or not_video

    def failed_references(self) -> list[int]:
        """The slots (1-based) whose reference failed its check."""
        return [slot for slot, url in enumerate(self.links(), start=1) if self.check_failed(url)]

    def _row_lines(self, slot: int, url: str) -> list[str]:
        host, name = describe_link(url)
        badge = "⚠ CHECK FAILED · " if self.check_failed(url) else ""
        if url in self._service_says:
            badge = f"⚠ THE SERVICE SAID: {self._service_says[url]} · "
        lines = [f"{badge}character{slot} · {name} · {host}"]
        if url in self._uploads:
            sent, total = self._uploads[url]
            lines.append(f"uploading to your storage: {sent * 100 // max(total, 1)}%")
        facts = self._facts.get(url)
        check = self._checks.get(url)
        details = []
        if facts is not None:
            details.append(f"{facts.duration_s:.1f} s, {facts.size.width()}×{facts.size.height()}")
            if not 2 <= facts.duration_s <= 30:
                details.append("⚠ reference clips should last 2 to 30 s")
        elif url in self._problems:
            details.append(f"no preview here ({self._problems[url]})")
        if check is not None:
            if check.size is not None:
                details.append(f"{check.size / 1_048_576:.1f} MB")
            details.extend(f"⚠ {w}" for w in check.warnings)
        elif facts is None:
            details.append("checking…")
        if details:
            lines.append("; ".join(details))
        return lines

    def _on_list_item_double_clicked(self, item: QListWidgetItem) -> None:
        url = str(item.data(URL_ROLE))
        check, copy = self._checks.get(url), self._previews.get(url)
        if copy is not None:
            self.play_requested.emit(str(copy), f"Reference: {describe_link(url)[1]}")
        elif check is None or (check.reachable and url not in self._problems):
            self.message.setText("This reference is still being checked; try again in a moment.")
        else:
            reasons = " ".join(check.warnings) or self._problems.get(url, "")
            self.message.setText(f"This reference cannot be previewed here. {reasons}".strip())

    def _on_url_field_return_pressed(self) -> None:
        text = self.url_field.text().strip()
        if text and not self.add_links([text]):
            self.url_field.clear()

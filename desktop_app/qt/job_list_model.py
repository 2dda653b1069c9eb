"""JobListModel: the jobs a filter selects, as a Qt list model over the history queries.

The list is the ordered row keys (SQLite's rowids) of every selected job, read at once
(cheap: from the index alone; 100,000 jobs in ~20 ms), so its length, the scroll bar and a
row found by job id are all exact from the start. Which row holds which key is worked out
when first asked, not at every reload. The jobs
themselves are read a page at a time as rows are shown, and only a bounded number of
pages is kept. Only rows that changed are repainted.

Why not `fetchMore`: Qt lays out every row again each time rows are appended, asking the
model about each; with a long history that made the frame that brought in the next page
take tens of milliseconds (tests/benchmarks, P5)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)

from desktop_app.domain.job import UNFINISHED_STATES, Job, JobState
from desktop_app.domain.job_query import JobFilter, JobSort
from desktop_app.qt.clip_files import clip_mime
from desktop_app.qt.plain_text import plain_tooltip

if TYPE_CHECKING:
    from desktop_app.journal.queries import HistoryQueries

JOB_ROLE = Qt.ItemDataRole.UserRole + 1
PAGE_SIZE = 50
PAGES_KEPT = 80
"""Pages of jobs kept in memory (the rest are read again when shown)."""

Index = QModelIndex | QPersistentModelIndex


class JobGoneError(LookupError):
    """The job of a row was forgotten by another process since the list was read; the
    list is read again at the next turn of the loop."""


class JobListModel(QAbstractListModel):
    def __init__(self, history: HistoryQueries, parent: Any = None) -> None:
        super().__init__(parent)
        self._history = history
        self._where = JobFilter()
        self._sort = JobSort.NEWEST
        self._keys: list[int] = []
        self._rows: dict[int, int] | None = None
        """Row key -> row, made when first asked after the list changed."""
        self._key_of: dict[str, int] = {}
        """Job id -> its row key, for the jobs met so far (it never changes)."""
        self._pages: OrderedDict[int, dict[int, Job]] = OrderedDict()
        """Page number -> the jobs read for it, by row key; least recently shown first."""
        self._changed: dict[int, Job] = {}
        """Jobs told to the model (upsert) whose page is not kept: newer than any read."""
        self._troubles: dict[str, str] = {}
        self._running: set[str] = set()
        """Jobs whose elapsed time and progress move, so their rows repaint every tick."""
        self._reload_soon = False

    # -- what is listed ----------------------------------------------------------------------

    @property
    def where(self) -> JobFilter:
        return self._where

    def set_filter(self, where: JobFilter, sort: JobSort = JobSort.NEWEST) -> None:
        """List the jobs `where` selects, in `sort` order."""
        self._where, self._sort = where, sort
        self.reload()

    def reload(self) -> None:
        self._reload_soon = False
        self.beginResetModel()
        self._keys = self._history.keys(self._where, self._sort)
        self._renumber()
        self._running.clear()
        if self._keys:
            self._page(0)  # shown right away, and where running jobs usually are
        self.endResetModel()

    def _renumber(self) -> None:
        """Rows moved (a job added or removed): they are numbered again when asked; pages
        are read again."""
        self._rows = None
        self._pages.clear()
        self._changed.clear()

    # -- Qt's model interface ----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._keys)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._keys):
            return None
        try:
            job = self.job_at(index.row())
        except JobGoneError:
            return None
        if role == JOB_ROLE:
            return job
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{job.state.value}: {job.request.prompt[:80]}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(job.request.prompt)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        job = self.data(index, JOB_ROLE)
        if job is not None and job.state is JobState.DONE and job.file_path is not None:
            flags |= Qt.ItemFlag.ItemIsDragEnabled  # out, as its file
        return flags

    def mimeTypes(self) -> list[str]:
        return ["text/uri-list", "text/plain"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """The clips of the dragged rows, as files (those still on disk; none: an empty
        drag that nothing accepts)."""
        jobs = (self.data(index, JOB_ROLE) for index in indexes)
        paths = [j.file_path for j in jobs if j is not None and j.file_path is not None]
        return clip_mime([path for path in paths if path.is_file()])

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    # -- one job -----------------------------------------------------------------------------

    def batch(self, batch_id: str) -> list[Job]:
        """Every job of a batch, whatever is listed (a short read of the journal)."""
        return self._history.all(JobFilter(batch_id=batch_id), JobSort.OLDEST)

    def job_at(self, row: int) -> Job:
        """The job in `row`, read with its page if need be. Raises JobGoneError."""
        key = self._keys[row]
        page = self._page(row // PAGE_SIZE)
        job = self._changed.get(key) or page.get(key)
        if job is None:
            self._reload_later()
            raise JobGoneError(str(key))
        return job

    def row_of(self, job_id: str) -> int | None:
        key = self._key(job_id)
        if key is None:
            return None
        if self._rows is None:
            self._rows = dict(zip(self._keys, range(len(self._keys)), strict=True))
        return self._rows.get(key)

    def _key(self, job_id: str) -> int | None:
        key = self._key_of.get(job_id)
        if key is None:
            key = self._history.key_of(job_id)
            if key is not None:
                self._key_of[job_id] = key
        return key

    def _page(self, number: int) -> dict[int, Job]:
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            return page
        keys = self._keys[number * PAGE_SIZE : (number + 1) * PAGE_SIZE]
        page = self._history.jobs_by_key(keys)
        self._pages[number] = page
        for key, job in page.items():
            self._key_of[job.id] = key
            self._changed.pop(key, None)  # what was just read is the newest
            self._note_running(job)
        if len(self._pages) > PAGES_KEPT:
            _, dropped = self._pages.popitem(last=False)
            self._running.difference_update(job.id for job in dropped.values())
        return page

    def _reload_later(self) -> None:
        """Read the list again, but not from inside a paint or a Qt call."""
        if not self._reload_soon:
            self._reload_soon = True
            QTimer.singleShot(0, self.reload)

    def trouble_of(self, job_id: str) -> str | None:
        """What keeps going wrong while following this job, until its state changes."""
        return self._troubles.get(job_id)

    def set_trouble(self, job: Job, sentence: str) -> None:
        self._troubles[job.id] = sentence
        self.upsert(job)

    def upsert(self, job: Job) -> None:
        """Show a new or changed job; a new one goes on top when it matches the filter."""
        row = self.row_of(job.id)
        if row is None:
            key = self._key(job.id)
            if key is None:
                return  # forgotten before it could be shown
            if self._sort is not JobSort.NEWEST:
                if self._history.contains(job.id, self._where):
                    self.reload()
                return
            if self._where != JobFilter() and not self._history.contains(job.id, self._where):
                return
            self.beginInsertRows(QModelIndex(), 0, 0)
            self._keys.insert(0, key)
            self._renumber()
            self._changed[key] = job
            self._note_running(job)
            self.endInsertRows()
            return
        old = self.known(job.id)
        if old is not None and old.state is not job.state:
            self._troubles.pop(job.id, None)
        if old != job or job.id in self._troubles:
            key = self._keys[row]
            page = self._pages.get(row // PAGE_SIZE)
            if page is not None:
                page[key] = job
            else:
                self._changed[key] = job
            self._note_running(job)
            self.dataChanged.emit(self.index(row), self.index(row))

    def known(self, job_id: str) -> Job | None:
        """The job as the model last knew it, without reading anything (None when its
        page was not read)."""
        row = self.row_of(job_id)
        if row is None:
            return None
        key = self._keys[row]
        page = self._pages.get(row // PAGE_SIZE)
        return self._changed.get(key) or (page.get(key) if page else None)

    def refresh(self, job_id: str) -> None:
        """Repaint one job's row (its thumbnail arrived, say)."""
        row = self.row_of(job_id)
        if row is not None:
            self.dataChanged.emit(self.index(row), self.index(row))

    def remove(self, job_id: str) -> None:
        row = self.row_of(job_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._keys[row]
        self._key_of.pop(job_id, None)
        self._renumber()
        self._troubles.pop(job_id, None)
        self._running.discard(job_id)
        self.endRemoveRows()

    def _note_running(self, job: Job) -> None:
        if job.state in UNFINISHED_STATES:
            self._running.add(job.id)
        else:
            self._running.discard(job.id)

    def tick(self) -> None:
        """Repaint the rows whose elapsed time or progress moves (unfinished jobs), as one
        change from the first to the last: one signal however many jobs run."""
        rows = [row for job_id in self._running if (row := self.row_of(job_id)) is not None]
        if rows:
            self.dataChanged.emit(self.index(min(rows)), self.index(max(rows)))

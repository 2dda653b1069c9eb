"""JobListModel: the jobs a filter selects, in pages read from the history queries, as a
Qt list model. Rows load as the view scrolls (`canFetchMore`/`fetchMore`); a row is found
by job id in constant time; only rows that changed are repainted."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from desktop_app.domain.job import UNFINISHED_STATES, Job
from desktop_app.models.plain_text import plain_tooltip
from desktop_app.store.queries import HistoryQueries, JobFilter, JobSort

JOB_ROLE = Qt.ItemDataRole.UserRole + 1
PAGE_SIZE = 200

Index = QModelIndex | QPersistentModelIndex


class JobListModel(QAbstractListModel):
    def __init__(self, history: HistoryQueries, parent: Any = None) -> None:
        super().__init__(parent)
        self._history = history
        self._where = JobFilter()
        self._sort = JobSort.NEWEST
        self._jobs: list[Job] = []
        # Each job's place as a number that stays put when rows are added above (smaller
        # numbers) or below (larger ones): row = place - self._top.
        self._places: dict[str, int] = {}
        self._top = 0
        self._more = True
        self._troubles: dict[str, str] = {}
        self._running: set[str] = set()
        """Jobs whose elapsed time and progress move, so their rows repaint every tick."""

    # -- what is listed ----------------------------------------------------------------------

    @property
    def where(self) -> JobFilter:
        return self._where

    def set_filter(self, where: JobFilter, sort: JobSort = JobSort.NEWEST) -> None:
        """List the jobs `where` selects, in `sort` order, from the first page."""
        self._where, self._sort = where, sort
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._jobs, self._places, self._top, self._more = [], {}, 0, True
        self._running.clear()
        self._append(self._history.page(self._where, self._sort, limit=PAGE_SIZE))
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more:
            return
        page = self._history.page(self._where, self._sort, offset=len(self._jobs), limit=PAGE_SIZE)
        page = [job for job in page if job.id not in self._places]
        if page:
            self.beginInsertRows(QModelIndex(), len(self._jobs), len(self._jobs) + len(page) - 1)
            self._append(page)
            self.endInsertRows()
        else:
            self._more = False

    def _append(self, page: list[Job]) -> None:
        start = self._top + len(self._jobs)
        for offset, job in enumerate(page):
            self._places[job.id] = start + offset
            self._note_running(job)
        self._jobs.extend(page)
        self._more = len(page) == PAGE_SIZE

    # -- Qt's model interface ----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._jobs)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._jobs):
            return None
        job = self._jobs[index.row()]
        if role == JOB_ROLE:
            return job
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{job.state.value}: {job.request.prompt[:80]}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(job.request.prompt)
        return None

    # -- one job -----------------------------------------------------------------------------

    def job_at(self, row: int) -> Job:
        return self._jobs[row]

    def row_of(self, job_id: str) -> int | None:
        place = self._places.get(job_id)
        return None if place is None else place - self._top

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
            if self._sort is not JobSort.NEWEST:
                if self._history.contains(job.id, self._where):
                    self.reload()
                return
            if self._where != JobFilter() and not self._history.contains(job.id, self._where):
                return
            self.beginInsertRows(QModelIndex(), 0, 0)
            self._top -= 1
            self._places[job.id] = self._top
            self._jobs.insert(0, job)
            self._note_running(job)
            self.endInsertRows()
            return
        old = self._jobs[row]
        if old.state is not job.state:
            self._troubles.pop(job.id, None)
        if old != job or job.id in self._troubles:
            self._jobs[row] = job
            self._note_running(job)
            self.dataChanged.emit(self.index(row), self.index(row))

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
        del self._jobs[row]
        self._places = {job.id: self._top + r for r, job in enumerate(self._jobs)}
        self._troubles.pop(job_id, None)
        self._running.discard(job_id)
        self.endRemoveRows()

    def _note_running(self, job: Job) -> None:
        if job.state in UNFINISHED_STATES:
            self._running.add(job.id)
        else:
            self._running.discard(job.id)

    def tick(self) -> None:
        """Repaint the rows whose elapsed time or progress moves: unfinished jobs only."""
        for job_id in self._running:
            self.refresh(job_id)

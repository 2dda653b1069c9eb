"""JobListModel: every job in the journal, newest first, as a Qt list model."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from desktop_app.store.job import Job

JOB_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


class JobListModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._jobs: list[Job] = []

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
            return job.request.prompt
        return None

    def job_at(self, row: int) -> Job:
        return self._jobs[row]

    def row_of(self, job_id: str) -> int | None:
        for row, job in enumerate(self._jobs):
            if job.id == job_id:
                return row
        return None

    def upsert(self, job: Job) -> None:
        """Show a new or changed job (new jobs go on top)."""
        row = self.row_of(job.id)
        if row is None:
            self.beginInsertRows(QModelIndex(), 0, 0)
            self._jobs.insert(0, job)
            self.endInsertRows()
        else:
            self._jobs[row] = job
            index = self.index(row)
            self.dataChanged.emit(index, index)

    def remove(self, job_id: str) -> None:
        row = self.row_of(job_id)
        if row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._jobs[row]
            self.endRemoveRows()

    def replace_all(self, jobs: list[Job]) -> None:
        """Take the journal's list; rows whose order is unchanged keep their selection."""
        if [j.id for j in jobs] == [j.id for j in self._jobs]:
            for row, job in enumerate(jobs):
                if job != self._jobs[row]:
                    self._jobs[row] = job
                    self.dataChanged.emit(self.index(row), self.index(row))
            return
        self.beginResetModel()
        self._jobs = list(jobs)
        self.endResetModel()

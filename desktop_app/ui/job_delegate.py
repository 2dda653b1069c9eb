"""JobDelegate: how one job is drawn, as a row (thumbnail, prompt, state, seed, time, cost,
progress) or as a grid tile, and the numbers it shows."""

from __future__ import annotations

import time
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPixmap
from PySide6.QtWidgets import (
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from desktop_app.domain.job import Job, JobState
from desktop_app.domain.prompt import TYPICAL_SECONDS
from desktop_app.qt.job_list_model import JOB_ROLE
from desktop_app.ui.money_text import cost_text

STATE_COLOURS = {
    JobState.SUBMITTING: "#6c757d",
    JobState.UNKNOWN: "#e9a100",
    JobState.REJECTED: "#d62828",
    JobState.QUEUED: "#457b9d",
    JobState.GENERATING: "#1d70b8",
    JobState.DOWNLOADING: "#2a9d8f",
    JobState.DONE: "#2b9348",
    JobState.FAILED: "#d62828",
    JobState.LOST: "#9d0208",
}
STATE_SYMBOLS = {
    JobState.SUBMITTING: "↑",
    JobState.UNKNOWN: "?",
    JobState.REJECTED: "✕",
    JobState.QUEUED: "…",
    JobState.GENERATING: "⚙",
    JobState.DOWNLOADING: "↓",
    JobState.DONE: "✓",
    JobState.FAILED: "✕",
    JobState.LOST: "⌀",
}
ROW_HEIGHT = 64
BAR_HEIGHT = 6
"""The progress bar of a running row: two filled rectangles, not the style's progress bar,
which takes half of a row's drawing time (every running row is drawn every second)."""
THUMB = QSize(96, 54)
THUMBNAILS_KEPT = 500
TILE = QSize(200, 180)


def elapsed_text(job: Job, now: float) -> str:
    end = job.finished_at if job.state.is_terminal and job.finished_at else now
    seconds = int(max(0, end - job.created_at))
    return f"{seconds // 60}:{seconds % 60:02d}"


def tile_facts(job: Job) -> str:
    """What tells variations apart on a tile: the seed, and when the job was made."""
    made = time.strftime("%H:%M", time.localtime(job.created_at))
    seed = f"seed {job.request.seed}" if job.request.seed is not None else "random seed"
    return f"{job.request.model_name} · {seed} · {made}"


def progress_of(job: Job, now: float) -> float | None:
    """0..1 for the bar: bytes while downloading, else time against the typical time."""
    if job.state is JobState.DOWNLOADING and job.bytes_total:
        return job.bytes_done / job.bytes_total
    if job.state.is_rendering:
        key = (job.request.effective_resolution.value, job.request.effective_duration)
        typical = TYPICAL_SECONDS.get(key, 260)
        return min(0.99, (now - (job.submitted_at or job.created_at)) / typical)
    return None


class JobDelegate(QStyledItemDelegate):
    thumbnail_missing = Signal(object)
    """A done job was drawn without a thumbnail (the Job): one can be made now."""

    def __init__(self, thumbnails: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._thumbnails = thumbnails
        self._cache: OrderedDict[str, QPixmap | None] = OrderedDict()
        """The pictures of the rows drawn last, a bounded number (a long history
        scrolled end to end would otherwise keep them all)."""
        self.grid = False

    def thumbnail(self, job: Job) -> QPixmap | None:
        """The job's thumbnail, looked for on disk once (forget_thumbnail looks again)."""
        if job.id in self._cache:
            self._cache.move_to_end(job.id)
            return self._cache[job.id]
        path = self._thumbnails / f"{job.id}.png"
        pixmap = (
            QPixmap(str(path)).scaled(
                THUMB,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            if path.exists()
            else None
        )
        self._cache[job.id] = pixmap
        if len(self._cache) > THUMBNAILS_KEPT:
            self._cache.popitem(last=False)
        if pixmap is None and job.state is JobState.DONE:
            self.thumbnail_missing.emit(job)
        return pixmap

    def forget_thumbnail(self, job_id: str) -> None:
        self._cache.pop(job_id, None)

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return TILE if self.grid else QSize(320, ROW_HEIGHT)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        job: Job | None = index.data(JOB_ROLE)
        style = option.widget.style() if option.widget else QGuiApplication.style()  # type: ignore[attr-defined]
        style.drawPrimitive(
            QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
        )
        if job is None:  # forgotten by another process; the list is read again
            return
        if self.grid:
            self._paint_tile(painter, option, job)
            return
        rect: QRect = option.rect.adjusted(4, 4, -4, -4)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        text_colour = palette.highlightedText().color() if selected else palette.text().color()
        painter.save()
        thumb_rect = QRect(rect.left(), rect.top(), THUMB.width(), THUMB.height())
        pixmap = self.thumbnail(job)
        if pixmap is not None:
            painter.drawPixmap(thumb_rect.topLeft(), pixmap)
        else:
            painter.fillRect(thumb_rect, palette.mid())
        text_left = thumb_rect.right() + 8
        width = rect.right() - text_left
        painter.setPen(text_colour)
        metrics = painter.fontMetrics()
        prompt = metrics.elidedText(
            " ".join(job.request.prompt.split()), Qt.TextElideMode.ElideRight, width
        )
        painter.drawText(text_left, rect.top() + metrics.ascent(), prompt)
        now = time.time()
        line2 = rect.top() + metrics.height() + metrics.ascent()
        self._paint_state(painter, job, text_left, line2, selected, text_colour)
        painter.setPen(text_colour)
        seed = f"seed {job.request.seed}   " if job.request.seed is not None else ""
        info = f"{job.request.model_name}   {seed}{elapsed_text(job, now)}   {cost_text(job)}"
        painter.drawText(rect.right() - metrics.horizontalAdvance(info), line2, info)
        progress = progress_of(job, now)
        if progress is not None:
            bar = QRect(text_left, rect.top() + 2 * metrics.height() + 4, width, BAR_HEIGHT)
            painter.fillRect(bar, palette.mid())
            done = QRect(bar.left(), bar.top(), round(bar.width() * progress), bar.height())
            painter.fillRect(done, palette.highlight())
        painter.restore()

    def _paint_state(
        self, painter: QPainter, job: Job, left: int, baseline: int, selected: bool,
        text_colour: QColor,
    ) -> None:  # fmt: skip
        """The state as a coloured dot and words; on a selected row the words take the
        selection's text colour, so they stay readable."""
        metrics = painter.fontMetrics()
        dot = metrics.ascent() // 2 + 2
        painter.setBrush(QColor(STATE_COLOURS[job.state]))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(left, baseline - metrics.ascent() // 2 - dot // 2, dot, dot)
        state_text = f"{STATE_SYMBOLS[job.state]} {job.state.value}"
        if not job.followed and not job.state.is_terminal:
            state_text += " (not followed)"
        if job.batch_id:
            state_text += " · variation"
        painter.setPen(text_colour if selected else QColor(STATE_COLOURS[job.state]))
        painter.drawText(left + dot + 4, baseline, state_text)

    def _paint_tile(self, painter: QPainter, option: QStyleOptionViewItem, job: Job) -> None:
        rect: QRect = option.rect.adjusted(4, 4, -4, -4)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        text_colour = palette.highlightedText().color() if selected else palette.text().color()
        painter.save()
        thumb_rect = QRect(rect.left(), rect.top(), rect.width(), rect.width() * 9 // 16)
        pixmap = self.thumbnail(job)
        if pixmap is not None:
            scaled = pixmap.scaled(thumb_rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawPixmap(thumb_rect.topLeft(), scaled)
        else:
            painter.fillRect(thumb_rect, palette.mid())
        metrics = painter.fontMetrics()
        painter.setPen(text_colour)
        prompt = metrics.elidedText(
            " ".join(job.request.prompt.split()), Qt.TextElideMode.ElideRight, rect.width()
        )
        top = thumb_rect.bottom() + 4 + metrics.ascent()
        painter.drawText(rect.left(), top, prompt)
        self._paint_state(painter, job, rect.left(), top + metrics.height(), selected, text_colour)
        painter.setPen(text_colour)
        painter.drawText(rect.left(), top + 2 * metrics.height(), tile_facts(job))
        painter.restore()

"""JobFilterBar: search the prompts (the journal's text index), filter by state, date,
resolution, duration and aspect ratio, sort by date or cost, and show a list or a grid."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QToolButton, QVBoxLayout, QWidget

from desktop_app.domain.job import UNCHARGED_UNLESS_LEDGER, UNFINISHED_STATES, JobState
from desktop_app.domain.job_query import JobFilter, JobSort
from desktop_app.domain.models import MODELS
from desktop_app.domain.request import AspectRatio, Resolution

DURATIONS = sorted({seconds for model in MODELS for seconds in model.durations})
STATE_CHOICES: tuple[tuple[str, frozenset[JobState]], ...] = (
    ("All states", frozenset()),
    ("Done", frozenset({JobState.DONE})),
    ("Running", UNFINISHED_STATES),
    ("Failed or lost", UNCHARGED_UNLESS_LEDGER),  # ended without a clip
    ("Unknown", frozenset({JobState.UNKNOWN})),
)  # fmt: skip
DATE_CHOICES: tuple[tuple[str, float | None], ...] = (
    ("Any time", None),
    ("Last 24 hours", 86_400.0),
    ("Last 7 days", 7 * 86_400.0),
    ("Last 30 days", 30 * 86_400.0),
)
SORT_CHOICES = (
    ("Newest first", JobSort.NEWEST),
    ("Oldest first", JobSort.OLDEST),
    ("Most expensive", JobSort.COST_HIGH),
    ("Cheapest", JobSort.COST_LOW),
)


def _combo(name: str, items: list[tuple[str, object]]) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(name)
    box.setToolTip(name)
    for text, data in items:
        box.addItem(text, data)
    return box


class JobFilterBar(QWidget):
    changed = Signal(object, object)
    """(JobFilter, JobSort) whenever the creator changes what is listed."""
    grid_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search prompts")
        self.search.setAccessibleName("Search prompts")
        self.search.setClearButtonEnabled(True)
        self.state = _combo("State", [(t, s) for t, s in STATE_CHOICES])
        self.date = _combo("Date", [(t, s) for t, s in DATE_CHOICES])
        self.model = _combo("Model", [("Any model", None), *((m.short_name, m.id) for m in MODELS)])
        self.resolution = _combo(
            "Resolution", [("Any resolution", None), *((r.value, r) for r in Resolution)]
        )
        self.duration = _combo(
            "Duration", [("Any length", None), *((f"{d} s", d) for d in DURATIONS)]
        )
        self.aspect = _combo(
            "Aspect ratio", [("Any shape", None), *((a.value, a) for a in AspectRatio)]
        )
        self.sort = _combo("Sort", [(t, s) for t, s in SORT_CHOICES])
        self.grid = QToolButton()
        self.grid.setText("Grid")
        self.grid.setCheckable(True)
        self.grid.setAccessibleName("Show as a grid of thumbnails")
        self.grid.setToolTip("Show the jobs as a grid of thumbnails, or as a list")
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(self._emit)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search, 1)
        top.addWidget(self.sort)
        top.addWidget(self.grid)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        for box in self._boxes():
            bottom.addWidget(box)
            box.currentIndexChanged.connect(self._emit)
        bottom.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(bottom)
        self.search.textChanged.connect(self._debounce.start)
        self.sort.currentIndexChanged.connect(self._emit)
        self.grid.toggled.connect(self.grid_toggled.emit)

    def current(self) -> tuple[JobFilter, JobSort]:
        # Qt hands string enums back as plain strings: they are made enums again here.
        window = self.date.currentData()
        resolution, aspect = self.resolution.currentData(), self.aspect.currentData()
        where = JobFilter(
            states=frozenset(self.state.currentData() or ()),
            since=time.time() - window if window else None,
            resolution=Resolution(resolution) if resolution else None,
            duration=self.duration.currentData(),
            aspect_ratio=AspectRatio(aspect) if aspect else None,
            model=self.model.currentData(),
            text=self.search.text().strip()[:200],
        )
        return where, JobSort(self.sort.currentData())

    def narrowed(self) -> bool:
        """Some search or filter hides jobs."""
        return bool(self.search.text().strip()) or any(
            box.currentIndex() != 0 for box in self._boxes()
        )

    def clear(self) -> None:
        """Every job again: the search emptied, each filter back to its first choice."""
        boxes = self._boxes()
        for widget in (self.search, *boxes):
            widget.blockSignals(True)
        self.search.clear()
        for box in boxes:
            box.setCurrentIndex(0)
        for widget in (self.search, *boxes):
            widget.blockSignals(False)
        self._emit()

    def _boxes(self) -> tuple[QComboBox, ...]:
        return (self.state, self.date, self.model, self.resolution, self.duration, self.aspect)

    def _emit(self) -> None:
        self._debounce.stop()
        self.changed.emit(*self.current())

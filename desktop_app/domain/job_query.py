"""What a list of jobs shows: which jobs (a filter) and in what order. Pure data: the
journal's queries turn it into SQL, the window's filter bar builds it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from desktop_app.domain.job import JobState
from desktop_app.domain.request import AspectRatio, Resolution


class JobSort(StrEnum):
    NEWEST = "newest"
    OLDEST = "oldest"
    COST_HIGH = "cost_high"
    COST_LOW = "cost_low"


@dataclass(frozen=True)
class JobFilter:
    """Which jobs to list. Every field left empty matches every job."""

    states: frozenset[JobState] = field(default_factory=frozenset)
    since: float | None = None
    until: float | None = None
    resolution: Resolution | None = None
    duration: int | None = None
    aspect_ratio: AspectRatio | None = None
    text: str = ""
    """Words that must all appear in the prompt or negative prompt (prefixes match)."""
    batch_id: str | None = None
    model: str | None = None
    """A model's id (domain/models.py)."""

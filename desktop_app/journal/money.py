"""The SQL of money: a job's cost and what it counts towards spending, written once in the
order `Job.cost` and `Job.spending_usd` state it, and the reads the daily limit makes
inside the journal's write transaction."""

from __future__ import annotations

import sqlite3

from desktop_app.domain.job import UNCHARGED_UNLESS_LEDGER
from desktop_app.domain.money import CREDITS_PER_USD

_CHARGED = f"charged_credits / {CREDITS_PER_USD:.1f}"
_REPORTED = f"credits_used / {CREDITS_PER_USD:.1f}"
_ENDED_WITHOUT_CLIP = ", ".join(f"'{state.value}'" for state in sorted(UNCHARGED_UNLESS_LEDGER))

COST_USD = (
    f"(CASE WHEN charged_credits IS NOT NULL THEN {_CHARGED}"
    f" ELSE COALESCE(estimate_usd, {_REPORTED}) END)"
)
"""`Job.cost` in SQL: the ledger's charge, else the quote, else what the service reported."""

SPENDING_USD = (
    f"(CASE WHEN charged_credits IS NOT NULL THEN {_CHARGED}"
    f" WHEN state IN ({_ENDED_WITHOUT_CLIP}) THEN 0.0"
    f" ELSE MAX(COALESCE(estimate_usd, 0.0), COALESCE({_REPORTED}, 0.0),"
    f" COALESCE(counted_usd, 0.0)) END)"
)
"""`Job.spending_usd` in SQL."""

SEEN_PRICE_USD = (
    f"MAX(COALESCE({_CHARGED}, 0), COALESCE(estimate_usd, 0), COALESCE({_REPORTED}, 0))"
)
"""`Job.highest_figure_usd` in SQL: the most any figure of a job says it cost."""


def spent_since(db: sqlite3.Connection, since: float) -> float:
    """Dollars spent or committed by jobs created since `since`, forgotten ones included."""
    row = db.execute(
        f"SELECT COALESCE(SUM({SPENDING_USD}), 0) FROM jobs WHERE created_at >= ?"
        " UNION ALL SELECT COALESCE(SUM(usd), 0) FROM forgotten_spending WHERE created_at >= ?",
        (since, since),
    ).fetchall()
    return float(sum(value for (value,) in row))


def keep_spending_of(db: sqlite3.Connection, job_id: str) -> None:
    """Before a job's row goes: what it counts towards spending, kept under its day."""
    db.execute(
        f"INSERT OR REPLACE INTO forgotten_spending (job_id, created_at, usd)"
        f" SELECT id, created_at, {SPENDING_USD} FROM jobs WHERE id = ?",
        (job_id,),
    )


def highest_price_usd(
    db: sqlite3.Connection, model: str, resolution: str, duration: int
) -> float | None:
    """The most one clip of this model, resolution and duration has been seen to cost
    (charged, quoted or reported); None when no job like it has a figure."""
    row = db.execute(
        f"SELECT MAX({SEEN_PRICE_USD}) FROM jobs"
        " WHERE model = ? AND resolution = ? AND duration = ?",
        (model, resolution, duration),
    ).fetchone()
    return float(row[0]) if row[0] is not None and row[0] > 0 else None


class SpendingSnapshot:
    """What the daily limit reads, inside the transaction that journals the new jobs: no
    other process can add a job between this read and that write."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def spent_since(self, since: float) -> float:
        return spent_since(self._db, since)

    def highest_price_usd(self, model: str, resolution: str, duration: int) -> float | None:
        return highest_price_usd(self._db, model, resolution, duration)

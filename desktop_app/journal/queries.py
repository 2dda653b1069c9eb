"""History as prepared, indexed queries: pages of jobs by filter and sort, counts, cost
sums, one job by id or prefix, a job's events, and the feed of changed jobs.

Read-only: it has its own connection, in `query_only` mode, so nothing here can change a
job. Every page is bounded by LIMIT; the window fetches more as it scrolls.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.domain.job import Job
from desktop_app.domain.job_query import JobFilter, JobSort
from desktop_app.domain.poll_pace import RenderTime
from desktop_app.journal.errors import AmbiguousJobError, JobNotFoundError
from desktop_app.journal.money import COST_USD, spent_since
from desktop_app.journal.rows import job_from_row

_ORDER = {
    JobSort.NEWEST: "created_at DESC, rowid DESC",
    JobSort.OLDEST: "created_at ASC, rowid ASC",
    # Jobs with no known cost sort last either way.
    JobSort.COST_HIGH: f"{COST_USD} IS NULL, {COST_USD} DESC, created_at DESC",
    JobSort.COST_LOW: f"{COST_USD} IS NULL, {COST_USD} ASC, created_at DESC",
}


def filter_sql(where: JobFilter) -> tuple[str, list[Any]]:
    """The SQL WHERE clause (with its parameters) that selects what `where` lists."""
    clauses: list[str] = []
    params: list[Any] = []
    if where.states:
        clauses.append(f"state IN ({','.join('?' * len(where.states))})")
        params += sorted(s.value for s in where.states)
    for column, op, value in (
        ("created_at", ">=", where.since),
        ("created_at", "<", where.until),
        ("resolution", "=", where.resolution and where.resolution.value),
        ("duration", "=", where.duration),
        ("aspect_ratio", "=", where.aspect_ratio and where.aspect_ratio.value),
        ("batch_id", "=", where.batch_id),
        ("model", "=", where.model),
    ):
        if value is not None:
            clauses.append(f"{column} {op} ?")
            params.append(value)
    match = fts_query(where.text)
    if match:
        clauses.append("rowid IN (SELECT rowid FROM jobs_text WHERE jobs_text MATCH ?)")
        params.append(match)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def fts_query(text: str) -> str:
    """Search words as an FTS5 query: each word quoted (so no word is syntax), as a prefix,
    all required."""
    words = re.findall(r"\w+", text)
    return " ".join(f'"{word}"*' for word in words[:16])


@dataclass(frozen=True)
class JobChange:
    """One job changed since the last look: its row now, or None when it was forgotten."""

    job_id: str
    job: Job | None


MMAP_BYTES = 1 << 30
"""Address space, not memory: pages are the OS's page cache, mapped."""


class HistoryQueries:
    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, isolation_level=None, timeout=10.0)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA query_only = ON")
        # Read through a memory map: a long history read while scrolling does not push the
        # indexes a search needs out of a small page cache (a search after wheeling through
        # 100,000 jobs took ~105 ms in SQLite alone; tests/benchmarks, P5).
        self._db.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")

    def close(self) -> None:
        self._db.close()

    # -- lists -----------------------------------------------------------------------------

    def page(
        self,
        where: JobFilter | None = None,
        sort: JobSort = JobSort.NEWEST,
        *,
        offset: int = 0,
        limit: int = 100,
    ) -> list[Job]:
        clause, params = filter_sql(where or JobFilter())
        rows = self._db.execute(
            f"SELECT * FROM jobs{clause} ORDER BY {_ORDER[sort]} LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [job_from_row(r) for r in rows]

    def keys(self, where: JobFilter | None = None, sort: JobSort = JobSort.NEWEST) -> list[int]:
        """The row keys (SQLite's rowids) of every job `where` selects, in `sort` order:
        the cheapest list there is, read from the index alone when the sort is by date
        (100,000 jobs in ~20 ms, where their ids took ~60)."""
        clause, params = filter_sql(where or JobFilter())
        query = f"SELECT rowid FROM jobs{clause} ORDER BY {_ORDER[sort]}"
        cursor = self._db.cursor()
        cursor.row_factory = None  # plain tuples: no Row object per job
        return [key for (key,) in cursor.execute(query, params)]

    def key_of(self, job_id: str) -> int | None:
        row = self._db.execute("SELECT rowid FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return None if row is None else int(row[0])

    def jobs_by_key(self, keys: Sequence[int]) -> dict[int, Job]:
        """The jobs with these row keys that still exist, by key."""
        found: dict[int, Job] = {}
        for start in range(0, len(keys), 500):  # SQLite's limit on parameters
            chunk = list(keys[start : start + 500])
            marks = ", ".join("?" * len(chunk))
            query = f"SELECT rowid AS row_key, * FROM jobs WHERE rowid IN ({marks})"
            for row in self._db.execute(query, chunk):
                found[row["row_key"]] = job_from_row(row)
        return found

    def all(self, where: JobFilter | None = None, sort: JobSort = JobSort.NEWEST) -> list[Job]:
        return self.page(where, sort, limit=-1)

    def count(self, where: JobFilter | None = None) -> int:
        clause, params = filter_sql(where or JobFilter())
        return int(self._db.execute(f"SELECT COUNT(*) FROM jobs{clause}", params).fetchone()[0])

    def contains(self, job_id: str, where: JobFilter | None = None) -> bool:
        """The job exists and `where` matches it."""
        clause, params = filter_sql(where or JobFilter())
        glue = " AND " if clause else " WHERE "
        row = self._db.execute(f"SELECT 1 FROM jobs{clause}{glue}id = ?", [*params, job_id])
        return row.fetchone() is not None

    def spent_usd(self, since: float | None = None) -> float:
        """Dollars spent or committed by jobs created since `since` (`Job.spending_usd`)."""
        return spent_since(self._db, since if since is not None else float("-inf"))

    def average_cost_usd(self, model: str, resolution: str, duration: int) -> float | None:
        """What finished jobs of this model, resolution and duration cost on average
        (`Job.cost`), from the newest 50; None without any."""
        row = self._db.execute(
            f"SELECT AVG(cost) FROM (SELECT {COST_USD} AS cost FROM jobs"
            " WHERE state = 'done' AND model = ? AND resolution = ? AND duration = ?"
            " AND cost > 0 ORDER BY created_at DESC LIMIT 50)",
            (model, resolution, duration),
        ).fetchone()
        return None if row[0] is None else float(row[0])

    def render_times(self, job: Job, newest: int = 50) -> list[RenderTime]:
        """How long the newest jobs of the same model, resolution and duration took at the
        service, from being accepted to their clip's link (the follower learns its pace
        from them)."""
        request = job.request
        rows = self._db.execute(
            "SELECT submitted_at, completed_at - submitted_at FROM jobs"
            " WHERE model = ? AND resolution = ? AND duration = ? AND id != ?"
            " AND submitted_at IS NOT NULL AND completed_at > submitted_at"
            " ORDER BY created_at DESC LIMIT ?",
            (request.model, request.effective_resolution.value, request.effective_duration,
             job.id, newest),
        )  # fmt: skip
        return [RenderTime(sent_at, seconds) for sent_at, seconds in rows]

    # -- one job ---------------------------------------------------------------------------

    def get(self, job_id: str) -> Job:
        row = self._db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise JobNotFoundError(f"No job {job_id!r} in the journal.")
        return job_from_row(row)

    def find(self, ref: str) -> Job:
        """A job by its id, generation id or client request id, or a unique prefix of the
        first two."""
        rows = self._db.execute(
            "SELECT * FROM jobs WHERE id = ? OR generation_id = ? OR client_request_id = ?",
            (ref, ref, ref),
        ).fetchall()
        if not rows and ref:
            pattern = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            rows = self._db.execute(
                "SELECT * FROM jobs"
                " WHERE id LIKE ? ESCAPE '\\' OR generation_id LIKE ? ESCAPE '\\' LIMIT 2",
                (pattern, pattern),
            ).fetchall()
        if not rows:
            raise JobNotFoundError(f"No job matches {ref!r}. `wan-studio jobs` lists them.")
        if len(rows) > 1:
            raise AmbiguousJobError(f"{ref!r} matches more than one job; give more of the id.")
        return job_from_row(rows[0])

    def events(self, job_id: str) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT at, kind, state, detail_json FROM events WHERE job_id = ? ORDER BY seq",
            (job_id,),
        )
        return [
            {
                "at": r["at"],
                "kind": r["kind"],
                "state": r["state"],
                "detail": json.loads(r["detail_json"]) if r["detail_json"] else None,
            }
            for r in rows
        ]

    # -- the feed --------------------------------------------------------------------------

    def last_change(self) -> int:
        """The feed's newest sequence number: start reading `changes_since` from here."""
        return int(self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM job_changes").fetchone()[0])

    def changes_since(self, seq: int, limit: int = 500) -> tuple[list[JobChange], int]:
        """Jobs created, changed or forgotten (by any process) after `seq`, and the sequence
        number to ask from next time."""
        rows = self._db.execute(
            "SELECT c.seq AS change_seq, c.job_id AS change_job, j.* FROM job_changes c"
            " LEFT JOIN jobs j ON j.id = c.job_id WHERE c.seq > ? ORDER BY c.seq LIMIT ?",
            (seq, limit),
        ).fetchall()
        changes = [
            JobChange(r["change_job"], job_from_row(r) if r["id"] is not None else None)
            for r in rows
        ]
        return changes, (rows[-1]["change_seq"] if rows else seq)

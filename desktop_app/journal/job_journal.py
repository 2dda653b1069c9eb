"""JobJournal: every job, written before its POST and after every change, in SQLite (WAL).

Each write is its own committed transaction, so a process killed at any instant leaves the
journal at the last completed step. What money or a job's identity rests on (a job's
birth, its generation id, a charge, its end) is also synced to the disk before the write
returns, against a power cut. Progress that following the job again redoes (a poll's
news, download progress: `JobChange.is_progress`) and leases are not: syncing them would
hold the event loop for as long as a busy disk takes, on every poll.

Leases make sure that of several processes sharing one data folder only one follows a
given job at a time; a crashed process's lease is taken over at once on the same machine,
and after `lease_seconds` anywhere.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import time
import uuid
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from desktop_app.domain.job import UNFINISHED_STATES, Job, JobState, check_transition
from desktop_app.domain.job_change import JobChange
from desktop_app.domain.pricing import Quote
from desktop_app.domain.references import LocalReference
from desktop_app.domain.request import GenerationRequest
from desktop_app.files import private_dir, private_file
from desktop_app.journal.characters import CharacterShelf
from desktop_app.journal.checkpoints import SETTLE_SECONDS, Checkpoints
from desktop_app.journal.errors import ForeignDatabaseError, JobNotFoundError, storage_error
from desktop_app.journal.money import SpendingSnapshot, keep_spending_of
from desktop_app.journal.rows import dumps, job_from_row, request_columns
from desktop_app.journal.schema import is_ours, migrate

SYNCED, UNSYNCED = "FULL", "NORMAL"
"""PRAGMA synchronous for a write that waits for the disk, and for one that does not."""

Clock = Callable[[], float]
Admission = Callable[[SpendingSnapshot], Sequence[float | None]]
"""Reads today's spending and returns what each new job counts towards it, or raises
(SpendingLimitError) so that nothing is journaled."""


def new_owner_token() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _owner_is_dead(token: str) -> bool:
    """True when `token` names a process on this machine that no longer runs."""
    host, _, rest = token.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class JobJournal(CharacterShelf):
    def __init__(
        self,
        path: Path,
        *,
        owner: str | None = None,
        lease_seconds: float = 90.0,
        clock: Clock = time.time,
        checkpoint_after: float = SETTLE_SECONDS,
        redact: Callable[[str], str] = str,
    ) -> None:
        """`redact` takes secrets out of the texts that came from outside (error messages,
        statuses, event details) before they are written."""
        self.path = path
        self._redact = redact
        self.owner = owner or new_owner_token()
        self.lease_seconds = lease_seconds
        self._clock = clock
        try:
            self._db = self._open(path)
        except (OSError, sqlite3.DatabaseError) as error:
            raise storage_error(error, path) from None
        self._checkpoints = Checkpoints(path, checkpoint_after)

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        _refuse_foreign(path)
        private_dir(path.parent)
        private_file(path)  # its -wal and -shm files take the same permissions
        db = sqlite3.connect(path, isolation_level=None, timeout=10.0)
        try:
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode = WAL")
            db.execute(f"PRAGMA synchronous = {UNSYNCED}")
            db.execute("PRAGMA wal_autocheckpoint = 0")  # Checkpoints does it, off this thread
            db.execute("PRAGMA foreign_keys = ON")
            migrate(db)
        except BaseException:
            db.close()
            raise
        return db

    def close(self) -> None:
        self._checkpoints.stop()
        self._db.close()

    @contextmanager
    def _transaction(self, *, synced: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction; `synced` commits wait until the disk has it (WAL mode:
        an unsynced commit survives the process, and a later synced one carries it)."""
        try:
            if synced:
                self._db.execute(f"PRAGMA synchronous = {SYNCED}")
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                    self._db.execute("COMMIT")
                except BaseException:
                    if self._db.in_transaction:  # a failed COMMIT may have ended it already
                        self._db.execute("ROLLBACK")
                    raise
            finally:  # even when BEGIN itself failed (the journal locked too long)
                if synced:
                    self._db.execute(f"PRAGMA synchronous = {UNSYNCED}")
            self._checkpoints.written()
        except sqlite3.DatabaseError as error:
            raise storage_error(error, self.path) from None

    # -- reading ---------------------------------------------------------------------------

    def get(self, job_id: str) -> Job:
        row = self._db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise JobNotFoundError(f"No job {job_id!r} in the journal.")
        return job_from_row(row)

    def refresh(self, job: Job) -> Job:
        """`job` as the journal has it now, read whole only when it changed since: a
        follower asks before each poll whether the job was stopped, ended or forgotten."""
        row = self._db.execute(
            "SELECT updated_at, state, followed FROM jobs WHERE id = ?", (job.id,)
        ).fetchone()
        if row is None:
            raise JobNotFoundError(f"No job {job.id!r} in the journal.")
        same = (row["updated_at"], row["state"], bool(row["followed"])) == (
            job.updated_at, job.state.value, job.followed
        )  # fmt: skip
        return job if same else self.get(job.id)

    def unfinished(self, *, excluding: Collection[str] = ()) -> list[Job]:
        """Unfinished jobs, oldest first, but those in `excluding` (read by id first, so
        the ones left out cost nothing)."""
        marks = ",".join("?" * len(UNFINISHED_STATES))
        rows = self._db.execute(
            f"SELECT id FROM jobs WHERE state IN ({marks}) ORDER BY created_at",
            [s.value for s in UNFINISHED_STATES],
        )
        wanted = [r["id"] for r in rows if r["id"] not in excluding]
        jobs = []
        for job_id in wanted:
            row = self._db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if row is not None:  # not forgotten meanwhile
                jobs.append(job_from_row(row))
        return jobs

    # -- writing ---------------------------------------------------------------------------

    def create(
        self,
        request: GenerationRequest,
        *,
        batch_id: str | None = None,
        estimate: Quote | None = None,
    ) -> Job:
        """Journal a new job in `submitting`, leased to this process, before its POST."""
        return self.create_batch([request], [estimate or Quote.unknown()], batch_id=batch_id)[0]

    def create_batch(
        self,
        requests: Sequence[GenerationRequest],
        estimates: Sequence[Quote],
        *,
        batch_id: str | None = None,
        admit: Admission | None = None,
        local_refs: Sequence[Sequence[LocalReference]] = (),
        continues: str | None = None,
    ) -> list[Job]:
        """Journal new jobs in `submitting`, leased to this process, before their POSTs:
        all or none, in one write transaction. `admit` reads today's spending inside it
        (no other process can journal a job in between) and returns what each job counts
        towards it, or raises to journal nothing."""
        now = self._clock()
        rows = []
        with self._transaction() as db:
            counted = admit(SpendingSnapshot(db)) if admit else [None] * len(requests)
            local = local_refs or [()] * len(requests)
            for request, estimate, amount, clips in zip(
                requests, estimates, counted, local, strict=True
            ):
                job_id = uuid.uuid4().hex[:12]
                client_request_id = str(uuid.uuid4())
                values = {
                    "id": job_id,
                    "client_request_id": client_request_id,
                    "state": JobState.SUBMITTING.value,
                    "request_json": dumps(request.to_json()),
                    "created_at": now,
                    "updated_at": now,
                    "follower": self.owner,
                    "lease_expires": now + self.lease_seconds,
                    "batch_id": batch_id,
                    "estimate_usd": estimate.usd,
                    "estimate_source": estimate.source.value,
                    "counted_usd": amount,
                    "local_refs_json": dumps([c.to_json() for c in clips]) if clips else None,
                    "continues": continues,
                    **request_columns(request),
                }
                db.execute(
                    f"INSERT INTO jobs ({', '.join(values)})"
                    f" VALUES ({', '.join('?' * len(values))})",
                    list(values.values()),
                )
                self._event(
                    db,
                    job_id,
                    "state",
                    JobState.SUBMITTING,
                    {"client_request_id": client_request_id},
                )
                rows.append(job_id)
        return [self.get(job_id) for job_id in rows]

    def update(self, job_id: str, change: JobChange) -> Job:
        """Apply `change` to a job, and record it in the job's history.

        Raises ForbiddenTransitionError for a change of state the job's life does not allow.
        """
        change = self._redacted(change)
        values = change.columns()
        if change.state is not None:
            values["state"] = change.state.value
        if change.error is not None:
            values["error_json"] = dumps(change.error.to_json())
        elif change.clear_error:
            values["error_json"] = None
        values["updated_at"] = self._clock()
        assignments = ", ".join(f"{k} = ?" for k in values)
        with self._transaction(synced=not change.is_progress()) as db:
            row = db.execute("SELECT state FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if row is None:
                raise JobNotFoundError(f"No job {job_id!r} in the journal.")
            if change.state is not None:
                check_transition(JobState(row["state"]), change.state)
            db.execute(f"UPDATE jobs SET {assignments} WHERE id = ?", [*values.values(), job_id])
            if change.state is not None:
                detail = {k: v for k, v in change.columns().items() if k != "bytes_done"}
                if change.error is not None:
                    detail["error"] = change.error.to_json()
                self._event(db, job_id, "state", change.state, detail)
            if change.event is not None:
                self._event(db, job_id, change.event[0], change.state, dict(change.event[1]))
        return self.get(job_id)

    def _redacted(self, change: JobChange) -> JobChange:
        """`change` with its outside texts through `redact` (the result link excepted: its
        signature is what downloads the clip)."""
        redact = self._redact
        error = change.error
        if error is not None:
            error = replace(error, message=redact(error.message))
        status = redact(change.status_detail) if change.status_detail is not None else None
        event = change.event
        if event is not None:
            kind, detail = event
            event = (kind, {k: redact(v) if isinstance(v, str) else v for k, v in detail.items()})
        return replace(change, error=error, status_detail=status, event=event)

    def forget(self, job_id: str) -> None:
        """The job leaves the history; what it cost stays in its day's spending."""
        with self._transaction() as db:
            keep_spending_of(db, job_id)
            db.execute("DELETE FROM jobs WHERE id = ?", (job_id,))

    def _event(
        self,
        db: sqlite3.Connection,
        job_id: str,
        kind: str,
        state: JobState | None,
        detail: dict[str, Any] | None,
    ) -> None:
        db.execute(
            "INSERT INTO events (job_id, at, kind, state, detail_json) VALUES (?, ?, ?, ?, ?)",
            (
                job_id, self._clock(), kind, state.value if state else None,
                dumps({k: (str(v) if isinstance(v, Path) else v) for k, v in detail.items()})
                if detail else None,
            ),
        )  # fmt: skip

    # -- leases ----------------------------------------------------------------------------

    def claim(self, job_id: str) -> bool:
        """Take the right to follow this job. False while another live process has it."""
        now = self._clock()
        with self._transaction(synced=False) as db:
            row = db.execute(
                "SELECT follower, lease_expires FROM jobs WHERE id = ?", (job_id,)
            ).fetchone()
            if row is None:
                raise JobNotFoundError(f"No job {job_id!r} in the journal.")
            free = row["follower"] == self.owner or _lease_is_free(row, now)
            if free:
                db.execute(
                    "UPDATE jobs SET follower = ?, lease_expires = ? WHERE id = ?",
                    (self.owner, now + self.lease_seconds, job_id),
                )
            return free

    def renew(self, job_id: str) -> bool:
        """Extend this process's lease; False when it was lost to another process."""
        cursor = self._db.execute(
            "UPDATE jobs SET lease_expires = ? WHERE id = ? AND follower = ?",
            (self._clock() + self.lease_seconds, job_id, self.owner),
        )
        self._checkpoints.written()
        return cursor.rowcount == 1

    def release(self, job_id: str) -> None:
        self._db.execute(
            "UPDATE jobs SET follower = NULL, lease_expires = NULL WHERE id = ? AND follower = ?",
            (job_id, self.owner),
        )
        self._checkpoints.written()

    def holder(self, job_id: str) -> str | None:
        """Who follows this job now, if a live process does."""
        row = self._db.execute(
            "SELECT follower, lease_expires FROM jobs WHERE id = ?", (job_id,)
        ).fetchone()
        if row is None or _lease_is_free(row, self._clock()):
            return None
        return str(row["follower"])


def _refuse_foreign(path: Path) -> None:
    """Raise ForeignDatabaseError when `path` is another program's database, read without
    writing a byte (nor changing its permissions)."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        ours = is_ours(db)
    finally:
        db.close()
    if not ours:
        raise ForeignDatabaseError(
            f"{path} is another program's database, not a Wan Studio journal: Wan Studio "
            "will not write to it. Choose another data folder with --home (or "
            "WAN_STUDIO_HOME), or move that file away.",
            path,
        )


def _lease_is_free(row: sqlite3.Row, now: float) -> bool:
    """No live process holds this row's lease (none taken, expired, or its process died)."""
    holder, expires = row["follower"], row["lease_expires"]
    return holder is None or expires is None or expires < now or _owner_is_dead(holder)

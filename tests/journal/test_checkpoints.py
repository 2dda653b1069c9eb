"""The journal's write-ahead log reaches its database file on the checkpoint thread, never
inside a write; and what a write waits for the disk for (#19)."""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app.domain.errors import ErrorKind
from desktop_app.domain.job import JobError, JobState
from desktop_app.domain.job_change import JobChange
from desktop_app.domain.request import GenerationRequest
from desktop_app.journal.errors import JournalUnusableError
from desktop_app.journal.job_journal import JobJournal

REQUEST = GenerationRequest(prompt="character1 runs", video_urls=("https://example.com/a.mp4",))
JOBS = 400
"""Enough writes to fill the log past SQLite's own checkpoint mark (1,000 pages)."""


def _jobs_in_database_file(path: Path) -> int:
    """The jobs a reader finds in the database file alone, without its write-ahead log."""
    scratch = path.parent / "alone"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    copy = scratch / path.name
    shutil.copyfile(path, copy)
    db = sqlite3.connect(copy)
    try:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'jobs'").fetchone():
            return 0  # the schema itself is still in the log
        return int(db.execute("SELECT COUNT(*) FROM jobs").fetchone()[0])
    finally:
        db.close()


def _write_many(journal: JobJournal) -> None:
    for _ in range(JOBS):
        job = journal.create(REQUEST)
        journal.update(job.id, JobChange(status_detail="generating", bytes_done=1))


def test_writes_never_checkpoint_inline(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    journal = JobJournal(path, checkpoint_after=3600)
    _write_many(journal)
    assert (tmp_path / "j.sqlite3-wal").stat().st_size > 1000 * 4096
    assert _jobs_in_database_file(path) == 0
    journal.close()  # the last connection to close checkpoints what is left
    assert _jobs_in_database_file(path) == JOBS


def test_the_checkpoint_thread_copies_the_log_once_writes_settle(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    journal = JobJournal(path, checkpoint_after=0.05)
    _write_many(journal)
    deadline = time.monotonic() + 30
    while _jobs_in_database_file(path) < JOBS:
        assert time.monotonic() < deadline, "the log never reached the database file"
        time.sleep(0.05)
    assert journal.get(journal.unfinished()[-1].id).status_detail == "generating"
    journal.close()


def test_a_job_s_birth_charge_and_end_wait_for_the_disk_and_its_progress_does_not(
    tmp_path: Path,
) -> None:
    journal = JobJournal(tmp_path / "j.sqlite3", checkpoint_after=3600)
    statements: list[str] = []
    journal._db.set_trace_callback(statements.append)

    def synced(write: Callable[[], object]) -> bool:
        statements.clear()
        write()
        return "PRAGMA synchronous = FULL" in statements

    job = journal.create(REQUEST)
    assert synced(lambda: journal.create(REQUEST))
    assert synced(lambda: journal.update(job.id, JobChange(
        state=JobState.QUEUED, generation_id="g-1", submitted_at=1.0)))  # fmt: skip
    assert not synced(lambda: journal.update(job.id, JobChange(state=JobState.GENERATING)))
    assert not synced(lambda: journal.update(job.id, JobChange(
        state=JobState.DOWNLOADING, video_url="https://cdn.example.com/c.mp4",
        completed_at=2.0, credits_used=100)))  # fmt: skip
    assert not synced(lambda: journal.update(job.id, JobChange(bytes_done=10, bytes_total=99)))
    assert not synced(lambda: journal.renew(job.id))
    assert synced(lambda: journal.update(job.id, JobChange(charged_credits=100)))
    assert synced(lambda: journal.update(job.id, JobChange(followed=False)))
    assert synced(lambda: journal.update(job.id, JobChange(
        error=JobError(ErrorKind.DOWNLOAD, "The disk is full."))))  # fmt: skip
    assert synced(lambda: journal.update(job.id, JobChange(
        state=JobState.DONE, file_sha256="ab", finished_at=3.0)))  # fmt: skip
    assert journal.get(job.id).state is JobState.DONE
    journal.close()


def test_a_write_refused_by_a_locked_journal_leaves_later_progress_unsynced(
    tmp_path: Path,
) -> None:
    path = tmp_path / "j.sqlite3"
    journal = JobJournal(path, checkpoint_after=3600)
    job = journal.create(REQUEST)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    journal._db.execute("PRAGMA busy_timeout = 50")
    with pytest.raises(JournalUnusableError):
        journal.update(job.id, JobChange(charged_credits=100))  # a synced write
    other.execute("ROLLBACK")
    other.close()
    assert journal._db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    journal.close()

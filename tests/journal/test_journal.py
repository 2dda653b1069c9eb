"""The journal on a real SQLite file: history, migrations, leases between processes."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.domain.errors import ErrorKind
from desktop_app.domain.job import ForbiddenTransitionError, JobError, JobState
from desktop_app.domain.job_change import JobChange
from desktop_app.domain.request import GenerationRequest
from desktop_app.journal.errors import AmbiguousJobError, JobNotFoundError
from desktop_app.journal.job_journal import JobJournal
from desktop_app.journal.queries import HistoryQueries
from desktop_app.journal.schema import MIGRATIONS, NewerSchemaError

REQUEST = GenerationRequest(prompt="character1 runs", video_urls=("https://example.com/a.mp4",))


def test_a_job_is_journaled_with_its_request_before_anything_else(tmp_path: Path) -> None:
    journal = JobJournal(tmp_path / "j.sqlite3")
    job = journal.create(REQUEST)
    assert job.state is JobState.SUBMITTING
    assert job.client_request_id
    journal.close()
    reopened = JobJournal(tmp_path / "j.sqlite3")
    again = reopened.get(job.id)
    assert again.request == REQUEST
    assert again.client_request_id == job.client_request_id
    mode = sqlite3.connect(tmp_path / "j.sqlite3").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_changes_are_recorded_in_the_history(tmp_path: Path) -> None:
    journal = JobJournal(tmp_path / "j.sqlite3")
    job = journal.create(REQUEST)
    journal.update(job.id, JobChange(state=JobState.QUEUED, generation_id="gen-1", credits_used=10))
    journal.update(
        job.id, JobChange(status_detail="generating", event=("poll", {"status": "generating"}))
    )
    journal.update(
        job.id,
        JobChange(state=JobState.FAILED, error=JobError(ErrorKind.SERVER, "it broke", 500, "rid")),
    )
    job = journal.get(job.id)
    assert job.state is JobState.FAILED
    assert job.error == JobError(ErrorKind.SERVER, "it broke", 500, "rid")
    history = HistoryQueries(tmp_path / "j.sqlite3")
    kinds = [(e["kind"], e["state"]) for e in history.events(job.id)]
    assert kinds == [
        ("state", "submitting"),
        ("state", "queued"),
        ("poll", None),
        ("state", "failed"),
    ]
    assert history.events(job.id)[1]["detail"]["generation_id"] == "gen-1"


def test_a_change_of_state_outside_the_table_is_refused_and_changes_nothing(
    tmp_path: Path,
) -> None:
    journal = JobJournal(tmp_path / "j.sqlite3")
    job = journal.create(REQUEST)
    with pytest.raises(ForbiddenTransitionError, match="from submitting to done"):
        journal.update(job.id, JobChange(state=JobState.DONE, file_size=1))
    unchanged = journal.get(job.id)
    assert unchanged.state is JobState.SUBMITTING and unchanged.file_size is None


def test_find_by_prefix_and_generation_id(tmp_path: Path) -> None:
    journal = JobJournal(tmp_path / "j.sqlite3")
    history = HistoryQueries(tmp_path / "j.sqlite3")
    first = journal.create(REQUEST)
    journal.update(first.id, JobChange(generation_id="F4ydZjZhuZFinNQMnQleh"))
    assert history.find(first.id[:6]).id == first.id
    assert history.find("F4ydZ").id == first.id
    with pytest.raises(JobNotFoundError):
        history.find("zzzz")
    second = journal.create(REQUEST)
    journal.update(second.id, JobChange(generation_id="F4ydZjZhuZzzzz"))
    with pytest.raises(AmbiguousJobError):
        history.find("F4ydZjZhuZ")
    assert [j.id for j in history.all()] == [second.id, first.id]


def test_an_old_journal_is_migrated_and_a_newer_one_refused(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    sqlite3.connect(path).close()  # version 0: empty
    JobJournal(path).close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(NewerSchemaError, match="newer"):
        JobJournal(path)


def test_only_one_process_follows_a_job(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    window = JobJournal(path)
    cli = JobJournal(path)
    job = window.create(REQUEST)  # created: leased to its creator
    assert not cli.claim(job.id)
    assert cli.holder(job.id) == window.owner
    window.release(job.id)
    assert cli.claim(job.id)
    assert not window.claim(job.id)
    assert not window.renew(job.id)


def test_a_dead_process_does_not_hold_its_lease(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    code = (
        "import sys; from pathlib import Path;"
        "from desktop_app.journal.job_journal import JobJournal;"
        "from desktop_app.domain.request import GenerationRequest as R;"
        "j = JobJournal(Path(sys.argv[1]), lease_seconds=3600);"
        "print(j.create(R(prompt='p', video_urls=('https://e.com/a.mp4',))).id)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    )
    job_id = out.stdout.strip()
    survivor = JobJournal(path)
    assert survivor.holder(job_id) is None
    assert survivor.claim(job_id)


def test_an_expired_lease_is_taken_over(tmp_path: Path) -> None:
    now = [1000.0]
    path = tmp_path / "j.sqlite3"
    remote = JobJournal(path, owner="other-host:1:abc", lease_seconds=60, clock=lambda: now[0])
    local = JobJournal(path, clock=lambda: now[0])
    job = remote.create(REQUEST)
    assert not local.claim(job.id)
    now[0] += 61
    assert local.claim(job.id)


def test_the_client_request_id_is_in_the_alphabet_the_provider_keeps(tmp_path: Path) -> None:
    """Outside 1-128 of A-Z a-z 0-9 . _ : - the provider drops it silently (API.md 4),
    and a lost answer could then not be found in its request log."""
    journal = JobJournal(tmp_path / "j.sqlite3")
    for _ in range(20):
        job = journal.create(REQUEST)
        assert re.fullmatch(r"[A-Za-z0-9._:-]{1,128}", job.client_request_id)


def test_a_follower_sees_a_job_stopped_or_forgotten_elsewhere_within_one_clock_tick(
    tmp_path: Path,
) -> None:
    path = tmp_path / "j.sqlite3"
    window = JobJournal(path, clock=lambda: 1000.0)
    command_line = JobJournal(path, clock=lambda: 1000.0)
    job = window.create(REQUEST)
    assert window.refresh(job) is job  # unchanged: not read again
    command_line.update(job.id, JobChange(followed=False))
    assert window.refresh(job).followed is False
    command_line.forget(job.id)
    with pytest.raises(JobNotFoundError):
        window.refresh(job)

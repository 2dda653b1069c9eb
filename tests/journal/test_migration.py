"""A journal written by release 0.1 (schema version 1) opens in this release with every
job kept, its new columns filled from each job's request, and its prompts searchable."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from desktop_app.domain.job import UNCHARGED_UNLESS_LEDGER, JobState
from desktop_app.domain.job_query import JobFilter
from desktop_app.domain.request import AspectRatio, Resolution
from desktop_app.journal.job_journal import JobJournal
from desktop_app.journal.queries import HistoryQueries
from desktop_app.journal.schema import MIGRATIONS, statements

V1_ROWS = [
    # id, state, request as release 0.1 wrote it, credits
    (
        "aaaa00000001",
        "done",
        {
            "model": "alibaba/wan-2-6-r2v",
            "prompt": "character1 surfs a huge wave",
            "video_urls": ["https://e.com/a.mp4", "https://e.com/b.mp4"],
            "resolution": "720p",
            "duration": 5,
            "aspect_ratio": "9:16",
            "seed": 42,
            "enhance_prompt": False,
            "negative_prompt": "blur",
        },
        1_000_000,
    ),
    (
        "aaaa00000002",
        "queued",
        {
            "model": "alibaba/wan-2-6-r2v",
            "prompt": "character1 reads in a library",
            "video_urls": ["https://e.com/c.mp4"],
            "shot_type": "multi",
        },
        None,
    ),
]


def make_v1_journal(path: Path) -> None:
    db = sqlite3.connect(path)
    for statement in statements(MIGRATIONS[0]):
        db.execute(statement)
    for n, (job_id, state, request, credits) in enumerate(V1_ROWS):
        db.execute(
            "INSERT INTO jobs (id, client_request_id, state, request_json, credits_used,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (job_id, f"cr-{job_id}", state, json.dumps(request), credits, 100.0 + n, 100.0 + n),
        )
        db.execute(
            "INSERT INTO events (job_id, at, kind, state) VALUES (?, ?, 'state', ?)",
            (job_id, 100.0 + n, state),
        )
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()


def test_a_version_1_journal_keeps_every_job_and_fills_the_new_columns(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    make_v1_journal(path)
    JobJournal(path).close()

    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    rows = {r["id"]: r for r in db.execute("SELECT * FROM jobs")}
    surf, read = rows["aaaa00000001"], rows["aaaa00000002"]
    assert (surf["prompt"], surf["negative_prompt"]) == ("character1 surfs a huge wave", "blur")
    assert (surf["resolution"], surf["duration"], surf["aspect_ratio"]) == ("720p", 5, "9:16")
    assert (surf["seed"], surf["enhance_prompt"], surf["reference_count"]) == (42, 0, 2)
    # Fields the old request left out read as the service's defaults.
    assert (read["resolution"], read["duration"], read["aspect_ratio"]) == ("1080p", 10, "16:9")
    assert (read["seed"], read["shot_type"], read["enhance_prompt"]) == (None, "multi", 1)
    assert surf["batch_id"] is None and surf["charged_credits"] is None

    history = HistoryQueries(path)
    assert [j.id for j in history.all()] == ["aaaa00000002", "aaaa00000001"]
    assert history.get("aaaa00000001").state is JobState.DONE
    assert [e["state"] for e in history.events("aaaa00000001")] == ["done"]
    assert [j.id for j in history.all(JobFilter(text="wave"))] == ["aaaa00000001"]
    assert [j.id for j in history.all(JobFilter(resolution=Resolution.FULL_HD))] == ["aaaa00000002"]
    assert [j.id for j in history.all(JobFilter(aspect_ratio=AspectRatio.PORTRAIT))] == [
        "aaaa00000001"
    ]
    assert history.spent_usd() == 0.5  # the done job, at what the service reported


def test_a_release_0_3_journal_keeps_every_job_now_wan_26(tmp_path: Path) -> None:
    """Schema 4 (release 0.3) with a job in every state: after the migrations that add the
    forgotten jobs' spending, the delivered clip's facts and the model, every job is there,
    made by Wan 2.6, and counts its $1.50 quote (those that ended without a clip, nothing)."""
    path = tmp_path / "journal.sqlite3"
    db = sqlite3.connect(path)
    for script in MIGRATIONS[:4]:
        for statement in statements(script):
            db.execute(statement)
    request = json.dumps({"model": "alibaba/wan-2-6-r2v", "prompt": "character1 waves",
                          "video_urls": ["https://e.com/a.mp4"]})  # fmt: skip
    states = [state.value for state in JobState]
    for n, state in enumerate(states):
        db.execute(
            "INSERT INTO jobs (id, client_request_id, state, request_json, created_at,"
            " updated_at, estimate_usd) VALUES (?, ?, ?, ?, ?, ?, 1.5)",
            (f"job{n:09d}", f"cr-{n}", state, request, 100.0 + n, 100.0 + n),
        )
    db.execute("PRAGMA user_version = 4")
    db.commit()
    db.close()
    JobJournal(path).close()

    history = HistoryQueries(path)
    assert sorted(j.state.value for j in history.all()) == sorted(states)
    assert {j.request.model for j in history.all()} == {"alibaba/wan-2-6-r2v"}
    models = sqlite3.connect(path).execute("SELECT DISTINCT model FROM jobs").fetchall()
    assert models == [("alibaba/wan-2-6-r2v",)]
    counted = [j for j in history.all() if j.state not in UNCHARGED_UNLESS_LEDGER]
    assert history.spent_usd() == 1.5 * len(counted)
    assert history.average_cost_usd("alibaba/wan-2-6-r2v", "1080p", 10) == 1.5
    assert history.average_cost_usd("alibaba/wan-2-7-r2v", "1080p", 10) is None
    journal = JobJournal(path)
    try:
        assert journal.characters() == []  # the table of kept characters, empty
        assert all(j.continues is None for j in history.all())
    finally:
        journal.close()

"""The journal's schema, as numbered migrations. `PRAGMA user_version` says which ran."""

from __future__ import annotations

import sqlite3

MIGRATIONS: tuple[str, ...] = (
    # 1: jobs, their event history, and a lease column pair for cross-process following.
    """
    CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        client_request_id TEXT NOT NULL UNIQUE,
        generation_id TEXT,
        state TEXT NOT NULL,
        status_detail TEXT,
        request_json TEXT NOT NULL,
        error_json TEXT,
        credits_used INTEGER,
        video_url TEXT,
        file_path TEXT,
        file_size INTEGER,
        file_sha256 TEXT,
        bytes_done INTEGER NOT NULL DEFAULT 0,
        bytes_total INTEGER,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        submitted_at REAL,
        completed_at REAL,
        finished_at REAL,
        followed INTEGER NOT NULL DEFAULT 1,
        follower TEXT,
        lease_expires REAL
    );
    CREATE INDEX jobs_generation_id ON jobs (generation_id);
    CREATE INDEX jobs_created_at ON jobs (created_at);
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        at REAL NOT NULL,
        kind TEXT NOT NULL,
        state TEXT,
        detail_json TEXT
    );
    CREATE INDEX events_job ON events (job_id, seq);
    """,
)


class NewerSchemaError(RuntimeError):
    """The journal was written by a newer Wan Studio; this one will not touch it."""


def migrate(db: sqlite3.Connection) -> None:
    """Bring the schema to the newest version, each step in its own transaction."""
    current = db.execute("PRAGMA user_version").fetchone()[0]
    if current > len(MIGRATIONS):
        raise NewerSchemaError(
            f"The job journal has schema version {current}, newer than this Wan Studio "
            f"understands ({len(MIGRATIONS)}). Update Wan Studio."
        )
    for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
        db.execute("BEGIN IMMEDIATE")
        try:
            for statement in script.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {version}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

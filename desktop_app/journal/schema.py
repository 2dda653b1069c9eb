"""The journal's schema, as numbered migrations. `PRAGMA user_version` says which ran."""

from __future__ import annotations

import sqlite3

from desktop_app.domain.errors import StorageError

COST_USD_AT_MIGRATION_4 = (
    "(CASE WHEN charged_credits IS NOT NULL THEN charged_credits / 2000000.0"
    " ELSE COALESCE(estimate_usd, credits_used / 2000000.0) END)"
)
"""The cost rule as migration 4 indexed it, frozen: a later change to the rule
(`money.COST_USD`) is a new migration, never an edit of this one."""

APPLICATION_ID = 0x57414E53
"""SQLite's application_id of a Wan Studio journal ("WANS"): another program's database
is told apart by it (a journal from before it was set, by its tables)."""

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
    # 2: typed columns for what people filter and sort on (filled from each row's request),
    # a full-text index over prompts, and a feed of changed jobs for other processes.
    """
    ALTER TABLE jobs ADD COLUMN prompt TEXT NOT NULL DEFAULT '';
    ALTER TABLE jobs ADD COLUMN negative_prompt TEXT;
    ALTER TABLE jobs ADD COLUMN aspect_ratio TEXT NOT NULL DEFAULT '16:9';
    ALTER TABLE jobs ADD COLUMN resolution TEXT NOT NULL DEFAULT '1080p';
    ALTER TABLE jobs ADD COLUMN duration INTEGER NOT NULL DEFAULT 10;
    ALTER TABLE jobs ADD COLUMN seed INTEGER;
    ALTER TABLE jobs ADD COLUMN shot_type TEXT;
    ALTER TABLE jobs ADD COLUMN enhance_prompt INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE jobs ADD COLUMN reference_count INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE jobs ADD COLUMN batch_id TEXT;
    ALTER TABLE jobs ADD COLUMN charged_credits INTEGER;
    UPDATE jobs SET
        prompt = COALESCE(json_extract(request_json, '$.prompt'), ''),
        negative_prompt = json_extract(request_json, '$.negative_prompt'),
        aspect_ratio = COALESCE(json_extract(request_json, '$.aspect_ratio'), '16:9'),
        resolution = COALESCE(json_extract(request_json, '$.resolution'), '1080p'),
        duration = COALESCE(json_extract(request_json, '$.duration'), 10),
        seed = json_extract(request_json, '$.seed'),
        shot_type = json_extract(request_json, '$.shot_type'),
        enhance_prompt = COALESCE(json_extract(request_json, '$.enhance_prompt'), 1),
        reference_count = COALESCE(json_array_length(request_json, '$.video_urls'), 0)
    WHERE json_valid(request_json);
    CREATE INDEX jobs_state ON jobs (state, created_at);
    CREATE INDEX jobs_batch ON jobs (batch_id);
    CREATE INDEX jobs_cost ON jobs (COALESCE(charged_credits, credits_used));
    CREATE VIRTUAL TABLE jobs_text USING fts5(
        prompt, negative_prompt, content = 'jobs', content_rowid = 'rowid',
        tokenize = 'unicode61 remove_diacritics 2'
    );
    INSERT INTO jobs_text (jobs_text) VALUES ('rebuild');
    CREATE TRIGGER jobs_text_insert AFTER INSERT ON jobs BEGIN
        INSERT INTO jobs_text (rowid, prompt, negative_prompt)
        VALUES (new.rowid, new.prompt, new.negative_prompt);
    END;
    CREATE TRIGGER jobs_text_delete AFTER DELETE ON jobs BEGIN
        INSERT INTO jobs_text (jobs_text, rowid, prompt, negative_prompt)
        VALUES ('delete', old.rowid, old.prompt, old.negative_prompt);
    END;
    CREATE TRIGGER jobs_text_update AFTER UPDATE OF prompt, negative_prompt ON jobs BEGIN
        INSERT INTO jobs_text (jobs_text, rowid, prompt, negative_prompt)
        VALUES ('delete', old.rowid, old.prompt, old.negative_prompt);
        INSERT INTO jobs_text (rowid, prompt, negative_prompt)
        VALUES (new.rowid, new.prompt, new.negative_prompt);
    END;
    CREATE TABLE job_changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id TEXT NOT NULL UNIQUE
    );
    INSERT INTO job_changes (job_id) SELECT id FROM jobs ORDER BY created_at;
    CREATE TRIGGER job_changes_insert AFTER INSERT ON jobs BEGIN
        INSERT OR REPLACE INTO job_changes (job_id) VALUES (new.id);
    END;
    CREATE TRIGGER job_changes_update AFTER UPDATE OF
        state, generation_id, status_detail, error_json, credits_used, charged_credits,
        video_url, file_path, file_size, file_sha256, bytes_done, bytes_total, submitted_at,
        completed_at, finished_at, followed, batch_id
        ON jobs BEGIN
        INSERT OR REPLACE INTO job_changes (job_id) VALUES (new.id);
    END;
    CREATE TRIGGER job_changes_delete AFTER DELETE ON jobs BEGIN
        INSERT OR REPLACE INTO job_changes (job_id) VALUES (old.id);
    END;
    """,
    # 3: the price quoted before sending (and where it came from), and when a submission
    # whose answer was lost was found again in the provider's request log.
    """
    ALTER TABLE jobs ADD COLUMN estimate_usd REAL;
    ALTER TABLE jobs ADD COLUMN estimate_source TEXT;
    ALTER TABLE jobs ADD COLUMN recovered_at REAL;
    DROP TRIGGER job_changes_update;
    CREATE TRIGGER job_changes_update AFTER UPDATE OF
        state, generation_id, status_detail, error_json, credits_used, charged_credits,
        video_url, file_path, file_size, file_sha256, bytes_done, bytes_total, submitted_at,
        completed_at, finished_at, followed, batch_id, estimate_usd, recovered_at
        ON jobs BEGIN
        INSERT OR REPLACE INTO job_changes (job_id) VALUES (new.id);
    END;
    """,
    # 4: what the daily limit counted for a job when it was sent, the job that sent an
    # `unknown` one again, when its current stretch of following began, the local clips it
    # was sent with, and costs sorted in the order `Job.cost` gives them.
    f"""
    PRAGMA application_id = {APPLICATION_ID};
    ALTER TABLE jobs ADD COLUMN counted_usd REAL;
    ALTER TABLE jobs ADD COLUMN superseded_by TEXT;
    ALTER TABLE jobs ADD COLUMN followed_since REAL;
    ALTER TABLE jobs ADD COLUMN local_refs_json TEXT;
    DROP INDEX jobs_cost;
    CREATE INDEX jobs_cost_usd ON jobs {COST_USD_AT_MIGRATION_4};
    DROP TRIGGER job_changes_update;
    CREATE TRIGGER job_changes_update AFTER UPDATE OF
        state, generation_id, status_detail, error_json, credits_used, charged_credits,
        video_url, file_path, file_size, file_sha256, bytes_done, bytes_total, submitted_at,
        completed_at, finished_at, followed, batch_id, estimate_usd, recovered_at,
        superseded_by
        ON jobs BEGIN
        INSERT OR REPLACE INTO job_changes (job_id) VALUES (new.id);
    END;
    """,
    # 5: what forgotten jobs count towards spending: forgetting hides a job from the
    # history, and its cost stays in the day it was sent (the service still renders and
    # charges it).
    """
    CREATE TABLE forgotten_spending (
        job_id TEXT PRIMARY KEY,
        created_at REAL NOT NULL,
        usd REAL NOT NULL
    );
    CREATE INDEX forgotten_spending_created_at ON forgotten_spending (created_at);
    """,
    # 6: what the saved clip really is (its length and frame size, from its container),
    # against what was asked.
    """
    ALTER TABLE jobs ADD COLUMN delivered_seconds REAL;
    ALTER TABLE jobs ADD COLUMN delivered_width INTEGER;
    ALTER TABLE jobs ADD COLUMN delivered_height INTEGER;
    """,
    # 7: the model each job was made with (jobs journaled before are Wan 2.6's), so that
    # history, prices and lookups are per model.
    """
    ALTER TABLE jobs ADD COLUMN model TEXT NOT NULL DEFAULT 'alibaba/wan-2-6-r2v';
    CREATE INDEX jobs_model ON jobs (model, resolution, duration);
    """,
    # 8: the job whose last frame a job starts from (Continue from last frame): the
    # history shows the chain.
    """
    ALTER TABLE jobs ADD COLUMN continues TEXT;
    """,
    # 9: the characters a creator keeps (a name, its takes, a note): in the journal, so
    # they are in its backups and survive a reinstall.
    """
    CREATE TABLE characters (
        name TEXT PRIMARY KEY COLLATE NOCASE,
        note TEXT NOT NULL DEFAULT '',
        takes_json TEXT NOT NULL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    """,
    # 10: a character's picture (a small PNG of its first take), kept with it.
    """
    ALTER TABLE characters ADD COLUMN thumbnail_png BLOB;
    """,
)


class NewerSchemaError(StorageError):
    """The journal was written by a newer Wan Studio; this one will not touch it."""


def statements(script: str) -> list[str]:
    """A script's statements, one each, with trigger bodies (which hold `;`) kept whole."""
    found, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            found.append(pending.strip())
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement: {pending.strip()[:60]}")
    return found


def is_ours(db: sqlite3.Connection) -> bool:
    """The database is a Wan Studio journal, or empty (a new one): never another program's."""
    if db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID:
        return True
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return not tables or {"jobs", "events"} <= tables


def migrate(db: sqlite3.Connection) -> None:
    """Bring the schema to the newest version, each step in its own transaction. The
    version is read inside that transaction: processes opening a new journal at the same
    moment take turns, and each step runs once."""
    while True:
        db.execute("BEGIN IMMEDIATE")
        try:
            current = db.execute("PRAGMA user_version").fetchone()[0]
            if current > len(MIGRATIONS):
                raise NewerSchemaError(
                    f"The job journal has schema version {current}, newer than this Wan "
                    f"Studio understands ({len(MIGRATIONS)}). Update Wan Studio."
                )
            if current == len(MIGRATIONS):
                db.execute("COMMIT")
                return
            for statement in statements(MIGRATIONS[current]):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {current + 1}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

"""The command line against careless input, hostile server text and a broken data folder:
a sentence and an exit code every time, never a traceback, never the key."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

from desktop_app.domain.base_url import base_url_problem
from desktop_app.domain.job import JobState
from desktop_app.domain.job_change import JobChange
from desktop_app.domain.request import GenerationRequest
from desktop_app.journal.errors import storage_error
from desktop_app.journal.job_journal import JobJournal
from desktop_app.simulator import Fault, Simulator
from tests.cli.test_cli import PROMPT, REF, cli_env, command, wan
from tests.conftest import TEST_KEY

REQUEST = ("--prompt", PROMPT, "--ref", REF)


def test_a_key_with_a_line_break_is_refused_by_rule_and_never_shown(
    tmp_path: Path, sim: Simulator
) -> None:
    bad_key = "sk-A\nB0123456789"
    result = wan(tmp_path, "generate", *REQUEST, key=bad_key, base_url=sim.base_url)
    assert result.returncode == 2
    assert "AIMLAPI_KEY" in result.stderr and "control characters" in result.stderr
    assert "sk-A" not in result.stderr + result.stdout and "B0123456789" not in result.stderr
    assert sim.count("POST", "/v2/video/generations") == 0
    for file in tmp_path.rglob("*"):
        if file.is_file():
            assert b"B0123456789" not in file.read_bytes(), file


def test_a_malformed_reference_link_is_a_sentence(tmp_path: Path, sim: Simulator) -> None:
    result = wan(tmp_path, "generate", "--prompt", PROMPT, "--ref", "http://[::1/a.mp4",
                 base_url=sim.base_url)  # fmt: skip
    assert result.returncode == 2
    assert "not a well-formed link" in result.stderr and "Traceback" not in result.stderr


def test_server_text_reaches_the_terminal_without_escape_sequences(
    tmp_path: Path, sim: Simulator
) -> None:
    sim.add_fault(Fault("generation", message="Bad clip\x1b[2J\x1b]0;pwned\x07 done"))
    result = wan(tmp_path, "generate", *REQUEST, "--wait", base_url=sim.base_url)
    assert result.returncode == 4
    assert "Bad clip" in result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr


def test_jobs_into_a_closed_pipe_exits_quietly(tmp_path: Path, sim: Simulator) -> None:
    journal = JobJournal(tmp_path / "journal.sqlite3")
    for n in range(150):
        journal.create(GenerationRequest(prompt=f"character1 take {n}", video_urls=(REF,)))
    journal.close()
    line = " ".join([sys.executable, "-m", "desktop_app", *command(tmp_path, sim.base_url)])
    result = subprocess.run(
        f"{line} jobs --json | head -c 100 > /dev/null",
        shell=True, env=cli_env(), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.stderr == "", result.stderr


def test_resume_when_another_process_follows_everything_says_so_and_exits_0(
    tmp_path: Path, sim: Simulator
) -> None:
    journal = JobJournal(tmp_path / "journal.sqlite3")  # this test process: "the window"
    job = journal.create(GenerationRequest(prompt=PROMPT, video_urls=(REF,)))
    journal.update(job.id, JobChange(state=JobState.QUEUED, generation_id="g1"))
    assert journal.claim(job.id)
    result = wan(tmp_path, "resume", base_url=sim.base_url)
    assert result.returncode == 0, result.stderr
    assert "followed by another Wan Studio process" in result.stderr
    assert sim.count("GET", "/v2/video/generations") == 0


def test_a_home_that_is_a_file_is_a_sentence(tmp_path: Path, sim: Simulator) -> None:
    home = tmp_path / "not-a-folder"
    home.write_text("x")
    result = wan(home, "jobs", base_url=sim.base_url)
    assert result.returncode == 6
    assert "cannot use its data folder" in result.stderr and "--home" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_damaged_journal_is_set_aside_never_deleted(tmp_path: Path, sim: Simulator) -> None:
    (tmp_path / "journal.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\xff" * 300)
    result = wan(tmp_path, "jobs", base_url=sim.base_url)
    assert result.returncode == 6
    assert "damaged" in result.stderr and "set-aside-journal" in result.stderr
    aside = wan(tmp_path, "set-aside-journal", base_url=sim.base_url)
    assert aside.returncode == 0 and "kept, not deleted" in aside.stdout
    [kept] = tmp_path.glob("journal.sqlite3.broken-*")
    assert kept.read_bytes().startswith(b"SQLite format 3")
    again = wan(tmp_path, "jobs", base_url=sim.base_url)
    assert again.returncode == 0 and "No jobs yet" in again.stdout


def test_a_row_with_an_unknown_value_is_shown_as_unreadable_and_others_still_list(
    tmp_path: Path, sim: Simulator
) -> None:
    journal = JobJournal(tmp_path / "journal.sqlite3")
    odd = journal.create(GenerationRequest(prompt="character1 in 4k", video_urls=(REF,)))
    fine = journal.create(GenerationRequest(prompt="character1 in 1080p", video_urls=(REF,)))
    journal.close()
    db = sqlite3.connect(tmp_path / "journal.sqlite3")
    db.execute(
        "UPDATE jobs SET request_json = json_set(request_json, '$.resolution', '4k') WHERE id = ?",
        (odd.id,),
    )
    db.commit()
    db.close()
    listed = wan(tmp_path, "jobs", "--json", base_url=sim.base_url)
    assert listed.returncode == 0, listed.stderr
    jobs = {job["id"]: job for job in json.loads(listed.stdout)}
    assert set(jobs) == {odd.id, fine.id}
    assert "could not be read" in jobs[odd.id]["error"]["message"]
    assert jobs[fine.id]["error"] is None


def test_data_files_are_private_and_logs_hide_link_signatures(
    tmp_path: Path, sim: Simulator
) -> None:
    home = tmp_path / "home"
    result = wan(home, "--verbose", "generate", *REQUEST, "--wait", base_url=sim.base_url)
    assert result.returncode == 0, result.stderr
    for folder in (home, home / "logs"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    for file in (home / "journal.sqlite3", home / "logs" / "wan-studio.log"):
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    log = (home / "logs" / "wan-studio.log").read_text()
    assert "/cdn/" in log
    assert "Signature=[redacted]" in log
    assert "Signature=" not in log.replace("Signature=[redacted]", "")


def test_the_rules_for_the_base_url_and_a_full_disk() -> None:
    """Rules only: a refused address is never contacted, not even to prove the refusal."""
    assert base_url_problem("https://api.aimlapi.com") is None
    assert base_url_problem("http://127.0.0.1:8765") is None
    assert base_url_problem("http://localhost:8765") is None
    http = base_url_problem("http://api.aimlapi.com")
    assert http is not None and "https://" in http and "unencrypted" in http
    assert base_url_problem("ftp://x") is not None
    full = storage_error(sqlite3.OperationalError("database or disk is full"), Path("/j"))
    assert full.explain().startswith("The disk is full")


def test_a_file_link_to_another_computer_is_a_sentence(tmp_path: Path, sim: Simulator) -> None:
    result = wan(tmp_path, "generate", "--prompt", PROMPT, "--ref", "file://otherhost/a.mp4",
                 base_url=sim.base_url)  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "another computer" in result.stderr and "Traceback" not in result.stderr
    assert sim.count("POST", "/v2/video/generations") == 0


def test_a_poll_interval_out_of_its_range_is_refused(tmp_path: Path, sim: Simulator) -> None:
    for value in ("inf", "nan", "1e-300", "-1", "soon"):
        result = subprocess.run(
            [sys.executable, "-m", "desktop_app", "--home", str(tmp_path), "--poll-interval",
             value, "jobs"],
            env=cli_env(), capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert result.returncode == 2, (value, result.stderr)
        assert "from 0.1 to 3600" in result.stderr


def test_key_status_into_a_full_output_is_a_sentence(tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "desktop_app", "--home", str(tmp_path), "key", "status"],
            env=cli_env(AIMLAPI_KEY="sk-test-0123456789abcdef"), stdout=full,
            stderr=subprocess.PIPE, text=True, timeout=60,
        )  # fmt: skip
    assert result.returncode == 6, result.stderr
    assert "could not be written" in result.stderr and "Traceback" not in result.stderr


def test_an_output_that_is_not_utf8_shows_what_it_can(tmp_path: Path, sim: Simulator) -> None:
    made = wan(tmp_path, "generate", "--prompt", "character1 at the café", "--ref", REF,
               base_url=sim.base_url)  # fmt: skip
    assert made.returncode == 0, made.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "desktop_app", *command(tmp_path, sim.base_url), "jobs"],
        env=cli_env(AIMLAPI_KEY=TEST_KEY, PYTHONIOENCODING="ascii"),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    assert "caf?" in listed.stdout and "Traceback" not in listed.stderr


def test_a_library_setting_that_names_a_file_is_a_sentence(tmp_path: Path, sim: Simulator) -> None:
    not_a_folder = tmp_path / "clips"
    not_a_folder.write_text("a file, not a folder")
    (tmp_path / "settings.json").write_text(json.dumps({"library": str(not_a_folder)}))
    result = wan(tmp_path, "generate", *REQUEST, "--wait", base_url=sim.base_url)
    assert result.returncode == 6, result.stderr
    assert "could not be saved" in result.stderr and "Traceback" not in result.stderr


def test_settings_that_are_a_dangling_link_or_a_fifo_stop_sending_and_never_hang(
    tmp_path: Path, sim: Simulator
) -> None:
    settings = tmp_path / "settings.json"
    settings.symlink_to(tmp_path / "moved-away.json")
    dangling = wan(tmp_path, "generate", *REQUEST, base_url=sim.base_url)
    assert dangling.returncode == 2 and "does not exist" in dangling.stderr
    settings.unlink()
    os.mkfifo(settings)
    listed = wan(tmp_path, "jobs", base_url=sim.base_url, timeout=30)  # no hang
    assert listed.returncode == 0, listed.stderr
    refused = wan(tmp_path, "generate", *REQUEST, base_url=sim.base_url, timeout=30)
    assert refused.returncode == 2 and "not a regular file" in refused.stderr
    assert sim.count("POST", "/v2/video/generations") == 0


def test_under_umask_000_nothing_the_app_makes_is_writable_by_others(
    tmp_path: Path, sim: Simulator
) -> None:
    home = tmp_path / "new" / "home"
    done = subprocess.run(
        [sys.executable, "-m", "desktop_app", *command(home, sim.base_url), "generate",
         *REQUEST, "--wait", "--json"],
        env=cli_env(AIMLAPI_KEY=TEST_KEY), capture_output=True, text=True, timeout=120,
        preexec_fn=lambda: os.umask(0),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    clip = Path(json.loads(done.stdout)["file"])
    assert stat.S_IMODE(clip.stat().st_mode) == 0o644
    made = [p for p in (tmp_path / "new").rglob("*") if p.is_dir() or p.name.endswith(".sqlite3")]
    assert made and all(stat.S_IMODE(p.stat().st_mode) & 0o077 == 0 for p in made), [
        (str(p), oct(p.stat().st_mode)) for p in made
    ]

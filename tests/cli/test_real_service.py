"""Where a live service drifts from its docs, or the network misbehaves, the command line
still ends each job in a clear state with a sentence: status words spelled otherwise, base
URLs copied with /v2, redirect loops, a request log that names the model otherwise, a full
or closed standard output, invisible characters, and another program's database."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from desktop_app.api.client import GENERATIONS_PATH
from desktop_app.simulator import Fault, Simulator
from tests.cli.test_cli import PROMPT, REF, cli_env, command, wan
from tests.conftest import FAST_SIM, TEST_KEY

REQUEST = ("--prompt", PROMPT, "--ref", REF)


def posts(sim: Simulator) -> int:
    return sim.count("POST", GENERATIONS_PATH)


def generate_wait(home: Path, base_url: str) -> subprocess.CompletedProcess[str]:
    return wan(home, "generate", *REQUEST, "--wait", "--json", base_url=base_url)


def shown(home: Path, job_id: str, sim: Simulator) -> dict[str, Any]:
    result = wan(home, "show", job_id, "--json", base_url=sim.base_url)
    assert result.returncode == 0, result.stderr
    job: dict[str, Any] = json.loads(result.stdout)
    return job


@pytest.mark.parametrize(
    "words",
    [
        {"completed": "Completed"},
        {"completed": "COMPLETED"},
        {"completed": "succeeded", "queued": "pending", "generating": "processing"},
        {"completed": "done", "queued": "Waiting", "generating": "in-progress"},
    ],
)
def test_status_words_spelled_otherwise_end_the_job(
    tmp_path: Path, demo_clip: bytes, words: dict[str, str]
) -> None:
    with Simulator(replace(FAST_SIM, status_words=words)) as sim:
        done = generate_wait(tmp_path, sim.base_url)
        assert done.returncode == 0, done.stderr
        job = json.loads(done.stdout)
        assert job["state"] == "done" and Path(job["file"]).read_bytes() == demo_clip
        assert posts(sim) == 1


def test_a_failure_spelled_cancelled_ends_the_job_as_failed(tmp_path: Path) -> None:
    with Simulator(replace(FAST_SIM, status_words={"error": "Cancelled"})) as sim:
        sim.add_fault(Fault("generation", message="The reference shows two people"))
        failed = generate_wait(tmp_path, sim.base_url)
    assert failed.returncode == 4, failed.stderr
    job = json.loads(failed.stdout)
    assert job["state"] == "failed" and "two people" in job["error"]["message"]


def test_an_unknown_status_word_is_shown_journaled_once_and_followed_on(
    tmp_path: Path, demo_clip: bytes
) -> None:
    config = replace(FAST_SIM, generating_seconds=2.0, status_words={"generating": "dreaming"})
    with Simulator(config) as sim:
        done = generate_wait(tmp_path, sim.base_url)
        assert done.returncode == 0, done.stderr
        job = json.loads(done.stdout)
        polls = [e for e in shown(tmp_path, job["id"], sim)["events"] if e["kind"] == "poll"]
        assert sim.count("GET", GENERATIONS_PATH) >= 4  # polled on through the odd word
    assert [e["detail"]["status"] for e in polls] == ["dreaming", "completed"]  # no repeats
    assert "dreaming" in done.stderr  # shown on the job's progress line


@pytest.mark.parametrize("suffix", ["/v2", "/v1/", "//", "/v2/v1"])
def test_a_base_url_copied_with_a_version_suffix_is_used_as_the_service(
    tmp_path: Path, sim: Simulator, demo_clip: bytes, suffix: str
) -> None:
    done = generate_wait(tmp_path, sim.base_url + suffix)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count(f"is used as {sim.base_url}") == 1  # said once
    assert Path(json.loads(done.stdout)["file"]).read_bytes() == demo_clip
    assert all(r.path.startswith(("/v1/", "/v2/", "/cdn/")) for r in sim.requests)


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("{base}?x=1", "query"),
        ("{base}/#frag", "fragment"),
        ("http://user:secret@{host}", "user name"),
        ("http://127.0.0.1:99999", "port"),
        ("http://127.0.0.1:0", "port"),
    ],
)
def test_a_base_url_that_cannot_be_an_api_sends_and_journals_nothing(
    tmp_path: Path, sim: Simulator, address: str, words: str
) -> None:
    url = address.format(base=sim.base_url, host=sim.base_url.removeprefix("http://"))
    for where in ("flag", "environment", "setting"):
        home = tmp_path / where
        home.mkdir()
        if where == "flag":
            result = wan(home, "generate", *REQUEST, base_url=url)
        elif where == "environment":
            result = run_with_env(home, {"AIMLAPI_BASE_URL": url}, "generate", *REQUEST)
        else:
            (home / "settings.json").write_text(json.dumps({"base_url": url}))
            result = wan(home, "generate", *REQUEST)
        assert result.returncode == 2, (where, result.stderr)
        assert words in result.stderr and "Traceback" not in result.stderr
        assert json.loads(wan(home, "jobs", "--json").stdout) == []
    assert posts(sim) == 0


def run_with_env(home: Path, extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *command(home, None), *args],
        env=cli_env(AIMLAPI_KEY=TEST_KEY, **extra),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_an_empty_base_url_is_the_default_and_key_status_says_which(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text(json.dumps({"base_url": ""}))
    status = run_with_env(tmp_path, {"AIMLAPI_BASE_URL": "  "}, "key", "status")
    assert status.returncode == 0, status.stderr
    assert "sent only to the API at https://api.aimlapi.com." in status.stdout
    copied = run_with_env(tmp_path, {"AIMLAPI_BASE_URL": "https://api.aimlapi.com/v2/"},
                          "key", "status")  # fmt: skip
    assert "sent only to the API at https://api.aimlapi.com." in copied.stdout


def test_a_result_link_that_redirects_in_a_loop_is_a_sentence_then_recoverable(
    tmp_path: Path, sim: Simulator, demo_clip: bytes
) -> None:
    sim.add_fault(Fault("cdn", redirect_loop=True, times=10_000))
    stuck = generate_wait(tmp_path, sim.base_url)
    assert stuck.returncode == 5, stuck.stderr
    assert "Traceback" not in stuck.stderr
    job = json.loads(stuck.stdout)
    assert job["state"] == "downloading" and job["followed"] is False
    assert "kept redirecting" in job["error"]["message"]
    again = wan(tmp_path, "resume", base_url=sim.base_url)  # not followed: left alone, quietly
    assert "Traceback" not in again.stderr
    sim.clear_faults()
    saved = wan(tmp_path, "download", job["id"], base_url=sim.base_url)
    assert saved.returncode == 0, saved.stderr
    assert Path(shown(tmp_path, job["id"], sim)["file"]).read_bytes() == demo_clip
    assert posts(sim) == 1


def test_a_request_log_that_names_the_model_otherwise_still_finds_a_lost_answer(
    tmp_path: Path, demo_clip: bytes
) -> None:
    with Simulator(replace(FAST_SIM, log_model_name="wan2.6-r2v")) as sim:
        sim.add_fault(Fault("create", accept_then_drop=True))
        done = generate_wait(tmp_path, sim.base_url)
        assert done.returncode == 0, done.stderr
        job = json.loads(done.stdout)
        assert job["recovered"] is True and Path(job["file"]).read_bytes() == demo_clip
        assert posts(sim) == 1
        logs = [r for r in sim.requests if r.path == "/v2/logs"]
    assert any("model" in r.query for r in logs)  # the narrower query first
    assert any("model" not in r.query for r in logs)  # then without it


def test_a_full_standard_output_is_exit_6_with_a_sentence(tmp_path: Path, sim: Simulator) -> None:
    generate_wait(tmp_path, sim.base_url)
    for listing in (("jobs",), ("jobs", "--json")):
        with open("/dev/full", "w") as full:
            result = subprocess.run(
                [sys.executable, "-m", "desktop_app", *command(tmp_path, sim.base_url), *listing],
                env=cli_env(AIMLAPI_KEY=TEST_KEY), stdout=full, stderr=subprocess.PIPE,
                text=True, timeout=60,
            )  # fmt: skip
        assert result.returncode == 6, result.stderr
        assert "could not be written" in result.stderr and "Traceback" not in result.stderr


def test_a_closed_standard_output_ends_quietly(tmp_path: Path, sim: Simulator) -> None:
    generate_wait(tmp_path, sim.base_url)
    line = " ".join([sys.executable, "-m", "desktop_app", *command(tmp_path, sim.base_url), "jobs"])
    result = subprocess.run(
        ["bash", "-c", f"{line} >&-"], env=cli_env(AIMLAPI_KEY=TEST_KEY),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0 and result.stderr == ""


def test_invisible_format_characters_show_escaped_on_the_terminal(
    tmp_path: Path, sim: Simulator
) -> None:
    prompt = "character1 waves \u202egnirts\u202c at\u200b the camera"
    sent = wan(tmp_path, "generate", "--prompt", prompt, "--ref", REF, base_url=sim.base_url)
    assert sent.returncode == 0, sent.stderr
    listed = wan(tmp_path, "jobs", base_url=sim.base_url).stdout
    assert "\u202e" not in listed and "\u200b" not in listed
    assert "\\u202egnirts\\u202c at\\u200b the" in listed


def test_another_programs_database_is_refused_and_never_written(
    tmp_path: Path, sim: Simulator
) -> None:
    journal = tmp_path / "journal.sqlite3"
    db = sqlite3.connect(journal)
    db.execute("CREATE TABLE contacts (name TEXT)")
    db.execute("INSERT INTO contacts VALUES ('Ada')")
    db.commit()
    db.close()
    before = (hashlib.sha256(journal.read_bytes()).hexdigest(), journal.stat().st_mode)
    for args in (("jobs",), ("generate", *REQUEST)):
        refused = wan(tmp_path, *args, base_url=sim.base_url)
        assert refused.returncode == 6, refused.stderr
        assert "another program's database" in refused.stderr
    assert (hashlib.sha256(journal.read_bytes()).hexdigest(), journal.stat().st_mode) == before
    assert not journal.with_name("journal.sqlite3-wal").exists()
    assert posts(sim) == 0


def test_setting_aside_a_healthy_journal_needs_force(tmp_path: Path, sim: Simulator) -> None:
    generate_wait(tmp_path, sim.base_url)
    refused = wan(tmp_path, "set-aside-journal")
    assert refused.returncode == 2 and "not damaged" in refused.stderr
    assert "--force" in refused.stderr
    assert len(json.loads(wan(tmp_path, "jobs", "--json").stdout)) == 1
    moved = wan(tmp_path, "set-aside-journal", "--force")
    assert moved.returncode == 0 and "moved to" in moved.stdout
    assert json.loads(wan(tmp_path, "jobs", "--json").stdout) == []

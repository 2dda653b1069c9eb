"""`wan-studio` as a user runs it: real processes, a real simulator, a real data folder."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app.api.client import GENERATIONS_PATH
from desktop_app.simulator import Fault, Simulator, SimulatorConfig
from tests.conftest import TEST_KEY

PROMPT = "character1 waves at the camera"
REF = "https://example.com/a.mp4"


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("AIMLAPI_KEY", "WAN_STUDIO_HOME")}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env.update(extra)
    return env


def wan(
    home: Path,
    *args: str,
    key: str | None = TEST_KEY,
    base_url: str | None = None,
    timeout: float = 60,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *command(home, base_url), *args],
        env=cli_env(**({"AIMLAPI_KEY": key} if key else {}), **(env or {})),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def command(home: Path, base_url: str | None) -> list[str]:
    prefix = ["--home", str(home), "--poll-interval", "0.2", "--reconcile-grace", "1.5"]
    return prefix + (["--base-url", base_url] if base_url else [])


def generate_done(home: Path, sim: Simulator) -> dict[str, Any]:
    """Run `generate --wait --json` to a saved clip; the job object it printed."""
    done = wan(home, "generate", "--prompt", PROMPT, "--ref", REF, "--wait", "--json",
               base_url=sim.base_url)  # fmt: skip
    assert done.returncode == 0, done.stderr
    job: dict[str, Any] = json.loads(done.stdout)
    return job


def journal_row(home: Path) -> sqlite3.Row | None:
    path = home / "journal.sqlite3"
    if not path.exists():
        return None
    db = sqlite3.connect(path, timeout=5)
    db.row_factory = sqlite3.Row
    try:
        return db.execute("SELECT * FROM jobs").fetchone()
    except sqlite3.OperationalError:
        return None
    finally:
        db.close()


def wait_until(condition: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.05)


@pytest.fixture
def slow_sim() -> Iterator[Simulator]:
    """Long enough phases to interrupt a process in the middle of each."""
    config = SimulatorConfig(
        api_key=TEST_KEY, queued_seconds=0.5, generating_seconds=2.0, cdn_bytes_per_second=40_000
    )
    with Simulator(config) as simulator:
        yield simulator


def test_generate_wait_saves_the_clip_and_prints_json(
    tmp_path: Path, sim: Simulator, demo_clip: bytes
) -> None:
    result = wan(
        tmp_path,
        "generate",
        "--prompt",
        PROMPT,
        "--ref",
        REF,
        "--duration",
        "5",
        "--resolution",
        "720p",
        "--seed",
        "7",
        "--wait",
        "--json",
        base_url=sim.base_url,
    )
    assert result.returncode == 0, result.stderr
    job = json.loads(result.stdout)
    for field in (
        "id",
        "generation_id",
        "state",
        "status_detail",
        "error",
        "file",
        "credits_used",
        "client_request_id",
        "created_at",
        "request",
    ):
        assert field in job
    assert job["state"] == "done"
    assert job["credits_used"] == 1_050_000
    assert job["request"]["seed"] == 7
    assert Path(job["file"]).read_bytes() == demo_clip
    assert Path(job["file"]).with_suffix(".json").exists()
    post = next(r for r in sim.requests if r.method == "POST")
    assert post.headers["x-client-request-id"] == job["client_request_id"]

    listing = wan(tmp_path, "jobs", "--json")
    assert [j["id"] for j in json.loads(listing.stdout)] == [job["id"]]
    shown = wan(tmp_path, "show", job["id"][:5])
    assert "done" in shown.stdout and PROMPT in shown.stdout and "history" in shown.stdout


def test_generate_without_wait_then_resume(
    tmp_path: Path, sim: Simulator, demo_clip: bytes
) -> None:
    submitted = wan(tmp_path, "generate", "--prompt", PROMPT, "--ref", REF, base_url=sim.base_url)
    assert submitted.returncode == 0, submitted.stderr
    assert "wan-studio resume" in submitted.stdout
    resumed = wan(tmp_path, "resume", base_url=sim.base_url)
    assert resumed.returncode == 0, resumed.stderr
    assert "Saved" in resumed.stdout
    assert sim.count("POST", GENERATIONS_PATH) == 1


def test_invalid_input_exits_2_and_sends_nothing(tmp_path: Path, sim: Simulator) -> None:
    result = wan(
        tmp_path,
        "generate",
        "--prompt",
        PROMPT,
        "--ref",
        "ftp://x/a.mp4",
        "--ref",
        REF,
        "--ref",
        REF,
        base_url=sim.base_url,
    )
    assert result.returncode == 2
    assert "video_urls: reference 1" in result.stderr
    assert "repeats" in result.stderr
    assert sim.requests == []
    bad_seed = wan(
        tmp_path,
        "generate",
        "--prompt",
        PROMPT,
        "--ref",
        REF,
        "--seed",
        "-1",
        base_url=sim.base_url,
    )
    assert bad_seed.returncode == 2 and "seed" in bad_seed.stderr
    assert sim.requests == []


def test_wrong_key_exits_3_and_says_the_key_was_refused(tmp_path: Path, sim: Simulator) -> None:
    result = wan(
        tmp_path,
        "generate",
        "--prompt",
        PROMPT,
        "--ref",
        REF,
        "--wait",
        key="sk-wrong-key-0000",
        base_url=sim.base_url,
    )
    assert result.returncode == 3
    assert "refused the API key" in result.stderr
    assert "Request id:" in result.stderr
    assert "sk-wrong-key-0000" not in result.stderr + result.stdout


def test_missing_key_says_what_to_do(tmp_path: Path, sim: Simulator) -> None:
    result = wan(
        tmp_path, "generate", "--prompt", PROMPT, "--ref", REF, key=None, base_url=sim.base_url
    )
    assert result.returncode == 2
    assert "No API key is set" in result.stderr
    assert "AIMLAPI_KEY" in result.stderr and "--demo" in result.stderr
    assert sim.requests == []


def test_failed_generation_exits_4(tmp_path: Path, sim: Simulator) -> None:
    sim.add_fault(Fault("generation", message="Reference 1 shows two people"))
    result = wan(
        tmp_path, "generate", "--prompt", PROMPT, "--ref", REF, "--wait", base_url=sim.base_url
    )
    assert result.returncode == 4
    assert "Reference 1 shows two people" in result.stderr


def test_a_post_the_service_never_received_ends_rejected_after_the_grace_period(
    tmp_path: Path, sim: Simulator
) -> None:
    sim.add_fault(Fault("create", drop=True))  # sent, but it never reached the service
    result = wan(
        tmp_path, "generate", "--prompt", PROMPT, "--ref", REF, "--wait", base_url=sim.base_url
    )
    assert result.returncode == 5, result.stderr
    assert "request log" in result.stderr and "never sent twice" in result.stderr
    assert "never received it" in result.stderr and "Send again is safe" in result.stderr
    resumed = wan(tmp_path, "resume", base_url=sim.base_url)
    assert resumed.returncode == 0
    assert sim.count("POST", GENERATIONS_PATH) == 1
    row = journal_row(tmp_path)
    assert row is not None and row["state"] == "rejected"
    assert sim.count("GET", "/v2/logs") >= 2  # looked, then looked again after the grace


def test_a_post_whose_answer_was_lost_is_recovered_from_the_request_log(
    tmp_path: Path, sim: Simulator, demo_clip: bytes
) -> None:
    sim.add_fault(Fault("create", accept_then_drop=True))
    result = wan(tmp_path, "generate", "--prompt", PROMPT, "--ref", REF, "--wait", "--json",
                 base_url=sim.base_url)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Recovered from the service's request log" in result.stderr
    job = json.loads(result.stdout)
    assert job["state"] == "done" and job["recovered"] is True
    assert Path(job["file"]).read_bytes() == demo_clip
    assert Path(job["file"]).with_suffix(".json").exists()
    assert sim.count("POST", GENERATIONS_PATH) == 1


def start_generate_wait(home: Path, sim: Simulator) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "desktop_app",
            *command(home, sim.base_url),
            "generate",
            "--prompt",
            PROMPT,
            "--ref",
            REF,
            "--wait",
        ],
        env=cli_env(AIMLAPI_KEY=TEST_KEY),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_when(
    process: subprocess.Popen[str], home: Path, condition: Callable[[sqlite3.Row], bool]
) -> None:
    def reached() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"process ended early: {process.communicate()}")
        row = journal_row(home)
        return row is not None and condition(row)

    wait_until(reached)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=10)  # reaps it and closes its pipes


def during_polling(row: sqlite3.Row) -> bool:
    return bool(row["state"] == "generating")


def during_download(row: sqlite3.Row) -> bool:
    return bool(row["state"] == "downloading" and row["bytes_done"] > 40_000)


@pytest.mark.parametrize("moment", [during_polling, during_download])
def test_sigkill_then_resume_finishes_with_one_post(
    tmp_path: Path, slow_sim: Simulator, demo_clip: bytes, moment: Callable[[sqlite3.Row], bool]
) -> None:
    process = start_generate_wait(tmp_path, slow_sim)
    kill_when(process, tmp_path, moment)
    killed = journal_row(tmp_path)
    assert killed is not None
    killed_at = time.time()
    resumed = wan(tmp_path, "resume", base_url=slow_sim.base_url)
    assert resumed.returncode == 0, resumed.stderr
    row = journal_row(tmp_path)
    assert row is not None and row["state"] == "done"
    assert Path(row["file_path"]).read_bytes() == demo_clip
    assert slow_sim.count("POST", GENERATIONS_PATH) == 1
    downloads_after = [
        r for r in slow_sim.requests if r.path.startswith("/cdn/") and r.at > killed_at
    ]
    if moment is during_download:
        # The resumed download asks only for the rest, from at least what was saved.
        assert len(downloads_after) == 1
        start = int(downloads_after[0].headers["range"].removeprefix("bytes=").rstrip("-"))
        assert start >= killed["bytes_done"]


def test_the_key_never_lands_in_the_data_folder(tmp_path: Path, sim: Simulator) -> None:
    result = wan(tmp_path, "--verbose", "generate", "--prompt", PROMPT, "--ref", REF, "--wait",
                 base_url=sim.base_url)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert TEST_KEY not in result.stdout + result.stderr
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.suffix == ".log" for p in files)
    for path in files:
        assert TEST_KEY.encode() not in path.read_bytes(), path


def test_demo_mode_needs_no_key(tmp_path: Path, demo_clip: bytes) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop_app",
            "--home",
            str(tmp_path),
            "--demo",
            "generate",
            "--prompt",
            PROMPT,
            "--ref",
            REF,
            "--wait",
            "--json",
        ],
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert result.returncode == 0, result.stderr
    job = json.loads(result.stdout)
    assert Path(job["file"]).is_relative_to(tmp_path / "demo")
    # The simulator drew the clip in the shape asked for (10 s, 1080p, 16:9 by default).
    assert job["delivered"] == {"seconds": 10.0, "width": 1920, "height": 1080}
    assert job["delivery_note"] is None


def test_forget_and_unfollow(tmp_path: Path, sim: Simulator) -> None:
    job = generate_done(tmp_path, sim)
    kept = wan(tmp_path, "forget", job["id"])
    assert kept.returncode == 0 and "stays at" in kept.stdout
    assert Path(job["file"]).exists()
    assert json.loads(wan(tmp_path, "jobs", "--json").stdout) == []

    queued = wan(
        tmp_path, "generate", "--prompt", PROMPT, "--ref", REF, "--json", base_url=sim.base_url
    )
    job = json.loads(queued.stdout)
    stopped = wan(tmp_path, "unfollow", job["id"])
    assert "no cancel" in stopped.stdout
    assert "Nothing to resume" in wan(tmp_path, "resume", base_url=sim.base_url).stderr
    again = wan(tmp_path, "resume", job["id"], base_url=sim.base_url)
    assert again.returncode == 0 and "Saved" in again.stdout


def test_version_and_no_keyring_message(tmp_path: Path) -> None:
    version = wan(tmp_path, "--version", key=None)
    assert version.returncode == 0 and "Wan Studio" in version.stdout
    status = wan(tmp_path, "key", "status", key=None)
    assert "No API key" in status.stdout
    assert "gnome-keyring" in status.stdout and "AIMLAPI_KEY" in status.stdout
    stored = subprocess.run(
        [sys.executable, "-m", "desktop_app", "--home", str(tmp_path), "key", "set"],
        input="sk-some-key\n",
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert stored.returncode == 2
    assert "gnome-keyring" in stored.stderr


def test_ctrl_c_exits_130_and_leaves_the_job_for_resume(
    tmp_path: Path, slow_sim: Simulator
) -> None:
    process = start_generate_wait(tmp_path, slow_sim)
    wait_until(lambda: (row := journal_row(tmp_path)) is not None and row["state"] == "generating")
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 130
    assert "wan-studio resume" in stderr
    row = journal_row(tmp_path)
    assert row is not None
    assert row["state"] == "generating"
    assert row["follower"] is None  # released: the next process takes it at once


def test_download_saves_a_deleted_clip_again(
    tmp_path: Path, sim: Simulator, demo_clip: bytes
) -> None:
    job = generate_done(tmp_path, sim)
    Path(job["file"]).unlink()
    again = wan(tmp_path, "download", job["id"], base_url=sim.base_url)
    assert again.returncode == 0, again.stderr
    assert Path(job["file"]).read_bytes() == demo_clip
    assert sim.count("POST", GENERATIONS_PATH) == 1


def test_demo_mode_has_two_sample_characters_kept_once(tmp_path: Path) -> None:
    def characters() -> list[str]:
        listed = subprocess.run(
            [sys.executable, "-m", "desktop_app", "--home", str(tmp_path), "--demo",
             "characters", "--json"],
            env=cli_env(), capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        return [c["name"] for c in json.loads(listed.stdout)]

    assert characters() == ["Fractal", "Red box"]
    journal = sqlite3.connect(tmp_path / "demo" / "journal.sqlite3")
    pictures = journal.execute("SELECT thumbnail_png FROM characters").fetchall()
    journal.close()
    assert all(p.startswith(b"\x89PNG") for (p,) in pictures)  # each has its thumbnail
    forgot = subprocess.run(
        [sys.executable, "-m", "desktop_app", "--home", str(tmp_path), "--demo",
         "characters", "rm", "Fractal"],
        env=cli_env(), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert forgot.returncode == 0, forgot.stderr
    assert characters() == ["Red box"]  # a forgotten sample does not come back

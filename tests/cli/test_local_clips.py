"""Clips from this computer as references, from the command line: checked before anything
leaves the computer, uploaded once to a real S3-compatible server on 127.0.0.1 (moto, with
signatures checked), sent as a presigned link, and signed afresh when sent again."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import pytest

from desktop_app.api.client import GENERATIONS_PATH
from desktop_app.simulator import Simulator
from tests.cli.test_cli import PROMPT, cli_env, command, wan
from tests.conftest import TEST_KEY
from tests.s3_server import S3Server, free_port


def run(home: Path, sim: Simulator, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *command(home, sim.base_url), *args],
        env=cli_env(AIMLAPI_KEY=TEST_KEY, **env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def keys_of(s3: S3Server, secret: str | None = None) -> dict[str, str]:
    return {"AWS_ACCESS_KEY_ID": s3.key_id, "AWS_SECRET_ACCESS_KEY": secret or s3.secret}


def set_storage(home: Path, sim: Simulator, s3: S3Server, *extra: str, **env: str) -> None:
    done = run(home, sim, "storage", "set", "--endpoint", s3.url, "--bucket", s3.bucket, *extra,
               **(env or keys_of(s3)))  # fmt: skip
    assert done.returncode == 0, done.stderr


def sent_urls(sim: Simulator) -> list[list[str]]:
    posts = [r for r in sim.requests if r.method == "POST" and r.path == GENERATIONS_PATH]
    return [json.loads(r.body)["video_urls"] for r in posts]


def generate(home: Path, sim: Simulator, ref: str, *extra: str, **env: str) -> Any:
    return run(home, sim, "generate", "--prompt", PROMPT, "--ref", ref, "--json", *extra, **env)


def sigv4_query_signature(url: str, secret: str) -> str:
    """SigV4 for a query-signed GET that signs only `host` (recomputed, as S3 would)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    signature = query.pop("X-Amz-Signature")
    canonical_query = "&".join(
        f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(query.items())
    )
    canonical = "\n".join(["GET", parts.path, canonical_query, f"host:{parts.netloc}", "",
                           "host", "UNSIGNED-PAYLOAD"])  # fmt: skip
    date, scope = query["X-Amz-Date"], query["X-Amz-Credential"].split("/", 1)[1]
    to_sign = "\n".join(["AWS4-HMAC-SHA256", date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])  # fmt: skip
    key = ("AWS4" + secret).encode()
    for part in scope.split("/"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    assert hmac.compare_digest(expected, signature), "the link's signature does not verify"
    return signature


def test_a_local_clip_is_uploaded_once_and_sent_as_a_presigned_link(
    tmp_path: Path, sim: Simulator, s3: S3Server, local_clip: Path, demo_clip: bytes
) -> None:
    set_storage(tmp_path, sim, s3, "--prefix", "wan-test/", "--link-hours", "6")
    for ref in (str(local_clip), local_clip.as_uri()):  # a plain path, then a file:// URL
        sent = generate(tmp_path, sim, ref, **keys_of(s3))
        assert sent.returncode == 0, sent.stderr
    key = f"wan-test/{hashlib.sha256(demo_clip).hexdigest()}.mp4"
    assert s3.object_keys("wan-test/") == [key]  # one object
    body = s3.client().get_object(Bucket=s3.bucket, Key=key)["Body"].read()
    assert body == demo_clip
    [[first], [second]] = sent_urls(sim)
    for url in (first, second):
        query = dict(parse_qsl(urlsplit(url).query))
        assert urlsplit(url).path == f"/{s3.bucket}/{key}"
        assert query["X-Amz-Expires"] == str(6 * 3600) and query["X-Amz-SignedHeaders"] == "host"
        sigv4_query_signature(url, s3.secret)
    job = json.loads(wan(tmp_path, "jobs", "--json", base_url=sim.base_url).stdout)[0]
    [local] = job["local_references"]
    assert local["path"] == str(local_clip) and local["key"] == key and local["slot"] == 1


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p.mkdir(), "not a regular file"),
        (lambda p: p.write_text("hello"), "not an MP4 or MOV"),
        (lambda p: os.truncate(p.write_bytes(b"") or p, 101 * 1024 * 1024), "at most 100 MB"),
        (lambda p: None, "no such file"),
    ],
)
def test_a_local_clip_that_cannot_be_a_reference_sends_and_uploads_nothing(
    tmp_path: Path, sim: Simulator, s3: S3Server, make: Any, words: str
) -> None:
    set_storage(tmp_path, sim, s3)
    path = tmp_path / "bad.mp4"
    make(path)
    refused = generate(tmp_path, sim, str(path), **keys_of(s3))
    assert refused.returncode == 2, refused.stderr
    assert words in refused.stderr and "2 to 30 s" in refused.stderr
    assert "Traceback" not in refused.stderr and sent_urls(sim) == []


@pytest.mark.parametrize("seconds", [1, 40])
def test_a_clip_too_short_or_too_long_is_refused_with_the_limits(
    tmp_path: Path, sim: Simulator, s3: S3Server, demo_clip: bytes, seconds: int
) -> None:
    set_storage(tmp_path, sim, s3)
    data = bytearray(demo_clip)
    at = data.index(b"mvhd") + 4  # version and flags, created, modified, timescale, duration
    timescale = int.from_bytes(data[at + 12 : at + 16], "big")
    data[at + 16 : at + 20] = (timescale * seconds).to_bytes(4, "big")
    path = tmp_path / "odd.mp4"
    path.write_bytes(bytes(data))
    refused = generate(tmp_path, sim, str(path), **keys_of(s3))
    assert refused.returncode == 2 and f"lasts {seconds:.1f} s" in refused.stderr
    assert sent_urls(sim) == []


def test_without_storage_a_local_clip_names_storage_set(
    tmp_path: Path, sim: Simulator, local_clip: Path
) -> None:
    refused = generate(tmp_path, sim, str(local_clip))
    assert refused.returncode == 2 and "wan-studio storage set" in refused.stderr
    assert sent_urls(sim) == []


def test_refused_keys_a_missing_bucket_and_a_server_down_are_storage_sentences(
    tmp_path: Path, sim: Simulator, s3: S3Server, local_clip: Path
) -> None:
    set_storage(tmp_path, sim, s3)
    wrong = generate(tmp_path, sim, str(local_clip), **keys_of(s3, secret="not-the-secret"))
    assert wrong.returncode == 3 and "storage refused" in wrong.stderr
    assert "not-the-secret" not in wrong.stderr
    other = tmp_path / "other"
    run(other, sim, "storage", "set", "--endpoint", s3.url, "--bucket", "no-such-bucket",
        **keys_of(s3))  # fmt: skip
    missing = generate(other, sim, str(local_clip), **keys_of(s3))
    assert missing.returncode == 3 and "bucket does not exist" in missing.stderr, missing.stderr[
        :3000
    ]
    down = tmp_path / "down"
    run(down, sim, "storage", "set", "--endpoint", f"http://127.0.0.1:{free_port()}",
        "--bucket", s3.bucket, **keys_of(s3))  # fmt: skip
    unreachable = generate(down, sim, str(local_clip), **keys_of(s3))
    assert unreachable.returncode == 5 and "could not be reached" in unreachable.stderr
    assert sent_urls(sim) == []


def test_sending_again_signs_a_fresh_link_and_uploads_again_only_when_gone(
    tmp_path: Path, sim: Simulator, s3: S3Server, local_clip: Path
) -> None:
    set_storage(tmp_path, sim, s3, "--prefix", "again/")
    first = json.loads(generate(tmp_path, sim, str(local_clip), **keys_of(s3)).stdout)
    [key] = s3.object_keys("again/")
    s3.client().delete_object(Bucket=s3.bucket, Key=key)  # gone from the bucket
    again = run(tmp_path, sim, "again", first["id"], "--json", **keys_of(s3))
    assert again.returncode == 0, again.stderr
    assert s3.object_keys("again/") == [key]  # uploaded again
    [_, [new]] = sent_urls(sim)
    sigv4_query_signature(new, s3.secret)  # signed now, for the object as it is now
    resent = json.loads(again.stdout)
    assert resent["local_references"][0]["key"] == key
    assert resent["local_references"][0]["expires_at"] >= first["local_references"][0]["expires_at"]


def test_storage_status_check_and_clear(tmp_path: Path, sim: Simulator, s3: S3Server) -> None:
    set_storage(tmp_path, sim, s3)
    checked = run(tmp_path, sim, "storage", "status", "--check", "--json", **keys_of(s3))
    assert checked.returncode == 0, checked.stderr
    status = json.loads(checked.stdout)
    assert status["checked"] == "ok" and status["bucket"] == s3.bucket
    assert s3.secret not in checked.stdout + checked.stderr
    refused = run(tmp_path, sim, "storage", "status", "--check", **keys_of(s3, "wrong-one"))
    assert refused.returncode == 3
    plain = run(tmp_path, sim, "storage", "set", "--endpoint", "http://storage.example",
                "--bucket", "b", **keys_of(s3))  # fmt: skip
    assert plain.returncode == 2 and "https://" in plain.stderr
    cleared = run(tmp_path, sim, "storage", "clear")
    assert cleared.returncode == 0
    after = json.loads(run(tmp_path, sim, "storage", "status", "--json").stdout)
    assert after["endpoint"] is None


def test_in_demo_mode_a_local_clip_is_served_by_the_simulator(
    tmp_path: Path, local_clip: Path, demo_clip: bytes
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "desktop_app", "--home", str(tmp_path), "--demo", "generate",
         "--prompt", PROMPT, "--ref", str(local_clip), "--json"],
        env=cli_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    job = json.loads(done.stdout)
    [url] = job["request"]["video_urls"]
    assert "/local/" in url and url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize(
    ("endpoint", "words"),
    [
        ("http://AKIAEXAMPLE:s3cr3t-value@127.0.0.1:9000", "user name or password"),
        ("https://AKIAEXAMPLE:s3cr3t-value@storage.example", "user name or password"),
        ("https://storage.example/?token=s3cr3t-value", "query"),
        ("https://storage.example/#s3cr3t-value", "fragment"),
        ("https://storage.example:99999", "port must be a number from 1 to 65535"),
    ],
)
def test_a_storage_endpoint_that_could_leak_or_break_is_refused_with_a_sentence(
    tmp_path: Path, sim: Simulator, local_clip: Path, endpoint: str, words: str
) -> None:
    keys = {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "not-used"}
    refused = run(tmp_path, sim, "storage", "set", "--endpoint", endpoint, "--bucket", "b",
                  **keys)  # fmt: skip
    assert refused.returncode == 2 and words in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr
    # One saved by an earlier version is refused where it is used, and never shown whole.
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"storage_endpoint": endpoint, "storage_bucket": "b"}))
    status = run(tmp_path, sim, "storage", "status", "--json", **keys)
    assert status.returncode == 0, status.stderr
    assert "s3cr3t-value" not in status.stdout or words in ("query", "fragment")
    assert words in json.loads(status.stdout)["problem"]
    sent = generate(tmp_path, sim, str(local_clip), **keys)
    assert sent.returncode == 2 and words in sent.stderr and "Traceback" not in sent.stderr
    assert sent_urls(sim) == []


def test_sending_again_a_clip_that_changed_uploads_it_under_its_new_name_and_says_so(
    tmp_path: Path, sim: Simulator, s3: S3Server, local_clip: Path
) -> None:
    set_storage(tmp_path, sim, s3, "--prefix", "changed/")
    first = json.loads(generate(tmp_path, sim, str(local_clip), **keys_of(s3)).stdout)
    [old_key] = s3.object_keys("changed/")
    local_clip.write_bytes(local_clip.read_bytes() + b"\0" * 64)  # re-exported since
    again = run(tmp_path, sim, "again", first["id"], "--json", **keys_of(s3))
    assert again.returncode == 0, again.stderr
    assert "changed since it was sent" in again.stderr
    new_key = json.loads(again.stdout)["local_references"][0]["key"]
    digest = hashlib.sha256(local_clip.read_bytes()).hexdigest()
    assert new_key == f"changed/{digest}.mp4" != old_key
    assert sorted(s3.object_keys("changed/")) == sorted([old_key, new_key])


def test_a_part_of_a_long_clip_is_cut_and_sent(
    tmp_path: Path, sim: Simulator, s3: S3Server
) -> None:
    """`--ref PATH@12.5-18`: a 60 s phone video, which the service would refuse whole, sent
    as its 5.5 s part; the same part again is cut (and uploaded) once; a part the service
    would refuse is said, and nothing is sent."""
    from tests.clips import clip_length, make_clip

    set_storage(tmp_path, sim, s3, "--prefix", "cut/")
    source = make_clip(tmp_path / "phone video.mp4", 60)
    whole = generate(tmp_path, sim, str(source), **keys_of(s3))
    assert whole.returncode == 2 and "60" in whole.stderr  # too long, whole
    done = generate(tmp_path, sim, f"{source}@12.5-18", **keys_of(s3))
    assert done.returncode == 0, done.stderr
    assert "phone video.mp4 12.5-18 s: encoded again" in done.stderr
    [local] = json.loads(done.stdout)["local_references"]
    assert local["cut_from"] == str(source) and local["cut_span"] == [12.5, 18.0]
    [[url]] = sent_urls(sim)
    [key] = s3.object_keys("cut/")
    assert key in url
    got = tmp_path / "got.mp4"
    got.write_bytes(s3.client().get_object(Bucket=s3.bucket, Key=key)["Body"].read())
    seconds, frames = clip_length(got)
    assert abs(seconds - 5.5) <= 1 / 24 and frames == 132
    again = generate(tmp_path, sim, f"{source}@12.5-18", **keys_of(s3))
    assert again.returncode == 0 and "already cut" in again.stderr
    assert s3.object_keys("cut/") == [key]  # the same cut, uploaded once
    refused = generate(tmp_path, sim, f"{source}@0-45", **keys_of(s3))
    assert refused.returncode == 2
    assert "the part 0-45 s lasts 45 s; a reference clip lasts 2 to 30 s" in refused.stderr
    assert len(sent_urls(sim)) == 2


def test_a_kept_character_is_used_in_two_jobs_with_one_upload(
    tmp_path: Path, sim: Simulator, s3: S3Server, local_clip: Path
) -> None:
    """`characters add Mia --ref PATH`, then two `generate --character Mia`: one object in
    the bucket, two signed links; `characters --json` round trip; forgetting Mia leaves
    the jobs as they were."""
    set_storage(tmp_path, sim, s3, "--prefix", "mia/")
    kept = run(tmp_path, sim, "characters", "add", "Mia", "--ref", str(local_clip),
               "--note", "a presenter in a red coat")  # fmt: skip
    assert kept.returncode == 0, kept.stderr
    listed = json.loads(run(tmp_path, sim, "characters", "--json").stdout)
    assert listed == [{"name": "Mia", "note": "a presenter in a red coat",
                       "takes": [{"kind": "video", "ref": local_clip.as_uri()}]}]  # fmt: skip
    for _ in range(2):
        done = run(tmp_path, sim, "generate", "--prompt", PROMPT, "--character", "Mia",
                   "--json", **keys_of(s3))  # fmt: skip
        assert done.returncode == 0, done.stderr
    first, second = sent_urls(sim)
    assert len(s3.object_keys("mia/")) == 1  # uploaded once
    assert first[0].split("?")[0] == second[0].split("?")[0]  # the same object, signed twice
    unknown = run(tmp_path, sim, "generate", "--prompt", PROMPT, "--character", "Zed")
    assert unknown.returncode == 2 and "no character 'Zed'" in unknown.stderr
    other_take = f"{sim.base_url}/samples/sample-red-box.mp4"
    assert run(tmp_path, sim, "characters", "add", "Mia B", "--ref", other_take).returncode == 0
    merged = run(tmp_path, sim, "characters", "merge", "Mia", "Mia B", "--json")
    assert merged.returncode == 0, merged.stderr
    assert [t["ref"] for t in json.loads(merged.stdout)["takes"]] == [
        local_clip.as_uri(),
        other_take,
    ]
    assert [c["name"] for c in json.loads(run(tmp_path, sim, "characters", "--json").stdout)] == [
        "Mia"
    ]
    jobs_before = json.loads(run(tmp_path, sim, "jobs", "--json").stdout)
    assert run(tmp_path, sim, "characters", "rm", "Mia").returncode == 0
    assert json.loads(run(tmp_path, sim, "characters", "--json").stdout) == []
    assert json.loads(run(tmp_path, sim, "jobs", "--json").stdout) == jobs_before

"""P7: a 100 MB clip from this computer uploaded to a loopback S3-compatible server (moto,
signatures checked) by the app's ClipBucket (obstore, in parts), against the same server's
upload by its reference client, boto3's upload_file. Each in a process of its own."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from desktop_app.uploads.bucket import ClipBucket
from desktop_app.uploads.clip_file import file_sha256
from desktop_app.uploads.config import StorageConfig
from tests.benchmarks.harness import Line, Settings, figure, ratio_of
from tests.benchmarks.processes import MB, PYTHON, make_clip
from tests.s3_server import S3Server, s3_server


def upload_main(kind: str, url: str, bucket: str, key_id: str, secret: str, path: str) -> None:
    """In a process of its own: upload `path` once and print the seconds it took."""
    server = S3Server(url, bucket, key_id, secret)
    clip = Path(path)
    size = clip.stat().st_size
    sha256 = file_sha256(clip)  # taken before the clock starts, as publish takes it
    started = time.perf_counter()
    if kind == "app":
        config = StorageConfig(url, bucket, prefix="bench/")
        uploaded = ClipBucket(config, key_id, secret).upload(clip, f"bench/app-{started}", size,
                                                             sha256, lambda *_: None)  # fmt: skip
        asyncio.run(uploaded)
    else:
        server.client().upload_file(str(clip), bucket, f"bench/boto3-{started}")
    print(json.dumps({"seconds": time.perf_counter() - started}), flush=True)
    os._exit(0)  # as the app does once obstore is loaded (cli/main.py: run)


def _timed(kind: str, server: S3Server, clip: Path) -> float:
    args = [kind, server.url, server.bucket, server.key_id, server.secret, str(clip)]
    found = subprocess.run(
        [PYTHON, "-m", "tests.benchmarks.upload", *args],
        capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    return float(json.loads(found.stdout)["seconds"])


def upload_speed(settings: Settings) -> list[Line]:
    size_mb = 16 if settings.quick else 100
    app_mbs, client_mbs = [], []
    with tempfile.TemporaryDirectory() as scratch, s3_server() as server:
        clip = make_clip(Path(scratch) / "clip.mp4", size_mb)
        for _ in range(settings.runs):  # interleaved, so the machine's mood is shared
            app_mbs.append(size_mb / _timed("app", server, clip))
            client_mbs.append(size_mb / _timed("boto3", server, clip))
    app, baseline = figure(app_mbs, "MB/s"), figure(client_mbs, "MB/s")
    ratio = ratio_of(app, baseline)
    return [
        Line(
            id="P7",
            measures=f"upload a {size_mb} MB clip from this computer to a loopback S3 server",
            app=app,
            baseline=baseline,
            ratio=ratio,
            target="≥0.8x boto3's upload_file",
            met=ratio is not None and ratio >= 0.8,
            notes={"size": f"{size_mb * MB / 1e6:.0f} MB in parts of 8 MiB"},
        )
    ]


if __name__ == "__main__":
    upload_main(*sys.argv[1:7])

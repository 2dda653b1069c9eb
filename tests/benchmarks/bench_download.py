"""Benchmark: a result clip downloads at disk speed with flat memory.

Not part of the test run (timings are not assertions). Run it by hand:

    .venv/bin/python -m tests.benchmarks.bench_download [SIZE_MB]

It serves a SIZE_MB clip (default 512) from the simulator in another process, downloads
it with the engine's ClipDownloader, and prints throughput next to a plain write of the
same size to the same disk, and how much the peak memory grew.
"""

from __future__ import annotations

import asyncio
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from desktop_app.api.client import ApiClient
from desktop_app.api.secret import ApiKey
from desktop_app.domain.request import GenerationRequest
from desktop_app.jobs.download import ClipDownloader

KEY = "bench"
MB = 1 << 20


def make_clip(path: Path, size_mb: int) -> None:
    header = b"\x00\x00\x00\x20ftypisom" + b"\x00" * 20
    block = os.urandom(MB)
    with path.open("wb") as f:
        f.write(header)
        for _ in range(size_mb):
            f.write(block)


def plain_write_seconds(path: Path, size_mb: int) -> float:
    block = os.urandom(MB)
    started = time.perf_counter()
    with path.open("wb") as f:
        for _ in range(size_mb):
            f.write(block)
        os.fsync(f.fileno())
    elapsed = time.perf_counter() - started
    path.unlink()
    return elapsed


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def download(base_url: str, target: Path) -> float:
    client = ApiClient(base_url, ApiKey(KEY))
    request = GenerationRequest(prompt="benchmark", video_urls=("https://example.com/a.mp4",))
    created = await client.create(request, "bench")
    generation = await client.get(created.id)
    await client.aclose()
    assert generation.video_url is not None
    downloader = ClipDownloader(httpx.AsyncClient(timeout=60))
    started = time.perf_counter()
    await downloader.download(generation.video_url, target, lambda done, total: None)
    elapsed = time.perf_counter() - started
    await downloader.aclose()
    return elapsed


def main() -> int:
    size_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 512
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        clip = work / "source.mp4"
        make_clip(clip, size_mb)
        server = subprocess.Popen(
            [sys.executable, "-m", "desktop_app", "simulator", "--port", "0", "--key", KEY,
             "--queued-seconds", "0", "--generating-seconds", "0", "--clip", str(clip)],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert server.stdout is not None
            base_url = re.search(r"http://[\d.]+:\d+", server.stdout.readline())
            assert base_url is not None
            disk = plain_write_seconds(work / "plain.bin", size_mb)
            before = peak_rss_mb()
            took = asyncio.run(download(base_url.group(0), work / "library" / "clip.mp4"))
            grown = peak_rss_mb() - before
        finally:
            server.terminate()
            server.wait()
    print(f"clip: {size_mb} MB")
    print(f"plain write + fsync: {size_mb / disk:8.0f} MB/s")
    print(f"download (stream, hash, fsync, rename): {size_mb / took:8.0f} MB/s")
    print(f"peak memory grew by {grown:.1f} MB while downloading")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""P3: a large clip from a loopback server, saved by the app's downloader (streamed,
hashed, fsynced, renamed), against curl fetching the same file to the same disk. Both
are whole processes; the server is the simulator in a third one."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from desktop_app.jobs.download import ClipDownloader, read_large_socket_chunks
from tests.benchmarks.harness import Line, Settings, figure, ratio_of
from tests.benchmarks.processes import BENCH_KEY, MB, PYTHON, make_clip, simulator


def _status_mib(field: str) -> float:
    """VmRSS (now) or VmHWM (the peak) of this process, from the kernel."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


async def _download(url: str, target: Path) -> float:
    read_large_socket_chunks()  # as the app's composition root does
    downloader = ClipDownloader(httpx.AsyncClient(timeout=60, follow_redirects=True))
    try:
        started = time.perf_counter()
        await downloader.download(url, target, lambda done, total: None)
        return time.perf_counter() - started
    finally:
        await downloader.aclose()


def app_download_main(url: str, target: str) -> None:
    """In a process of its own: download, then print seconds and memory growth (the peak
    while downloading over what the process held before)."""
    Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from now
    before = _status_mib("VmRSS")
    seconds = asyncio.run(_download(url, Path(target)))
    print(json.dumps({"seconds": seconds, "grew_mib": _status_mib("VmHWM") - before}))


def _disk_mbs(path: Path, size_mb: int) -> float:
    """The disk's own pace for the same bytes: write, then fsync (the app must; curl does
    not)."""
    block = bytes(MB)
    started = time.perf_counter()
    with path.open("wb", buffering=0) as f:
        for _ in range(size_mb):
            f.write(block)
        os.fsync(f.fileno())
    seconds = time.perf_counter() - started
    path.unlink()
    return size_mb / seconds


def _clip_link(base_url: str) -> str:
    """Submit one generation to the simulator and return its result link."""
    headers = {"Authorization": f"Bearer {BENCH_KEY}"}
    body = {"model": "alibaba/wan-2-6-r2v", "prompt": "character1 waves",
            "video_urls": ["https://media.example.org/ref.mp4"]}  # fmt: skip
    with httpx.Client(base_url=base_url, headers=headers) as client:
        created = client.post("/v2/video/generations", json=body).json()
        answer = client.get("/v2/video/generations", params={"generation_id": created["id"]})
        return str(answer.json()["video"]["url"])


@contextmanager
def _served_clip(size_mb: int) -> Iterator[tuple[Path, str]]:
    """A scratch folder, and the result link of a clip of `size_mb` served by the simulator
    in a process of its own."""
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        clip = make_clip(work / "source.mp4", size_mb)
        with simulator(clip=clip) as base_url:
            yield work, _clip_link(base_url)


def download_speed(settings: Settings) -> list[Line]:
    size_mb = 64 if settings.quick else 1024
    curl = shutil.which("curl")
    app_mbs, curl_mbs, grown, disk_mbs = [], [], [], []
    with _served_clip(size_mb) as (work, url):
        for run in range(settings.runs):
            target = work / f"app-{run}" / "clip.mp4"
            found = json.loads(
                subprocess.run(
                    [PYTHON, "-m", "tests.benchmarks.download", url, str(target)],
                    capture_output=True,
                    text=True,
                    check=True,
                    timeout=600,
                ).stdout
            )
            app_mbs.append(size_mb / found["seconds"])
            grown.append(found["grew_mib"])
            target.unlink()
            if curl is not None:
                copy = work / f"curl-{run}.mp4"
                started = time.perf_counter()
                subprocess.run([curl, "-sS", "-o", str(copy), url], check=True, timeout=600)
                curl_mbs.append(size_mb / (time.perf_counter() - started))
                copy.unlink()
            disk_mbs.append(_disk_mbs(work / "plain.bin", size_mb))
    app = figure(app_mbs, "MB/s")
    baseline = figure(curl_mbs, "MB/s") if curl_mbs else None
    loaded = _loaded_row(settings, size_mb, app_mbs)
    ratio = ratio_of(app, baseline) if baseline else None
    growth = figure(grown, "MiB")
    return [
        Line(
            id="P3",
            measures=f"download a {size_mb:,} MB clip (stream, hash, fsync, rename)",
            app=app,
            baseline=baseline,
            ratio=ratio,
            target="≥0.9x curl; memory growth <30 MB",
            met=ratio is not None and ratio >= 0.9 and growth.median < 30 * MB / 1e6,
            notes={
                "memory growth": growth.text(),
                "disk": "a plain write + fsync of the same size: "
                + figure(disk_mbs, "MB/s").text()
                + f" (the app: {app.median / figure(disk_mbs, 'MB/s').median:.2f}x that; curl "
                "does not sync)",
            }
            | ({} if curl else {"curl": "not installed: no baseline"}),
        ),
        loaded,
    ]


BUSY_LOOP = "while True:\n    pass"


def _loaded_row(settings: Settings, size_mb: int, idle_mbs: list[float]) -> Line:
    """P3b: the same download while other programs keep every core busy (a creator's
    editor rendering): it must be saved, within 2x its idle time, never failed as "too
    slow" by the speed floor."""
    seconds, failed = [], 0
    with _served_clip(size_mb) as (work, url):
        for run in range(settings.runs):
            busy = [subprocess.Popen([PYTHON, "-c", BUSY_LOOP])
                    for _ in range(os.cpu_count() or 2)]  # fmt: skip
            try:
                target = work / f"loaded-{run}" / "clip.mp4"
                done = subprocess.run(
                    [PYTHON, "-m", "tests.benchmarks.download", url, str(target)],
                    capture_output=True, text=True, timeout=900,
                )  # fmt: skip
            finally:
                for process in busy:
                    process.kill()
                    process.wait()
            if done.returncode != 0:
                failed += 1
                continue
            seconds.append(json.loads(done.stdout)["seconds"])
            target.unlink()
    idle = figure([size_mb / mbs for mbs in idle_mbs], "s")
    app = figure(seconds or [float("inf")], "s")  # inf: not saved at all
    slower = ratio_of(app, idle)
    return Line(
        id="P3b",
        measures=f"the {size_mb:,} MB download with every core kept busy by other programs",
        app=app,
        baseline=idle,
        ratio=slower,
        target="saved within 2x its idle time (the baseline); never failed",
        met=failed == 0 and slower is not None and slower <= 2.0,
        notes={"failed": f"{failed} of {settings.runs}"},
    )


if __name__ == "__main__":
    app_download_main(sys.argv[1], sys.argv[2])

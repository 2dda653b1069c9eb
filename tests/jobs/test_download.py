"""The downloader's threads give way to the window without being starved; a cancelled
download keeps what it saved and is resumed later from there."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from desktop_app.background import BACKGROUND_NICE
from desktop_app.domain.request import GenerationRequest
from desktop_app.jobs.download import ClipDownloader
from desktop_app.jobs.naming import part_path
from desktop_app.simulator import Simulator
from tests.conftest import FAST_SIM, run, service_on

REQUEST = GenerationRequest(prompt="character1 waves", video_urls=("https://example.com/a.mp4",))
THREADS = ("wan-studio-write", "wan-studio-hash")


async def clip_link(home: Path, sim: Simulator) -> str:
    async with service_on(home, sim.base_url) as service:
        job = await service.submit(REQUEST)
    return sim.signed_link(job.generation_id or "", f"127.0.0.1:{sim.port}")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's per-thread nice")
def test_the_threads_saving_a_clip_give_way_to_the_window_but_are_not_starved(
    tmp_path: Path, sim: Simulator, demo_clip: bytes
) -> None:
    """The clip is written and hashed by two threads at the background nice, in the
    normal class (not the idle one, which other programs' load starves); the window's
    thread keeps its own priority."""
    seen: dict[str, set[tuple[int, int]]] = {}
    heard_on: set[int] = set()

    def progress(done: int, total: int | None) -> None:
        heard_on.add(threading.get_native_id())
        for thread in threading.enumerate():
            kind = thread.name.rsplit("_", 1)[0]
            if kind in THREADS and thread.native_id:
                tid = thread.native_id
                priority = (os.sched_getscheduler(tid), os.getpriority(os.PRIO_PROCESS, tid))
                seen.setdefault(kind, set()).add(priority)

    async def scenario() -> Path:
        link = await clip_link(tmp_path, sim)
        downloader = ClipDownloader(httpx.AsyncClient())
        try:
            saved = await downloader.download(link, tmp_path / "clip.mp4", progress)
        finally:
            await downloader.aclose()
        return saved.path

    assert run(scenario()).read_bytes() == demo_clip
    assert seen == {kind: {(os.SCHED_OTHER, BACKGROUND_NICE)} for kind in THREADS}
    assert heard_on == {threading.get_native_id()}  # progress is told on the loop's thread
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == 0


def test_a_cancelled_download_ends_its_fetch_and_a_later_one_resumes_it(
    tmp_path: Path, demo_clip: bytes
) -> None:
    """Cancelling (a job forgotten, the app closing) stops the download within the clip:
    what was saved is kept, nothing more is told, and the next download asks only for the
    rest."""
    told_after_cancel: list[int] = []
    slow_cdn = replace(FAST_SIM, cdn_bytes_per_second=40_000)  # the clip takes ~5 s

    async def scenario(sim: Simulator) -> int:
        link = await clip_link(tmp_path, sim)
        target = tmp_path / "clip.mp4"
        saving = asyncio.Event()
        cancelled = False

        def progress(done: int, total: int | None) -> None:
            if cancelled:
                told_after_cancel.append(done)
            if done:
                saving.set()

        downloader = ClipDownloader(httpx.AsyncClient())
        task = asyncio.create_task(downloader.download(link, target, progress))
        await saving.wait()
        task.cancel()
        cancelled = True
        with pytest.raises(asyncio.CancelledError):
            await task
        await downloader.aclose()
        kept = part_path(target).stat().st_size

        again = ClipDownloader(httpx.AsyncClient())
        try:
            saved = await again.download(link, target, lambda done, total: None)
        finally:
            await again.aclose()
        assert saved.path.read_bytes() == demo_clip
        return kept

    with Simulator(slow_cdn) as sim:
        kept = run(scenario(sim))
        cdn = [r.headers.get("range") for r in sim.requests if r.path.startswith("/cdn/")]
    assert 0 < kept < len(demo_clip)
    assert cdn == [None, f"bytes={kept}-"]
    assert told_after_cancel == []

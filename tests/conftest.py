"""Shared fixtures: a real simulator on 127.0.0.1 and an engine wired to it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from desktop_app.api.client import ApiClient
from desktop_app.api.retry import RetryPolicy
from desktop_app.api.secret import ApiKey
from desktop_app.jobs.download import ClipDownloader
from desktop_app.jobs.engine import FollowSettings, JobEngine
from desktop_app.resources import resource
from desktop_app.simulator import Simulator, SimulatorConfig
from desktop_app.store.journal import JobJournal

TEST_KEY = "test-key-5b0c9e7d1f2a4c38"
FAST_RETRY = RetryPolicy(attempts=4, base_delay=0.02, max_delay=2.0)
FAST_FOLLOW = FollowSettings(poll_interval=0.1, first_poll_delay=0.05, give_up_after=5.0)
FAST_SIM = SimulatorConfig(api_key=TEST_KEY, queued_seconds=0.2, generating_seconds=0.3)

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


@pytest.fixture
def demo_clip() -> bytes:
    return resource("demo.mp4").read_bytes()


@pytest.fixture
def sim() -> Iterator[Simulator]:
    with Simulator(FAST_SIM) as simulator:
        yield simulator


def make_client(base_url: str, key: str = TEST_KEY, **kw: Any) -> ApiClient:
    return ApiClient(base_url, ApiKey(key), retry=FAST_RETRY, **kw)


@asynccontextmanager
async def engine_on(
    home: Path,
    base_url: str,
    *,
    key: str = TEST_KEY,
    settings: FollowSettings = FAST_FOLLOW,
    listener: Callable[..., None] | None = None,
) -> AsyncIterator[JobEngine]:
    """An engine on a real journal file and real HTTP clients, closed on exit."""
    client = make_client(base_url, key)
    downloader = ClipDownloader(httpx.AsyncClient(), retry=FAST_RETRY)
    journal = JobJournal(home / "journal.sqlite3")
    try:
        yield JobEngine(
            journal, client, downloader, home / "library", settings=settings, listener=listener
        )
    finally:
        await client.aclose()
        await downloader.aclose()
        journal.close()

"""Shared fixtures: a real simulator on 127.0.0.1 and an engine wired to it; for the whole
run, a real audio device (a PulseAudio null sink) and a watchdog that ends a hung test with
every thread's stack."""

from __future__ import annotations

import asyncio
import faulthandler
import os
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from contextlib import ExitStack, asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

# Before any test module imports Qt (the logging rules are read once): offscreen windows,
# PySide6 for qasync, and Qt Multimedia's own notes silent.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false")

import httpx
import pytest
import secretstorage
from keyring.backend import KeyringBackend
from keyring.backends.SecretService import Keyring as SecretServiceKeyring
from secretstorage.exceptions import ItemNotFoundException

from desktop_app.api.client import ApiClient
from desktop_app.api.retry import RetryPolicy
from desktop_app.api.secret import ApiKey
from desktop_app.domain.course import CoursePolicy
from desktop_app.domain.job import Job
from desktop_app.jobs.download import ClipDownloader
from desktop_app.jobs.events import JobChanged, JobEvent
from desktop_app.jobs.service import JobService
from desktop_app.journal.job_journal import JobJournal
from desktop_app.journal.queries import HistoryQueries
from desktop_app.qt.import_hook import skip_source_reading
from desktop_app.resources import resource, resource_dir
from desktop_app.simulator import Simulator, SimulatorConfig
from tests.driven_clock import DrivenClock
from tests.null_sink import null_sink
from tests.s3_server import S3Server, s3_server

TEST_KEY = "test-key-5b0c9e7d1f2a4c38"
FAST_RETRY = RetryPolicy(attempts=4, base_delay=0.02, max_delay=2.0)


def fast_course(**changes: Any) -> CoursePolicy:
    """A course policy whose downloads retry within a second (`changes`: the rest)."""
    return CoursePolicy(
        download_attempts=4, download_first_wait=0.02, download_max_wait=2.0, **changes
    )


FAST_FOLLOW = fast_course(poll_interval=0.1, first_poll_delay=0.05, give_up_after=5.0)
SAMPLES = tuple(sorted(resource_dir().glob("sample-*.mp4")))
FAST_SIM = SimulatorConfig(
    api_key=TEST_KEY, queued_seconds=0.2, generating_seconds=0.3, samples=SAMPLES
)

T = TypeVar("T")

HANG_MARGIN_S = 30
"""How long past its pytest-timeout bound a test may take before the watchdog ends the run."""

_RUN = pytest.StashKey[ExitStack]()
_STACK_FD = pytest.StashKey[int]()


def pytest_configure(config: pytest.Config) -> None:
    """Before any test: the null sink (its address for every Qt process of the run), a
    copy of the terminal's stderr, taken before pytest captures it, for the watchdog, and
    PySide6's import hook as `wan-studio` has it (before the test modules import Qt)."""
    skip_source_reading()
    config.stash[_STACK_FD] = os.dup(2)
    run = config.stash[_RUN] = ExitStack()
    address = run.enter_context(null_sink())
    if address is not None:
        os.environ["PULSE_SERVER"] = address
    elif os.environ.get("CI"):
        raise pytest.UsageError("CI must have pulseaudio (packaging/dev/setup.sh installs it)")


def pytest_unconfigure(config: pytest.Config) -> None:
    config.stash[_RUN].close()


@pytest.fixture(autouse=True)
def hang_watchdog(request: pytest.FixtureRequest) -> Iterator[None]:
    """A hang is never silent. pytest-timeout cannot end a test whose main thread is stuck
    in C holding the interpreter lock (its signal waits for Python, its thread needs the
    lock); faulthandler's timer is a C thread that needs neither: past the test's bound it
    prints every thread's stack and ends the run (exit code 1)."""
    marker = request.node.get_closest_marker("timeout")
    bound = float(marker.args[0] if marker else request.config.getini("timeout"))
    faulthandler.dump_traceback_later(
        bound + HANG_MARGIN_S, exit=True, file=request.config.stash[_STACK_FD]
    )
    yield
    faulthandler.cancel_dump_traceback_later()


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


@pytest.fixture
def demo_clip() -> bytes:
    return resource("demo.mp4").read_bytes()


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    """A real S3-compatible server with signatures checked (moto), one per test module."""
    with s3_server() as server:
        yield server


@pytest.fixture
def local_clip(tmp_path: Path, demo_clip: bytes) -> Path:
    """A playable clip on this computer, in a folder and a name with spaces and non-ASCII."""
    path = tmp_path / "my clips" / "Zoë at the café.mp4"
    path.parent.mkdir()
    path.write_bytes(demo_clip)
    return path


@pytest.fixture
def sim() -> Iterator[Simulator]:
    with Simulator(FAST_SIM) as simulator:
        yield simulator


def make_client(base_url: str, key: str = TEST_KEY, **kw: Any) -> ApiClient:
    api_key = ApiKey(key)
    return ApiClient(base_url, lambda: api_key, retry=FAST_RETRY, **kw)


def on_jobs(callback: Callable[[Job], None]) -> Callable[[JobEvent], None]:
    """A service listener that calls `callback` with every changed job."""

    def listener(event: JobEvent) -> None:
        if isinstance(event, JobChanged):
            callback(event.job)

    return listener


@asynccontextmanager
async def service_on(
    home: Path,
    base_url: str,
    *,
    key: str = TEST_KEY,
    policy: CoursePolicy = FAST_FOLLOW,
    listener: Callable[[JobEvent], None] | None = None,
    free_space: Callable[[Path], int] | None = None,
    learn: bool = False,
    clock: DrivenClock | None = None,
) -> AsyncIterator[JobService]:
    """A job service on a real journal file and real HTTP clients, closed on exit; with
    `learn`, its polls learn their pace from the journal's history (as the app's do);
    with `clock`, its clocks and the follower's waits are that driven clock."""
    api_key = ApiKey(key)
    client = ApiClient(base_url, lambda: api_key, retry=FAST_RETRY)
    downloader = (
        ClipDownloader(httpx.AsyncClient(), policy=policy, free_space=free_space)
        if free_space
        else ClipDownloader(httpx.AsyncClient(), policy=policy)
    )
    journal = JobJournal(home / "journal.sqlite3")
    history = HistoryQueries(home / "journal.sqlite3")
    service = JobService(
        journal, client, downloader, home / "library", keys=lambda: api_key, policy=policy,
        render_times=history.render_times if learn else lambda job: (),
        clock=clock or time.time, monotonic=clock or time.monotonic,
        sleep=clock.sleep if clock else asyncio.sleep,
    )  # fmt: skip
    if listener is not None:
        service.subscribe(listener)
    try:
        yield service
    finally:
        await client.aclose()
        await downloader.aclose()
        history.close()
        journal.close()


@pytest.fixture
def secret_service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[KeyringBackend]:
    """A real Secret Service: gnome-keyring on a private D-Bus session bus (TECH.md)."""
    if not (shutil.which("dbus-daemon") and shutil.which("gnome-keyring-daemon")):
        if os.environ.get("CI"):
            pytest.fail(
                "CI must have dbus and gnome-keyring (the README test command installs them)"
            )
        pytest.skip("needs dbus-daemon and gnome-keyring-daemon")
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert bus.stdout is not None
    address = bus.stdout.readline().strip()
    home = tmp_path / "keyring-home"
    home.mkdir()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    subprocess.run(
        ["gnome-keyring-daemon", "--unlock", "--components=secrets", "--daemonize"],
        input="test-password",
        env={**os.environ, "HOME": str(home)},
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    try:
        _wait_for_the_login_collection()
        yield SecretServiceKeyring()
    finally:
        bus.terminate()
        bus.communicate(timeout=10)


def _wait_for_the_login_collection(within: float = 10.0) -> None:
    """`gnome-keyring-daemon --unlock --daemonize` returns before its daemon has made the
    "login" collection the default alias points to. Asked before that, keyring creates a
    collection, which needs a prompt that nobody answers ("Prompt dismissed": a CI run
    under load failed so). Wait until the default collection is there, asking without
    creating it."""
    connection = secretstorage.dbus_init()
    deadline = time.monotonic() + within
    try:
        while True:
            try:
                secretstorage.Collection(connection)  # the default alias; never creates
                return
            except ItemNotFoundException:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.01)  # the daemon is another process: nothing to wait on here
    finally:
        connection.close()

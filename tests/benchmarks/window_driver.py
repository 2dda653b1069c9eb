"""Runs inside a measured window process and prints what it measured as one JSON line.

    python -m tests.benchmarks.window_driver stall HOME BASE_URL GENERATING JOBS SECONDS
    python -m tests.benchmarks.window_driver idle-loop SECONDS
    python -m tests.benchmarks.window_driver scroll HOME BASE_URL

The window is built as `wan-studio` builds it (`window_engine.build_window` over a `Runtime`), on a
qasync loop, offscreen. Only the parent process judges the figures.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import resource
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, closing
from typing import Any

os.environ.setdefault("QT_API", "pyside6")

from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from desktop_app.domain.job import Job, JobState
from desktop_app.domain.request import GenerationRequest, Resolution
from desktop_app.qt.event_loop import new_event_loop
from desktop_app.qt.main_thread_gc import MainThreadGarbageCollector
from desktop_app.runtime import Runtime, RuntimeOptions
from desktop_app.secrets.keystore import KeyStore
from desktop_app.tasks import TaskGroup
from desktop_app.ui.main_window import MainWindow
from desktop_app.window_engine import build_window, shut_down
from tests.benchmarks.history import SEARCH_WORDS
from tests.benchmarks.processes import BENCH_KEY

TIMER_MS = 5
SUBMIT_BEFORE_DONE = 8.0
"""Seconds before the first job ends that the others are submitted."""
POLL_INTERVAL = 2.0
"""The window's polls in P2: the demo's interval, far busier than the real 15 s."""
REQUEST = GenerationRequest(
    prompt="character1 walks along the beach",
    video_urls=("https://media.example.org/ref.mp4",),
    resolution=Resolution.HD,
    duration=5,
)


class LatenessProbe:
    """A 5 ms single-shot Qt timer, armed again each time it fires: how late each shot
    came is how long the loop was busy with something else. For each shot it also reads
    the thread's scheduler counters (Linux), so a late shot tells where its time went:
    the loop's thread running (its own work), waiting in the run queue for a CPU (other
    threads or programs had them), or neither (asleep: the GIL, a blocking call)."""

    def __init__(self) -> None:
        self.late_ms: list[float] = []
        self.ran_ms: list[float] = []
        self.queued_ms: list[float] = []
        self._counters = _ThreadCounters()
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_timeout)
        self._armed = 0.0

    def start(self) -> None:
        self._witness = StallWitness(lambda: self._armed)
        self._arm()

    def stop(self) -> None:
        self._timer.stop()
        self._witness.stop()

    def shots(self) -> dict[str, Any]:
        return {
            "late_ms": self.late_ms,
            "ran_ms": self.ran_ms,
            "queued_ms": self.queued_ms,
            "stalls": self._witness.seen,
        }

    def _arm(self) -> None:
        self._armed = time.perf_counter()
        self._ran, self._queued = self._counters.read()
        self._timer.start(TIMER_MS)

    def _on_timeout(self) -> None:
        self.late_ms.append(max(0.0, (time.perf_counter() - self._armed) * 1000 - TIMER_MS))
        ran, queued = self._counters.read()
        self.ran_ms.append(ran - self._ran)
        self.queued_ms.append(queued - self._queued)
        self._arm()


SYSCALLS = {
    "0": "read", "1": "write", "7": "poll", "74": "fsync", "75": "fdatasync",
    "202": "futex (the GIL or a lock)", "232": "epoll_wait", "281": "epoll_pwait",
}  # fmt: skip
"""x86-64 Linux's numbers of the calls a stalled loop may be in."""
WITNESS_AFTER_S = (TIMER_MS + 20) / 1000
RUSAGE_THREAD = getattr(resource, "RUSAGE_THREAD", resource.RUSAGE_SELF)
"""The calling thread's own counts, where the OS keeps them (Linux)."""


class StallWitness:
    """A thread that looks at the loop's thread whenever a shot is 20 ms late: which
    system call it is in (/proc) and which Python function it is at. What it saw, with
    how often, says what the stalls are."""

    def __init__(self, armed: Callable[[], float]) -> None:
        self.seen: dict[str, int] = {}
        self._armed = armed
        self._loop_tid = threading.get_native_id()
        self._loop_ident = threading.get_ident()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="stall-witness", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()

    def _watch(self) -> None:
        witnessed = 0.0
        while not self._stopped.wait(0.005):
            armed = self._armed()
            if armed == witnessed or time.perf_counter() - armed < WITNESS_AFTER_S:
                continue
            witnessed = armed
            what = f"{self._syscall()} in {self._python_place()}"
            self.seen[what] = self.seen.get(what, 0) + 1

    def _syscall(self) -> str:
        try:
            with open(f"/proc/self/task/{self._loop_tid}/syscall") as f:
                first = f.read().split()[0]
        except (OSError, IndexError):
            return "unknown"
        return "running" if first == "running" else SYSCALLS.get(first, f"syscall {first}")

    def _python_place(self) -> str:
        frame = sys._current_frames().get(self._loop_ident)
        places = []
        while frame is not None and len(places) < 3:
            code = frame.f_code
            places.append(f"{os.path.basename(code.co_filename)}:{code.co_name}")
            frame = frame.f_back
        return " < ".join(places) or "no Python frame"


class _ThreadCounters:
    """The calling thread's CPU time and run-queue wait so far, in ms (zeros where the
    kernel does not say: /proc/thread-self/schedstat is Linux's)."""

    def __init__(self) -> None:
        try:
            self._file: Any = open("/proc/thread-self/schedstat", "rb", buffering=0)  # noqa: SIM115
        except OSError:
            self._file = None

    def read(self) -> tuple[float, float]:
        if self._file is None:
            return 0.0, 0.0
        self._file.seek(0)
        ran, queued, _ = self._file.read().split()
        return int(ran) / 1e6, int(queued) / 1e6


@asynccontextmanager
async def window_on(home: str, base_url: str) -> AsyncIterator[MainWindow]:
    environ = {**os.environ, "AIMLAPI_KEY": BENCH_KEY}
    options = RuntimeOptions(
        home=home, base_url=base_url, poll_interval=POLL_INTERVAL, keep_trying=True
    )
    runtime = Runtime(options, environ, KeyStore(environ=environ))
    tasks = TaskGroup()
    window = build_window(runtime, tasks)
    gc.freeze()  # as `wan-studio` does once its window is built
    window.resize(1280, 800)
    window.show()
    window.start()
    try:
        yield window
    finally:
        await shut_down(window, runtime, tasks)


async def until(condition: Callable[[], bool], within: float) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get there in time")
        await asyncio.sleep(0.05)


async def stall(home: str, base_url: str, generating: float, jobs: int, seconds: float) -> Any:
    """One job is about to finish (its clip is large) while `jobs` more are followed. The
    probe runs once those are submitted (submitting is a separate action: each job is
    journaled durably before its POST) until the clip is saved and `seconds` have passed."""
    async with window_on(home, base_url) as window:
        seen: dict[str, Job] = {}
        window.controller.job_changed.connect(lambda job: seen.__setitem__(job.id, job))
        window.controller.submit([REQUEST])
        await until(lambda: len(seen) == 1, 30)
        first = next(iter(seen))
        submitted = time.perf_counter()
        await asyncio.sleep(max(0.0, generating - SUBMIT_BEFORE_DONE))
        window.controller.submit([REQUEST] * jobs)
        await until(lambda: sum(1 for j in seen.values() if j.generation_id) == jobs + 1, 60)
        probe = LatenessProbe()
        probe.start()
        started = time.perf_counter()
        await until(lambda: seen[first].state is JobState.DONE, generating + 600)
        downloaded = time.perf_counter() - submitted - generating
        await until(lambda: time.perf_counter() - started >= seconds, seconds + 1)
        probe.stop()
        followed = sum(1 for job in seen.values() if job.state.is_followable)
        return {**probe.shots(), "download_done_s": downloaded, "followed": followed}


async def idle_loop(seconds: float) -> Any:
    probe = LatenessProbe()
    probe.start()
    await asyncio.sleep(seconds)
    probe.stop()
    return probe.shots()


async def scroll(home: str, base_url: str) -> Any:
    """Wheel down the whole job list a notch at a time, each notch a frame painted; then
    search the prompts."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    async with window_on(home, base_url) as window:
        await asyncio.sleep(1.0)
        view, model = window.jobs.view, window.jobs.model
        bar = view.verticalScrollBar()
        centre = QPointF(view.viewport().rect().center())
        frames: list[float] = []
        accounts: list[tuple[float, float, int, float]] = []
        # ran, waited for a CPU, page reads, of the run: in the kernel (ms)
        counters = _ThreadCounters()
        while bar.value() < bar.maximum():
            ran, queued = counters.read()
            before = resource.getrusage(RUSAGE_THREAD)
            began = time.perf_counter()
            notch = QWheelEvent(
                centre, view.viewport().mapToGlobal(centre), QPoint(), QPoint(0, -120),
                Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                Qt.ScrollPhase.NoScrollPhase, False,
            )  # fmt: skip
            app.sendEvent(view.viewport(), notch)
            view.viewport().repaint()
            frames.append((time.perf_counter() - began) * 1000)
            ran_after, queued_after = counters.read()
            after = resource.getrusage(RUSAGE_THREAD)
            kernel = (after.ru_stime - before.ru_stime) * 1000
            reads = after.ru_majflt - before.ru_majflt
            accounts.append((ran_after - ran, queued_after - queued, reads, kernel))
            await asyncio.sleep(0)  # the loop runs between frames, as it does for real
        rows = model.rowCount()
        searches: dict[str, dict[str, float]] = {}
        for word in (*SEARCH_WORDS, ""):
            await asyncio.sleep(0.3)  # the search box's own debounce passes first
            began = time.perf_counter()
            window.jobs.filters.search.setText(word)
            model.set_filter(*window.jobs.filters.current())
            view.viewport().repaint()
            took = (time.perf_counter() - began) * 1000
            searches[word or "(cleared)"] = {"ms": took, "found": model.rowCount()}
        worst = max(range(len(frames)), key=frames.__getitem__) if frames else None
        return {
            "frame_ms": frames,
            "worst_frame": None if worst is None else [frames[worst], *accounts[worst]],
            "rows": rows,
            "searches": searches,
        }


def main(argv: list[str]) -> int:
    app = QApplication(argv[:1])
    app.setQuitOnLastWindowClosed(False)  # as `wan-studio` does: shut_down ends the loop
    collector = MainThreadGarbageCollector(app)  # as `wan-studio` does
    loop = new_event_loop(app)
    asyncio.set_event_loop(loop)
    mode, rest = argv[1], argv[2:]
    if mode == "stall":
        work = stall(rest[0], rest[1], float(rest[2]), int(rest[3]), float(rest[4]))
    elif mode == "idle-loop":
        work = idle_loop(float(rest[0]))
    elif mode == "scroll":
        work = scroll(rest[0], rest[1])
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    with closing(loop):
        result = loop.run_until_complete(work)
    collector.stop()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

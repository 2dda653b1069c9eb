"""P4: CPU used by the open window while nothing runs, read from the kernel for the whole
`wan-studio` process, with a history of one job and of many."""

from __future__ import annotations

import signal
import subprocess
import tempfile
import time
from pathlib import Path

from tests.benchmarks.harness import Line, Settings, figure
from tests.benchmarks.history import copy_home, seed_history
from tests.benchmarks.processes import BENCH_KEY, app_command, cpu_seconds, qt_environ, simulator


def _idle_share(home: Path, base_url: str, settle: float, window: float) -> float:
    """Per cent of one core used over `window` seconds, after `settle` seconds open."""
    environ = qt_environ(AIMLAPI_KEY=BENCH_KEY, AIMLAPI_BASE_URL=base_url)
    process = subprocess.Popen(
        app_command("--home", str(home)),
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(settle)
        before, started = cpu_seconds(process.pid), time.monotonic()
        time.sleep(window)
        used = cpu_seconds(process.pid) - before
        return 100 * used / (time.monotonic() - started)
    finally:
        process.send_signal(signal.SIGINT)  # closes as File › Quit does
        process.wait(timeout=30)


def idle_cpu(settings: Settings, seeded: Path, jobs: int) -> list[Line]:
    settle, window = (3.0, 3.0) if settings.quick else (5.0, 30.0)
    lines = []
    with simulator() as base_url, tempfile.TemporaryDirectory() as scratch:
        one = Path(scratch) / "one"
        seed_history(one, 1)
        for label, source in (("1 job", one), (f"{jobs:,} jobs", seeded)):
            shares = []
            for run in range(settings.runs):
                home = copy_home(source, Path(scratch) / f"{label}-{run}")
                shares.append(_idle_share(home, base_url, settle, window))
            share = figure(shares, "% of a core")
            lines.append(
                Line(
                    id="P4",
                    measures=f"idle CPU over {window:.0f} s, {label} in history",
                    app=share,
                    baseline=None,
                    target="<1% of one core",
                    met=share.median < 1.0,
                )
            )
    return lines

"""Whole processes measured from outside: time to a line they print, peak memory, CPU
time; and a simulator in its own process so that its work is never counted as the app's.
Every address is on loopback."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

PYTHON = sys.executable
BENCH_KEY = "wan-studio-benchmark"


def qt_environ(**extra: str) -> dict[str, str]:
    """The environment of a measured window: offscreen, quiet about audio devices."""
    environ = dict(os.environ)
    environ.update(
        QT_QPA_PLATFORM="offscreen",
        QT_LOGGING_RULES="qt.multimedia.*=false",
        PYTHONDONTWRITEBYTECODE="1",
    )
    environ.update(extra)
    return environ


def app_command(*args: str) -> list[str]:
    """`wan-studio ARGS` as the creator starts it (the console script's own module)."""
    return [PYTHON, "-m", "desktop_app", *args]


@dataclass(frozen=True)
class Started:
    seconds: float
    """From the spawn until the process printed its marker line."""
    peak_mib: float
    """The whole process's peak resident memory."""
    exited: float = 0.0
    """From the spawn until the process had ended."""


GNU_TIME = "/usr/bin/time"
"""GNU time starts the measured process from a parent of its own, a few MiB small: the
kernel counts a child's pages from before its exec toward its peak, so a process started
straight from the benchmark (which holds PySide6, the app and more) would be charged with
the benchmark's memory (#29: 119 MiB measured that way for a bare window of 76)."""


def time_to_line(command: Sequence[str], environ: dict[str, str], marker: str) -> Started:
    """Start `command` (through GNU time, when there is one), time it until it prints a
    line starting with `marker`, let it finish, and read its peak memory."""
    with tempfile.NamedTemporaryFile("r", suffix=".peak") as peak_file:
        clean = os.access(GNU_TIME, os.X_OK)
        wrapped = [GNU_TIME, "-f", "%M", "-o", peak_file.name, *command] if clean else command
        found = _time_to_line(wrapped, environ, marker)
        if not clean:
            return found
        kib = int(peak_file.read().strip().splitlines()[-1])
        return replace(found, peak_mib=kib / 1024)


def _time_to_line(command: Sequence[str], environ: dict[str, str], marker: str) -> Started:
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=environ, text=True
    )
    assert process.stdout is not None
    seconds = None
    for line in process.stdout:
        if seconds is None and line.startswith(marker):
            seconds = time.perf_counter() - started
    _, status, usage = os.wait4(process.pid, 0)
    exited = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if seconds is None or process.returncode != 0:
        raise RuntimeError(f"{command!r} exited {process.returncode} without {marker!r}")
    return Started(seconds, usage.ru_maxrss / 1024, exited)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def run_json(command: Sequence[str], environ: dict[str, str], timeout: float) -> Any:
    """Run a driver that prints one JSON document as its last line."""
    done = subprocess.run(
        command, env=environ, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{command!r} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextmanager
def simulator(
    *, queued: float = 0.0, generating: float = 0.0, clip: Path | None = None
) -> Iterator[str]:
    """A simulator in its own process on 127.0.0.1; yields its base URL."""
    command = [
        PYTHON, "-m", "desktop_app", "simulator", "--port", "0", "--key", BENCH_KEY,
        "--queued-seconds", str(queued), "--generating-seconds", str(generating),
    ]  # fmt: skip
    if clip is not None:
        command += ["--clip", str(clip)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        found = re.search(r"http://127\.0\.0\.1:\d+", server.stdout.readline())
        if found is None:
            raise RuntimeError("the simulator did not say where it listens")
        yield found.group(0)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)


MB = 1 << 20


def make_clip(path: Path, size_mb: int) -> Path:
    """A playable clip of `size_mb` MB: the demo clip, then one `free` box of random bytes
    (MP4 players skip it) to make up the size."""
    from desktop_app.resources import resource

    video = resource("demo.mp4").read_bytes()
    padding = size_mb * MB - len(video)
    if padding < 8:
        raise ValueError(f"a clip smaller than the demo clip ({len(video):,} bytes)")
    block = os.urandom(MB)
    with path.open("wb") as f:
        f.write(video)
        f.write(padding.to_bytes(4, "big") + b"free")
        left = padding - 8
        while left:
            step = min(left, MB)
            f.write(block[:step])
            left -= step
    return path

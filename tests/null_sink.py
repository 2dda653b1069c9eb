"""A real audio device for tests: PulseAudio with one null sink, private to the run
(TECH.md). With it Qt Multimedia plays a clip's sound through its audio renderer thread, as
on a creator's desktop; without it Qt plays silently and that thread never runs."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.desktop_session import end_process

SINK_NAME = "wan_studio_test_sink"


@contextmanager
def null_sink() -> Iterator[str | None]:
    """The `PULSE_SERVER` address of a running null sink, or None without PulseAudio."""
    if shutil.which("pulseaudio") is None:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="wan-studio-pulse-") as runtime:
        os.chmod(runtime, 0o700)
        socket = Path(runtime) / "native"
        env = {**os.environ, "XDG_RUNTIME_DIR": runtime, "HOME": runtime}
        command = [
            "pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n",
            "--use-pid-file=no", "--disallow-exit", "--log-target=stderr", "--log-level=error",
            f"--load=module-null-sink sink_name={SINK_NAME}",
            f"--load=module-native-protocol-unix auth-anonymous=1 socket={socket}",
        ]  # fmt: skip
        daemon = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            deadline = time.monotonic() + 10
            while not socket.exists():
                if daemon.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("PulseAudio's null sink did not start")
                time.sleep(0.02)
            yield f"unix:{socket}"
        finally:
            end_process(daemon, timeout=10)

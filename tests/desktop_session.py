"""A real desktop session of the test's own: an X server (Xvfb) on a free display, a
private D-Bus session bus, and on demand a window manager (openbox), a notification daemon
(dunst) and a monitor that records every notification sent on that bus (TECH.md)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

NOTIFICATIONS = "org.freedesktop.Notifications"
TOOLS = ("Xvfb", "dbus-daemon", "dbus-send", "dbus-monitor", "dunst", "openbox", "xdotool")


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


@dataclass
class DesktopSession:
    display: str
    bus: str
    folder: Path
    monitor_log: Path | None = None
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        """This machine's environment, pointed at this session's display and bus."""
        env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM",)}
        env.update(DISPLAY=self.display, DBUS_SESSION_BUS_ADDRESS=self.bus)
        return env

    def start(self, *command: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            command, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.processes.append(process)
        return process

    def name_owned(self, name: str) -> bool:
        answer = subprocess.run(
            ["dbus-send", f"--bus={self.bus}", "--print-reply", "--dest=org.freedesktop.DBus",
             "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", f"string:{name}"],
            capture_output=True, text=True, timeout=10,
        )  # fmt: skip
        return "boolean true" in answer.stdout

    def wait_for_name(self, name: str, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.name_owned(name):
            if time.monotonic() > deadline:
                raise TimeoutError(f"nobody took {name} on the test's bus")
            time.sleep(0.05)

    def notifications(self) -> str:
        """Every Notify call seen on the bus so far, as dbus-monitor printed it."""
        assert self.monitor_log is not None
        return self.monitor_log.read_text(errors="replace")


@contextmanager
def desktop_session(
    folder: Path, *, window_manager: bool = False, notifications: bool = False
) -> Iterator[DesktopSession]:
    with ExitStack() as stack:
        read, write = os.pipe()
        xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        os.close(write)
        stack.callback(end_process, xvfb)
        with os.fdopen(read) as pipe:
            display = ":" + pipe.readline().strip()
        bus_daemon = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        stack.callback(end_process, bus_daemon)
        assert bus_daemon.stdout is not None
        bus = bus_daemon.stdout.readline().strip()
        session = DesktopSession(display, bus, folder)
        stack.callback(lambda: [end_process(p) for p in reversed(session.processes)])
        if window_manager:
            session.start("openbox", "--sm-disable")
        if notifications:
            session.monitor_log = folder / "notifications.log"
            log = session.monitor_log.open("wb")
            stack.callback(log.close)
            monitor = subprocess.Popen(
                ["dbus-monitor", "--address", bus,
                 f"type='method_call',interface='{NOTIFICATIONS}',member='Notify'"],
                stdout=log, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            session.processes.append(monitor)
            session.start("dunst")
            session.wait_for_name(NOTIFICATIONS)
        yield session


def end_process(
    process: subprocess.Popen[bytes] | subprocess.Popen[str], timeout: float = 5
) -> None:
    """Ask `process` to end; kill it if it has not within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()

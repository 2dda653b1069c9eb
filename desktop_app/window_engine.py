"""The window's engine half, loaded once the first frame is on screen: the runtime (HTTP
clients, keyring, journal), the window's asyncio loop, the services the window attaches, and the
orderly shut-down. `app.py` shows the first frame and hands over to `run_engine`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import socket
import ssl
import sys
from collections.abc import Callable, Mapping
from contextlib import closing
from types import TracebackType
from typing import TypeVar

import PySide6  # noqa: F401  (before qasync on Windows, which takes the Qt binding loaded)
from PySide6.QtCore import QSocketNotifier, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import QApplication

from desktop_app.journal.errors import storage_error
from desktop_app.logs import configure_logging
from desktop_app.meta import APP_NAME
from desktop_app.paths import AppPaths
from desktop_app.qt.account_watch import AccountWatch
from desktop_app.qt.desktop_notices import DesktopNotices
from desktop_app.qt.event_loop import new_event_loop
from desktop_app.qt.frame_grabber import FrameGrabber
from desktop_app.qt.gui_watchdog import GuiWatchdog
from desktop_app.qt.job_controller import JobController
from desktop_app.qt.job_list_model import JobListModel
from desktop_app.qt.main_thread_gc import MainThreadGarbageCollector
from desktop_app.qt.media_objects import MediaObjects
from desktop_app.qt.network_watch import NetworkWatch
from desktop_app.resources import app_icon, resource
from desktop_app.runtime import Runtime, RuntimeOptions
from desktop_app.secrets.keystore import KeyStore
from desktop_app.tasks import TaskGroup
from desktop_app.ui.dialogs import show_error
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.startup import open_or_explain
from desktop_app.ui.window_basics import WindowBasics
from desktop_app.ui.window_services import WindowServices
from desktop_app.uploads.config import StorageConfig

log = logging.getLogger(__name__)
T = TypeVar("T")

EXIT_STORAGE = 6
SETTLE_SECONDS = 2.0
SMOKE_TIMEOUT_SECONDS = 30.0


async def check_storage_later(config: StorageConfig, key_id: str, secret: str) -> None:
    """Settings › Storage › Test; the S3 client is loaded only when it is pressed."""
    from desktop_app.uploads.bucket import check_storage

    await check_storage(config, key_id, secret)


def window_services(runtime: Runtime, tasks: TaskGroup, media: MediaObjects) -> WindowServices:
    """What the window attaches from `runtime`, every background task of it owned by
    `tasks`, its frame grabber's player made by `media`."""
    paths = runtime.paths
    key_ready = runtime.keys.available
    controller = JobController(
        runtime.service, runtime.history, tasks, key_ready, runtime.lifecycle
    )
    account = AccountWatch(
        runtime.balance, runtime.catalogue, runtime.health, runtime.spending, tasks, key_ready
    )
    probe = runtime.reference_probe()
    samples: tuple[str, ...] = ()
    demo_address = None
    if runtime.simulator is not None:
        demo_address = runtime.simulator.base_url
        samples = tuple(
            f"{demo_address}/samples/{p.name}" for p in runtime.simulator.config.samples
        )
    return WindowServices(
        controller=controller,
        account=account,
        quote=runtime.service.quote,
        model=JobListModel(runtime.history),
        grabber=FrameGrabber(media),
        tasks=tasks,
        check_reference=probe.check,
        fetch_preview=lambda check: probe.fetch_preview(check, paths.cache / "references"),
        keys=runtime.keys,
        verify_key=runtime.verify_key,
        settings_file=runtime.settings_file,
        storage_keys=runtime.storage_keys,
        check_storage=check_storage_later,
        notices=DesktopNotices(APP_NAME, app_icon(), tasks),
        library=runtime.library,
        characters=runtime.journal,
        demo_address=demo_address,
        sample_links=samples,
    )


def build_window(runtime: Runtime, tasks: TaskGroup) -> MainWindow:
    """Both steps at once (tests and drivers): the first frame, then the engine attached."""
    window = MainWindow(WindowBasics.at(runtime.paths, demo=runtime.options.demo))
    window.attach(window_services(runtime, tasks, window.basics.media))
    return window


def quit_on_interrupt(
    app: QApplication, window: MainWindow
) -> tuple[socket.socket, socket.socket, QSocketNotifier]:
    """Ctrl+C in the terminal that started the window closes it as File › Quit does.

    Python runs signal handlers only when it runs, and Qt's loop may be asleep: the signal
    also writes to a socket, and Qt wakes on it."""
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno())
    signal.signal(signal.SIGINT, lambda *_: None)  # acted on below, on Qt's loop
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)

    def on_wake() -> None:
        try:
            received = reader.recv(64)
        except BlockingIOError:
            return
        if signal.SIGINT in received:
            window.close()

    notifier.activated.connect(on_wake)
    return reader, writer, notifier  # the caller keeps them for as long as the window runs


def install_exception_hook(window: MainWindow, log_file: str) -> None:
    """Unexpected errors go to the log file; the creator sees a short sentence."""

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        log.error("unexpected error", exc_info=(kind, error, trace))
        show_error(
            window,
            "Something went wrong",
            f"Wan Studio hit an unexpected problem ({kind.__name__}: {error}). Your jobs are "
            f"safe in the journal. Details are in the log file: {log_file}",
        )

    sys.excepthook = hook


def relaunch_in_demo(args: argparse.Namespace) -> None:
    from PySide6.QtCore import QProcess

    extra = ["--demo"] + (["--home", args.home] if args.home else [])
    if getattr(sys, "frozen", False):
        QProcess.startDetached(sys.executable, extra)
    else:
        QProcess.startDetached(sys.executable, ["-m", "desktop_app", *extra])


async def wait_closed(window: MainWindow) -> None:
    closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    window.closed.connect(lambda: settle(closed, None))
    await closed


def settle(future: asyncio.Future[T], value: T) -> None:
    if not future.done():
        future.set_result(value)


async def take_screenshot(window: MainWindow, target: str) -> int:
    await asyncio.sleep(SETTLE_SECONDS)
    if QGuiApplication.platformName() == "offscreen":
        picture = window.grab()
    else:
        picture = window.screen().grabWindow(window.winId())
    ok = picture.save(target)
    print(f"Saved a screenshot of the window as {target}" if ok else f"Could not write {target}")
    return 0 if ok else 1


async def smoke(window: MainWindow) -> int:
    """Open the window, load the player with the demo clip, and report."""
    loaded: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

    def on_status(status: QMediaPlayer.MediaStatus) -> None:
        if status in (QMediaPlayer.MediaStatus.LoadedMedia, QMediaPlayer.MediaStatus.BufferedMedia):
            settle(loaded, True)
        elif status is QMediaPlayer.MediaStatus.InvalidMedia:
            settle(loaded, False)

    window.player.player.mediaStatusChanged.connect(on_status)
    window.player.play(str(resource("demo.mp4")), "Smoke test")
    try:
        ok = await asyncio.wait_for(loaded, SMOKE_TIMEOUT_SECONDS)
    except TimeoutError:
        ok = False
    print("smoke: window open, player loaded the demo clip" if ok else "smoke: the player failed")
    return 0 if ok else 1


async def run(
    window: MainWindow, runtime: Runtime, tasks: TaskGroup, args: argparse.Namespace
) -> int:
    window.show()
    # The keyring is asked once the window is up, never on its thread: a locked one makes
    # the desktop prompt, and the window says what it waits for.
    await runtime.keys.read_now(lambda text: say_waiting(window, text))
    window.start()
    try:
        if args.screenshot:
            return await take_screenshot(window, args.screenshot)
        if args.smoke:
            return await smoke(window)
        if not runtime.keys.available():
            QTimer.singleShot(0, window.welcome)
        NetworkWatch(runtime.service.retry_now, parent=window)
        await wait_closed(window)
        return 0
    finally:
        await shut_down(window, runtime, tasks)


def say_waiting(window: MainWindow, text: str) -> None:
    """What the start waits for, in the window's status bar and on the terminal."""
    window.statusBar().showMessage(text, 120_000)
    print(f"{APP_NAME}: {text}", file=sys.stderr, flush=True)


async def shut_down(window: MainWindow, runtime: Runtime, tasks: TaskGroup) -> None:
    """Close the window, cancel and await every task, then close the HTTP clients and the
    journal, all before the loop stops. Jobs stay journaled and resume at the next start."""
    window.close()
    window.controller.stop()
    await tasks.close()
    await window.services.notices.aclose()
    await runtime.aclose()


def run_engine(
    app: QApplication,
    window: MainWindow,
    args: argparse.Namespace,
    environ: Mapping[str, str],
    tls: Callable[[], ssl.SSLContext],
) -> int:
    """Open the runtime, attach it to the window already on screen, and run until it
    closes; `tls` gives the TLS context (built ahead, `api/tls.py`)."""
    paths = AppPaths.resolve(args.home, environ)
    options = RuntimeOptions(
        home=args.home,
        base_url=args.base_url,
        poll_interval=args.poll_interval,
        demo=args.demo,
        keep_trying=True,
        reconcile_grace=args.reconcile_grace,
    )

    def open_runtime() -> Runtime:
        try:
            redactor = configure_logging(paths.log_file, verbose=args.verbose)
        except OSError as error:
            raise storage_error(error, paths.log_file) from None
        runtime = Runtime(options, environ, KeyStore(environ=environ), redactor, tls=tls)
        runtime.client  # noqa: B018 (a base URL the key may not travel to is said now)
        return runtime

    runtime = open_or_explain(open_runtime)
    if runtime is None:
        window.close()
        return EXIT_STORAGE
    collector = MainThreadGarbageCollector(app)
    watchdog = GuiWatchdog(paths.stuck_window_file, parent=app)
    watchdog.start()
    loop = new_event_loop(app)
    asyncio.set_event_loop(loop)
    # A task that fails unexpectedly is reported like any other unexpected error.
    tasks = TaskGroup(
        on_error=lambda error: sys.excepthook(type(error), error, error.__traceback__)
    )
    window.attach(window_services(runtime, tasks, window.basics.media))
    collector.set_aside_startup()

    def switch_to_demo() -> None:
        relaunch_in_demo(args)
        window.close()

    window.demo_requested.connect(switch_to_demo)
    install_exception_hook(window, str(paths.log_file))
    interrupt = quit_on_interrupt(app, window) if os.name == "posix" else None
    with closing(loop):
        code: int = loop.run_until_complete(run(window, runtime, tasks, args))
    watchdog.stop()
    # The process ends next (`app.run_window`), collection still on this thread: a last
    # full collection (`collector.stop`) would walk every object for ~40 ms, to free
    # memory the process is about to give back whole.
    del interrupt, collector
    return code

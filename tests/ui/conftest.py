"""Window fixtures: offscreen Qt, the window's asyncio loop, a simulator, a real journal."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.domain.job import Job, JobState
from desktop_app.qt.event_loop import new_event_loop
from desktop_app.qt.main_thread_gc import MainThreadGarbageCollector
from desktop_app.qt.media_objects import MediaObjects
from desktop_app.runtime import Runtime, RuntimeOptions
from desktop_app.secrets.keystore import KeyStore
from desktop_app.simulator import Simulator
from desktop_app.tasks import TaskGroup
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.settings_dialog import SettingsDialog
from desktop_app.window_engine import build_window, shut_down
from tests.conftest import SAMPLES, TEST_KEY
from tests.s3_server import S3Server

D = TypeVar("D", bound=QWidget)


@pytest.fixture(autouse=True)
def gc_on_gui_thread(qapp: QApplication) -> Iterator[None]:
    """As in the app: cyclic garbage (Qt objects among it) is collected on this thread only,
    never on a simulator or worker thread."""
    collector = MainThreadGarbageCollector()
    yield
    collector.stop()
    collector.deleteLater()


@pytest.fixture(autouse=True)
def clipboard_left_clean(qapp: QApplication) -> Iterator[None]:
    """Offscreen Qt frees mime data left on its clipboard once too often when the
    application ends (a crash at exit; xcb does not): each test leaves it empty."""
    yield
    QApplication.clipboard().clear()


@pytest.fixture(scope="session")
def media(qapp: QApplication) -> MediaObjects:
    """The maker of Qt-made players, one for the run as in the app."""
    return MediaObjects()


@pytest.fixture(scope="session")
def session_loop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """One window loop for the whole run, as in the app: qtbot's waits run Qt's event loop,
    which runs asyncio's a step at a time. It is closed, and its worker threads
    (asyncio.to_thread) finished, at the end."""
    event_loop = new_event_loop(qapp)
    executor = ThreadPoolExecutor(2)
    event_loop.set_default_executor(executor)
    yield event_loop
    event_loop.close()
    executor.shutdown(wait=True)


@pytest.fixture
def loop(
    session_loop: asyncio.AbstractEventLoop, qtbot: QtBot
) -> Iterator[asyncio.AbstractEventLoop]:
    """The loop, the current one for this test, with every task the test left behind
    cancelled and finished afterwards."""
    asyncio.set_event_loop(session_loop)
    yield session_loop
    pending = [t for t in asyncio.all_tasks(session_loop) if not t.done()]
    for task in pending:
        task.cancel()
    qtbot.waitUntil(lambda: all(t.done() for t in pending), timeout=10_000)
    asyncio.set_event_loop(None)


def run_in_loop(qtbot: QtBot, coro: Any, timeout: int = 10_000) -> Any:
    task = asyncio.ensure_future(coro)
    qtbot.waitUntil(task.done, timeout=timeout)
    return task.result()


class WindowFactory:
    """Opens windows on one data folder (a restart is a second window on the same home)."""

    def __init__(self, qtbot: QtBot, home: Path, base_url: str, environ: dict[str, str]) -> None:
        self.qtbot = qtbot
        self.home = home
        self.base_url = base_url
        self.environ = environ
        self.open: list[tuple[MainWindow, Runtime, TaskGroup]] = []

    def __call__(self, *, key_store: KeyStore | None = None, start: bool = True) -> MainWindow:
        options = RuntimeOptions(
            home=str(self.home),
            base_url=self.base_url,
            poll_interval=0.1,
            keep_trying=True,
            reconcile_grace=3.0,
        )
        store = key_store or KeyStore(environ=self.environ)
        runtime = Runtime(options, self.environ, store)
        tasks = TaskGroup()
        window = build_window(runtime, tasks)
        # Not qtbot.addWidget: pytest-qt deletes its widgets before fixtures tear down, and
        # the task group must first finish its tasks and the runtime close its clients.
        window.show()
        if start:
            window.start()
        self.open.append((window, runtime, tasks))
        return window

    def runtime_of(self, window: MainWindow) -> Runtime:
        return next(r for w, r, _ in self.open if w is window)

    def close(self, window: MainWindow) -> None:
        """Close a window as the app does at exit (app.shut_down)."""
        entry = next(e for e in self.open if e[0] is window)
        self.open.remove(entry)
        run_in_loop(self.qtbot, shut_down(*entry))
        window.deleteLater()

    def close_all(self) -> None:
        for window, _, _ in list(self.open):
            self.close(window)


@pytest.fixture
def windows(
    qtbot: QtBot, loop: asyncio.AbstractEventLoop, tmp_path: Path, sim: Simulator
) -> Iterator[WindowFactory]:
    factory = WindowFactory(qtbot, tmp_path / "home", sim.base_url, {"AIMLAPI_KEY": TEST_KEY})
    yield factory
    factory.close_all()


@pytest.fixture
def sample_links(sim: Simulator) -> list[str]:
    """Links to the simulator's sample reference clips (real, playable mp4 files)."""
    return [f"{sim.base_url}/samples/{p.name}" for p in SAMPLES]


def first_job(window: MainWindow) -> Job | None:
    """The newest job in the window's job panel."""
    model = window.services.model
    return model.job_at(0) if model.rowCount() else None


def wait_for_state(qtbot: QtBot, window: MainWindow, state: JobState, timeout: int = 20_000) -> Job:
    """Wait until the newest job reaches `state`; return it."""
    qtbot.waitUntil(
        lambda: (job := first_job(window)) is not None and job.state is state, timeout=timeout
    )
    job = first_job(window)
    assert job is not None
    return job


def compose_and_generate(
    window: MainWindow, links: list[str], prompt: str, qtbot: QtBot | None = None
) -> None:
    """Fill the composer as a creator would and press Generate (with `qtbot`: once the
    previous Generate has been sent)."""
    window.references.set_links(links)
    window.composer.prompt.setPlainText(prompt)
    if qtbot is not None:
        qtbot.waitUntil(window.composer.generate_button.isEnabled)
    assert window.composer.generate_button.isEnabled(), window.composer.reason.text()
    window.composer.generate_button.click()


def when_modal(kind: type[D], act: Callable[[D], None]) -> None:
    """Once the next modal dialog of `kind` is up, do `act` to it (a modal dialog runs its
    own loop: this acts from inside it)."""

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(20, look)
            return
        act(dialog)

    QTimer.singleShot(20, look)


def answer_next_dialog(button_text: str, seen: list[str]) -> None:
    """Press the button starting with `button_text` in the next modal message box, noting
    the box's text in `seen`."""

    def press(box: QMessageBox) -> None:
        seen.append(box.text())
        next(b for b in box.buttons() if b.text().startswith(button_text)).click()

    when_modal(QMessageBox, press)


def answer_next_name(text: str) -> None:
    """Type `text` into the next name dialog and press OK."""

    def answer(dialog: QInputDialog) -> None:
        dialog.setTextValue(text)
        dialog.accept()

    when_modal(QInputDialog, answer)


def look_at_next_settings(seen: list[SettingsDialog]) -> None:
    """Note the next Settings dialog in `seen` and close it. The test reads what it showed
    from `seen`."""

    def look(dialog: SettingsDialog) -> None:
        seen.append(dialog)
        dialog.reject()

    when_modal(SettingsDialog, look)


def with_storage(windows: WindowFactory, s3: S3Server, prefix: str) -> None:
    """The windows' home set up with the creator's storage (moto), its keys in the
    environment."""
    windows.environ.update(AWS_ACCESS_KEY_ID=s3.key_id, AWS_SECRET_ACCESS_KEY=s3.secret)
    windows.home.mkdir(parents=True, exist_ok=True)
    storage = {"storage_endpoint": s3.url, "storage_bucket": s3.bucket, "storage_prefix": prefix}
    (windows.home / "settings.json").write_text(json.dumps(storage))

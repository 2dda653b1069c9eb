"""The window's loop (#19, #29): asyncio's own loop run a step at a time from Qt's, on
asyncio's public API (callbacks in order, timed ones never early, cancelled ones dropped,
one Qt timer and one notifier), with asyncio's own checks, threads, signals, modal loops
and an orderly close."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import threading
import time

import pytest
from PySide6.QtCore import QAbstractEventDispatcher, QEventLoop, QObject, QSocketNotifier, QTimer
from pytestqt.qtbot import QtBot

from desktop_app.qt.event_loop import PRUNE_AT_LEAST, new_event_loop

pytestmark = pytest.mark.skipif(os.name == "nt", reason="Windows keeps qasync's own loop")


def test_callbacks_run_in_order_and_those_they_schedule_come_after(
    loop: asyncio.AbstractEventLoop, qtbot: QtBot
) -> None:
    ran: list[str] = []

    def first() -> None:
        ran.append("first")
        loop.call_soon(ran.append, "scheduled by first")

    loop.call_soon(first)
    loop.call_soon(ran.append, "second")
    loop.call_soon(ran.append, "cancelled").cancel()
    loop.call_soon(ran.append, "third")
    qtbot.waitUntil(lambda: len(ran) == 4, timeout=5_000)
    assert ran == ["first", "second", "third", "scheduled by first"]


def test_timed_callbacks_come_in_time_order_and_never_early(
    loop: asyncio.AbstractEventLoop, qtbot: QtBot
) -> None:
    came: list[tuple[float, float]] = []
    start = loop.time()
    for delay in (0.12, 0.03, 0.07, 0.0):
        loop.call_later(delay, lambda d=delay: came.append((d, loop.time() - start)))
    loop.call_later(0.05, came.append, (-1.0, 0.0)).cancel()
    qtbot.waitUntil(lambda: len(came) == 4, timeout=5_000)
    assert [delay for delay, _ in came] == [0.0, 0.03, 0.07, 0.12]
    assert all(at >= delay for delay, at in came)


def test_cancelled_timeouts_are_dropped_and_a_short_one_still_comes(
    loop: asyncio.AbstractEventLoop, qtbot: QtBot
) -> None:
    """anyio arms a deadline around every read and write of httpx and cancels it when the
    read is done: thousands of cancelled timeouts must neither pile up nor hold back the
    one that is due."""
    came: list[float] = []
    for _ in range(5_000):
        loop.call_later(60.0, came.append, -1.0).cancel()
    armed = time.monotonic()
    loop.call_later(0.02, lambda: came.append(time.monotonic() - armed))
    qtbot.waitUntil(lambda: bool(came), timeout=5_000)
    assert came[0] >= 0.02
    dispatcher = QAbstractEventDispatcher.instance()
    assert dispatcher is not None
    qt_timers = sum(
        len(dispatcher.registeredTimers(part)) for part in vars(loop).values()
        if isinstance(part, QObject)
    )  # fmt: skip
    assert qt_timers <= 1  # one wake-up, whatever is scheduled
    assert len(loop._qt_timers) < PRUNE_AT_LEAST  # type: ignore[attr-defined]


def test_an_error_in_a_callback_is_reported_and_the_next_ones_still_run(
    loop: asyncio.AbstractEventLoop, qtbot: QtBot
) -> None:
    reported: list[object] = []
    ran: list[str] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: reported.append(context["exception"]))
    try:

        def fail() -> None:
            raise ValueError("from a callback")

        loop.call_soon(fail)
        loop.call_soon(ran.append, "after")
        loop.call_later(0.01, ran.append, "timed")
        qtbot.waitUntil(lambda: ran == ["after", "timed"], timeout=5_000)
    finally:
        loop.set_exception_handler(previous)
    assert [str(error) for error in reported] == ["from a callback"]


class _Chunks(asyncio.Protocol):
    """Pauses reading after every chunk, as anyio's streams do."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.arrived = asyncio.Event()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.data += data
        assert self.transport is not None
        self.transport.pause_reading()
        self.arrived.set()


def qt_parts(loop: asyncio.AbstractEventLoop, kind: type[QObject]) -> list[QObject]:
    return [part for part in vars(loop).values() if isinstance(part, kind)]


def test_a_modal_loop_opened_from_a_qt_slot_leaves_asyncio_running(
    loop: asyncio.AbstractEventLoop, qtbot: QtBot
) -> None:
    """A dialog's `exec()` from a slot (a click, a queued call) runs a Qt loop of its own:
    asyncio's callbacks and tasks go on meanwhile, and one of them may close it."""
    ran: list[str] = []

    async def ticks() -> None:
        for n in range(3):
            await asyncio.sleep(0.01)
            ran.append(f"tick {n}")

    def open_modal() -> None:
        modal = QEventLoop()
        loop.create_task(ticks())
        loop.call_later(0.1, modal.quit)
        modal.exec()
        ran.append("closed")

    QTimer.singleShot(0, open_modal)
    qtbot.waitUntil(lambda: "closed" in ran, timeout=5_000)
    assert ran == ["tick 0", "tick 1", "tick 2", "closed"]


def test_a_modal_loop_opened_inside_a_task_step_pauses_asyncio_and_breaks_nothing(
    loop: asyncio.AbstractEventLoop, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    """qasync ran other callbacks inside such a loop, so the next task step found a task
    still executing ("Cannot enter into task ... while another task ... is being
    executed"). Here asyncio waits until the Qt loop is closed (by a person, here a Qt
    timer), then every callback and task runs, each once, in order, and none fails."""
    ran: list[str] = []
    reported: list[object] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: reported.append(context))

    async def with_a_dialog() -> None:
        ran.append("opened")
        loop.call_soon(ran.append, "scheduled while open")
        modal = QEventLoop()
        QTimer.singleShot(100, modal.quit)
        modal.exec()
        ran.append("closed")
        await asyncio.sleep(0)
        ran.append("went on")

    async def other() -> None:
        ran.append("other task")
        await asyncio.sleep(0)
        ran.append("other task again")

    try:
        first = loop.create_task(with_a_dialog())
        second = loop.create_task(other())
        qtbot.waitUntil(lambda: first.done() and second.done(), timeout=5_000)
    finally:
        loop.set_exception_handler(previous)
    assert ran[:2] == ["opened", "closed"]
    assert sorted(ran[2:]) == sorted(
        ["scheduled while open", "other task", "other task again", "went on"]
    )
    assert first.result() is None and second.result() is None and reported == []
    assert "opened inside an asyncio step" in caplog.text


def test_paused_and_resumed_reading_keeps_every_byte_with_one_notifier(
    loop: asyncio.AbstractEventLoop, qtbot: QtBot
) -> None:
    """asyncio's own selector keeps the sockets; Qt watches only the selector, with one
    notifier, however often reading is paused and resumed."""
    ours, theirs = socket.socketpair()

    async def read(rounds: int) -> bytes:
        transport, protocol = await loop.connect_accepted_socket(_Chunks, ours)
        for n in range(rounds):
            protocol.arrived.clear()
            theirs.sendall(b"%05d" % n)
            transport.resume_reading()
            await protocol.arrived.wait()
        transport.close()
        return bytes(protocol.data)

    task = loop.create_task(read(200))
    qtbot.waitUntil(task.done, timeout=10_000)
    assert task.result() == b"".join(b"%05d" % n for n in range(200))
    assert len(qt_parts(loop, QSocketNotifier)) == 1
    theirs.close()


def test_debug_mode_checks_the_thread_and_tells_slow_callbacks(
    loop: asyncio.AbstractEventLoop, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    refused: list[BaseException] = []

    def from_another_thread() -> None:
        try:
            loop.call_soon(print)
        except RuntimeError as error:
            refused.append(error)

    loop.set_debug(True)
    previous = loop.slow_callback_duration
    loop.slow_callback_duration = 0.05
    try:
        worker = threading.Thread(target=from_another_thread)
        worker.start()
        worker.join()
        done: list[bool] = []
        loop.call_soon(lambda: (time.sleep(0.08), done.append(True)))
        qtbot.waitUntil(lambda: bool(done), timeout=5_000)
    finally:
        loop.slow_callback_duration = previous
        loop.set_debug(False)
    assert len(refused) == 1 and "Non-thread-safe" in str(refused[0])
    assert "took" in caplog.text and "Executing" in caplog.text


def test_call_soon_threadsafe_from_many_threads_runs_every_callback_once(
    loop: asyncio.AbstractEventLoop, qtbot: QtBot
) -> None:
    came: list[tuple[int, int]] = []
    handles: list[asyncio.Handle] = []

    def send(thread: int) -> None:
        for n in range(200):
            handles.append(loop.call_soon_threadsafe(came.append, (thread, n)))

    threads = [threading.Thread(target=send, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    qtbot.waitUntil(lambda: len(came) == 1600, timeout=5_000)
    qtbot.wait(20)
    assert sorted(came) == [(t, n) for t in range(8) for n in range(200)]
    assert all(isinstance(handle, asyncio.Handle) for handle in handles)
    for t in range(8):  # each thread's callbacks in its own order
        assert [n for thread, n in came if thread == t] == list(range(200))


def test_a_callback_queued_by_a_thread_while_its_wake_up_is_read_still_runs(
    loop: asyncio.AbstractEventLoop, qtbot: QtBot
) -> None:
    """The race the first version of this loop lost (a real window hung on it): a step
    reads the wake-up bytes of every thread at once, including the byte of a callback
    another thread queued after the step had counted what it runs. That callback must get
    a step of its own."""
    came: list[str] = []
    queued = threading.Event()

    def queue_from_another_thread() -> None:
        loop.call_soon_threadsafe(came.append, "late")
        queued.set()

    def first() -> None:  # runs in the step that will read both wake-up bytes
        came.append("first")
        threading.Thread(target=queue_from_another_thread).start()
        queued.wait(5)

    loop.call_soon_threadsafe(first)
    qtbot.waitUntil(lambda: came == ["first", "late"], timeout=3_000)


def test_a_signal_handler_runs_on_the_loop(loop: asyncio.AbstractEventLoop, qtbot: QtBot) -> None:
    came: list[str] = []
    loop.add_signal_handler(signal.SIGUSR1, came.append, "usr1")
    try:
        os.kill(os.getpid(), signal.SIGUSR1)
        qtbot.waitUntil(lambda: came == ["usr1"], timeout=5_000)
    finally:
        loop.remove_signal_handler(signal.SIGUSR1)


def test_a_loop_runs_a_coroutine_to_its_end_and_closes_with_timers_pending(
    qtbot: QtBot,
) -> None:
    """As the app runs: `run_until_complete` over Qt's loop, then `close` with timers, a
    reader and callbacks still pending; no Qt timer or notifier stays behind."""
    own = new_event_loop()
    ours, theirs = socket.socketpair()

    async def work() -> int:
        await asyncio.sleep(0.01)
        done = await asyncio.to_thread(lambda: 41)
        own.call_later(60.0, print, "never")
        own.add_reader(ours.fileno(), print, "never")
        own.call_soon(print, "never")
        return done + 1

    try:
        assert own.run_until_complete(work()) == 42
        wake = qt_parts(own, QTimer)
    finally:
        own.close()
        ours.close()
        theirs.close()
    assert own.is_closed() and not own.is_running()
    assert len(wake) == 1 and not wake[0].isActive()  # type: ignore[attr-defined]
    assert all(not n.isEnabled() for n in qt_parts(own, QSocketNotifier))  # type: ignore[attr-defined]


def test_a_removed_reader_is_not_called_and_a_reused_descriptor_is_read(
    loop: asyncio.AbstractEventLoop, qtbot: QtBot
) -> None:
    first, peer = socket.socketpair()
    number = first.fileno()
    calls: list[str] = []
    loop.add_reader(number, calls.append, "first")
    peer.sendall(b"x")
    qtbot.waitUntil(lambda: bool(calls), timeout=5_000)
    assert loop.remove_reader(number)
    calls.clear()
    qtbot.wait(50)  # a readable socket whose reader was removed: nothing may come
    assert calls == []
    first.close()
    peer.close()
    again, peer = socket.socketpair()  # the lowest free descriptor: most likely the same
    loop.add_reader(again.fileno(), calls.append, "again")
    peer.sendall(b"y")
    qtbot.waitUntil(lambda: calls == ["again"] or len(calls) > 1, timeout=5_000)
    assert loop.remove_reader(again.fileno())
    assert set(calls) == {"again"}
    again.close()
    peer.close()

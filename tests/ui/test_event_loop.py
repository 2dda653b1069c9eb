"""The window's loop (#19): asyncio's scheduling over one Qt timer (callbacks in order,
timed ones never early, cancelled ones dropped, not left with Qt), and one socket notifier
per socket however often reading is paused and resumed (anyio does both for every chunk
of a download), losing no byte."""

from __future__ import annotations

import asyncio
import os
import socket
import time

import pytest
from PySide6.QtCore import QAbstractEventDispatcher, QEventLoop, QObject
from pytestqt.qtbot import QtBot

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
    assert len(loop._scheduled) < 100  # type: ignore[attr-defined]


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


def test_a_modal_loop_opened_by_a_callback_runs_every_other_callback_once(
    loop: asyncio.AbstractEventLoop, qtbot: QtBot
) -> None:
    """A callback may open a modal dialog, which runs a Qt loop of its own until it is
    closed: the callbacks queued behind it and those scheduled meanwhile still run, each
    once, and nothing goes wrong when the dialog closes."""
    ran: list[str] = []
    reported: list[object] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: reported.append(context))

    def open_modal() -> None:
        ran.append("opened")
        modal = QEventLoop()
        loop.call_soon(ran.append, "while open")
        loop.call_later(0.05, modal.quit)
        modal.exec()
        ran.append("closed")

    try:
        loop.call_soon(open_modal)
        loop.call_soon(ran.append, "queued behind")
        qtbot.waitUntil(lambda: "closed" in ran, timeout=5_000)
        qtbot.wait(20)
    finally:
        loop.set_exception_handler(previous)
    assert sorted(ran) == ["closed", "opened", "queued behind", "while open"]
    assert reported == []


def test_paused_and_resumed_reading_keeps_one_notifier_and_every_byte(
    loop: asyncio.AbstractEventLoop, qtbot: QtBot
) -> None:
    ours, theirs = socket.socketpair()
    notifiers: set[int] = set()

    async def read(rounds: int) -> bytes:
        transport, protocol = await loop.connect_accepted_socket(_Chunks, ours)
        for n in range(rounds):
            protocol.arrived.clear()
            theirs.sendall(b"%05d" % n)
            transport.resume_reading()
            await protocol.arrived.wait()
            notifiers.add(id(loop._reader_notifiers[ours.fileno()]))  # type: ignore[attr-defined]
        transport.close()
        return bytes(protocol.data)

    task = loop.create_task(read(200))
    qtbot.waitUntil(task.done, timeout=10_000)
    assert task.result() == b"".join(b"%05d" % n for n in range(200))
    assert len(notifiers) == 1
    theirs.close()


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

"""The window's loop keeps one socket notifier per socket however often reading is paused
and resumed (anyio does both for every chunk of a download), and loses no byte (#19)."""

from __future__ import annotations

import asyncio
import os
import socket

import pytest
from pytestqt.qtbot import QtBot

pytestmark = pytest.mark.skipif(os.name == "nt", reason="a proactor loop has no readers")


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

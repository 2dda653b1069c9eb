"""The client against the simulator over real sockets: answers, errors, and retry rules."""

from __future__ import annotations

import socket
import threading

import pytest

from desktop_app.api.client import CLIENT_REQUEST_ID_HEADER, GENERATIONS_PATH
from desktop_app.api.errors import (
    ApiError,
    BadResponseError,
    KeyRefusedError,
    NetworkError,
    NoCreditsError,
    NotFoundError,
    RateLimitedError,
    RequestRejectedError,
    ServerError,
)
from desktop_app.domain.request import GenerationRequest, InvalidRequestError, Resolution
from desktop_app.simulator import Fault, Simulator
from tests.conftest import make_client, run

REQUEST = GenerationRequest(
    prompt="character1 waves at the camera",
    video_urls=("https://example.com/a.mp4",),
    resolution=Resolution.HD,
    duration=5,
)


def posts(sim: Simulator) -> int:
    return sim.count("POST", GENERATIONS_PATH)


def test_create_then_get(sim: Simulator) -> None:
    async def scenario() -> None:
        client = make_client(sim.base_url)
        try:
            created = await client.create(REQUEST, "req-1")
            assert created.status == "queued"
            assert created.credits_used == 5 * 210_000
            polled = await client.get(created.id)
            assert polled.id == created.id
            assert polled.status in ("queued", "generating", "completed")
        finally:
            await client.aclose()

    run(scenario())
    post = next(r for r in sim.requests if r.method == "POST")
    assert post.headers["authorization"] == "Bearer test-key-5b0c9e7d1f2a4c38"
    assert post.headers[CLIENT_REQUEST_ID_HEADER.lower()] == "req-1"
    assert b'"duration": 5' in post.body
    assert b"aspect_ratio" not in post.body


def test_invalid_request_is_never_sent(sim: Simulator) -> None:
    bad = GenerationRequest(prompt="p", video_urls=("file:///tmp/a.mp4",))

    async def scenario() -> None:
        client = make_client(sim.base_url)
        try:
            with pytest.raises(InvalidRequestError):
                await client.create(bad, "req")
        finally:
            await client.aclose()

    run(scenario())
    assert sim.requests == []


@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        (
            Fault("create", status=400, message="Body validation error\n[prompt] Required"),
            RequestRejectedError,
        ),
        (Fault("create", status=403), NoCreditsError),
        (Fault("create", status=404), NotFoundError),
        (Fault("create", status=503), ServerError),
        (Fault("create", status=200, body="<html>captive portal</html>"), BadResponseError),
    ],
)
def test_create_errors_are_typed_and_never_resent(
    sim: Simulator, fault: Fault, kind: type[Exception]
) -> None:
    sim.add_fault(fault)

    async def scenario() -> Exception:
        client = make_client(sim.base_url)
        try:
            with pytest.raises(kind) as raised:
                await client.create(REQUEST, "req")
            return raised.value
        finally:
            await client.aclose()

    error = run(scenario())
    assert posts(sim) == 1
    if fault.body is None:
        assert error.request_id  # the service's requestId reaches the user


def test_wrong_key_is_refused(sim: Simulator) -> None:
    async def scenario() -> KeyRefusedError:
        client = make_client(sim.base_url, key="wrong-key")
        try:
            with pytest.raises(KeyRefusedError) as raised:
                await client.create(REQUEST, "req")
            return raised.value
        finally:
            await client.aclose()

    error = run(scenario())
    assert error.status == 401
    assert "refused the API key" in error.explain()
    assert "wrong-key" not in error.explain()


def test_create_retries_429_obeying_retry_after(sim: Simulator) -> None:
    sim.add_fault(Fault("create", status=429, retry_after="1", times=1))

    async def scenario() -> str:
        client = make_client(sim.base_url)
        try:
            return (await client.create(REQUEST, "req")).id
        finally:
            await client.aclose()

    run(scenario())
    first, second = (r for r in sim.requests if r.method == "POST")
    assert second.at - first.at >= 1.0
    assert posts(sim) == 2


def test_create_gives_up_on_429_with_a_long_retry_after(sim: Simulator) -> None:
    sim.add_fault(Fault("create", status=429, retry_after="3600"))

    async def scenario() -> None:
        client = make_client(sim.base_url)
        try:
            with pytest.raises(RateLimitedError) as raised:
                await client.create(REQUEST, "req")
            assert raised.value.retry_after == 3600
        finally:
            await client.aclose()

    run(scenario())
    assert posts(sim) == 1


def test_post_dropped_after_the_body_was_read_is_not_resent(sim: Simulator) -> None:
    sim.add_fault(Fault("create", drop=True))

    async def scenario() -> None:
        client = make_client(sim.base_url)
        try:
            with pytest.raises(NetworkError) as raised:
                await client.create(REQUEST, "req")
            assert raised.value.sent is True
            assert "may or may not" in raised.value.explain()
        finally:
            await client.aclose()

    run(scenario())
    assert posts(sim) == 1


def test_post_that_never_left_is_retried_then_reported() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    waits: list[float] = []

    async def record_wait(seconds: float) -> None:
        waits.append(seconds)

    async def scenario() -> None:
        client = make_client(f"http://127.0.0.1:{closed_port}", sleep=record_wait)
        try:
            with pytest.raises(NetworkError) as raised:
                await client.create(REQUEST, "req")
            assert raised.value.sent is False
            assert "never left" in raised.value.explain()
        finally:
            await client.aclose()

    run(scenario())
    assert len(waits) == 3  # four tries in all


def test_a_poll_is_one_request_and_each_fault_a_typed_error(sim: Simulator) -> None:
    """The client does not retry polls itself: the job service's one back-off does."""
    faults = [
        (Fault("poll", status=502), ServerError),
        (Fault("poll", drop=True), NetworkError),
        (Fault("poll", status=200, body="{not json", content_type="application/json"),
         BadResponseError),
        (Fault("poll", status=429, retry_after="7"), RateLimitedError),
    ]  # fmt: skip

    async def scenario() -> list[Exception]:
        client = make_client(sim.base_url)
        raised = []
        try:
            created = await client.create(REQUEST, "req")
            for fault, _ in faults:
                sim.add_fault(fault)
                with pytest.raises(ApiError) as error:
                    await client.get(created.id)
                raised.append(error.value)
            assert (await client.get(created.id)).id == created.id
            with pytest.raises(NotFoundError):
                await client.get("no-such-generation")
        finally:
            await client.aclose()
        return raised

    raised = run(scenario())
    assert [type(e) for e in raised] == [kind for _, kind in faults]
    assert isinstance(raised[3], RateLimitedError) and raised[3].retry_after == 7
    assert sim.count("GET", GENERATIONS_PATH) == len(faults) + 2


def test_retry_after_holds_every_request_of_the_client(sim: Simulator) -> None:
    """A 429 is the account's limit: no request of any job leaves before it has passed."""

    async def scenario() -> None:
        client = make_client(sim.base_url)
        try:
            created = await client.create(REQUEST, "req")
            sim.add_fault(Fault("poll", status=429, retry_after="1"))
            with pytest.raises(RateLimitedError):
                await client.get(created.id)
            await client.get(created.id)  # another job's poll, say
            await client.balance()
        finally:
            await client.aclose()

    run(scenario())
    polls = [r.at for r in sim.requests if r.method == "GET"]
    assert len(polls) == 3
    assert polls[1] - polls[0] >= 0.95
    assert polls[2] >= polls[1]


@pytest.mark.parametrize(
    "head",
    [b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", b"HTTP/1.1 200 OK\r\nX-Slow: "],
    ids=["body", "headers"],
)
def test_an_answer_that_trickles_in_ends_at_its_deadline(head: bytes) -> None:
    """A server that sends a byte every 0.3 s (of its body, or of its headers) never trips
    the per-read timeout: the whole answer's deadline ends the request (sent: the service
    may have it)."""
    stop = threading.Event()
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]

        def trickle() -> None:
            connection, _ = server.accept()
            with connection:
                connection.recv(65536)
                connection.sendall(head)
                while not stop.wait(0.3):
                    try:
                        connection.sendall(b"a")
                    except OSError:
                        return

        thread = threading.Thread(target=trickle, daemon=True)
        thread.start()

        async def scenario() -> None:
            client = make_client(f"http://127.0.0.1:{port}", answer_deadline=1.0)
            try:
                with pytest.raises(NetworkError) as raised:
                    await client.balance()  # without the deadline: 1000 bytes, 300 s
                assert raised.value.sent is True
                assert "did not come in whole in time" in raised.value.explain()
            finally:
                await client.aclose()

        try:
            run(scenario())
        finally:
            stop.set()
            thread.join(timeout=5)

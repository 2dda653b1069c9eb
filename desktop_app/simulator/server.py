"""Simulator: the generation endpoints (API.md) and a CDN, on 127.0.0.1, over real HTTP.

Timing is configurable (seconds instead of minutes) and faults can be scripted per route:
error statuses with their bodies, Retry-After, dropped connections, garbage bodies,
downloads cut mid-way, ignored Range headers. Every request is recorded for tests.
"""

from __future__ import annotations

import json
import logging
import socket
import struct
import threading
import time
import uuid
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from desktop_app.simulator.ids import GenerationRecord, decode_id, encode_id, link_signature
from desktop_app.simulator.validation import body_problems

log = logging.getLogger(__name__)

GENERATIONS_PATH = "/v2/video/generations"
Route = Literal["create", "poll", "cdn", "generation"]

_MESSAGES = {
    400: "Body validation error",
    401: "This request requires a valid API key. Get yours at https://aimlapi.com/app/keys",
    403: "You've run out of credits. Top up your balance to continue.",
    404: "Not found",
    429: "Too Many Requests",
    500: "Internal server error",
    502: "Bad gateway",
    503: "The model is under maintenance. Please try again later.",
    504: "Generation timeout",
}
CREDITS_PER_SECOND = {"720p": 210_000, "1080p": 315_000}


@dataclass
class Fault:
    """One scripted misbehaviour, used for the next `times` requests on its route.

    route "generation" does not change an HTTP answer: the next created generation ends
    in `error` with `message`.
    """

    route: Route
    status: int | None = None
    message: str | None = None
    retry_after: str | None = None
    body: str | None = None
    content_type: str = "text/html"
    drop: bool = False
    """Read the request, then close the connection without an answer."""
    drop_after_bytes: int | None = None
    ignore_range: bool = False
    times: int = 1


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass(frozen=True)
class SimulatorConfig:
    api_key: str | None = "demo"
    """The only key accepted; None accepts any non-empty key."""
    queued_seconds: float = 4.0
    generating_seconds: float = 16.0
    link_ttl_seconds: float = 24 * 3600
    clip: Path | None = None
    cdn_bytes_per_second: int | None = None
    samples: tuple[Path, ...] = ()


@dataclass
class _State:
    faults: list[Fault] = field(default_factory=list)
    requests: list[RecordedRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-answer is normal here (drops, interrupted downloads).
        log.debug("simulator: connection from %s ended abruptly", client_address, exc_info=True)


class Simulator:
    def __init__(self, config: SimulatorConfig, *, host: str = "127.0.0.1", port: int = 0) -> None:
        if config.clip is None:
            from desktop_app.resources import resource

            config = replace(config, clip=resource("demo.mp4"))
        self.config = config
        self._state = _State()
        handler = type("Handler", (_Handler,), {"sim": self})
        self._server = _Server((host, port), handler)
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> Simulator:
        """Serve from a background thread (in-process use: demo mode, tests)."""
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="wan-studio-simulator", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- scripting and inspection (thread-safe) --------------------------------------------

    def add_fault(self, fault: Fault) -> None:
        with self._state.lock:
            self._state.faults.append(fault)

    def take_fault(self, route: Route) -> Fault | None:
        with self._state.lock:
            for fault in self._state.faults:
                if fault.route == route:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._state.faults.remove(fault)
                    return fault
        return None

    def record(self, request: RecordedRequest) -> None:
        with self._state.lock:
            self._state.requests.append(request)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._state.lock:
            return list(self._state.requests)

    def count(self, method: str, path_prefix: str) -> int:
        return sum(
            1 for r in self.requests if r.method == method and r.path.startswith(path_prefix)
        )

    # -- the service's behaviour -----------------------------------------------------------

    def new_generation(self, body: dict[str, Any]) -> GenerationRecord:
        failure = self.take_fault("generation")
        return GenerationRecord(
            created=time.time(),
            queued_seconds=self.config.queued_seconds,
            generating_seconds=self.config.generating_seconds,
            duration=int(body.get("duration", 10)),
            resolution=str(body.get("resolution", "1080p")),
            failure=(failure.message or "The generation failed.") if failure else None,
        )

    def describe(self, generation_id: str, record: GenerationRecord, host: str) -> dict[str, Any]:
        elapsed = time.time() - record.created
        credits = CREDITS_PER_SECOND.get(record.resolution, 315_000) * record.duration
        answer: dict[str, Any] = {
            "id": generation_id,
            "status": "queued",
            "video": None,
            "error": None,
            "meta": {"usage": {"credits_used": credits}},
        }
        if elapsed >= record.queued_seconds:
            answer["status"] = "generating"
        if elapsed >= record.queued_seconds + record.generating_seconds:
            if record.failure:
                answer["status"] = "error"
                answer["error"] = {"name": "GenerationFailed", "message": record.failure}
                answer["meta"] = None
            else:
                answer["status"] = "completed"
                answer["video"] = {"url": self.signed_link(generation_id, host)}
        return answer

    def signed_link(self, generation_id: str, host: str) -> str:
        expires = int(time.time() + self.config.link_ttl_seconds)
        signature = link_signature(generation_id, expires)
        return (
            f"http://{host}/cdn/{generation_id}.mp4?Expires={expires}"
            f"&OSSAccessKeyId=SIMULATOR&Signature={signature}"
        )


class _Handler(BaseHTTPRequestHandler):
    sim: Simulator
    protocol_version = "HTTP/1.1"
    server_version = "WanStudioSimulator/1"

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("simulator: " + format, *args)

    # -- plumbing --------------------------------------------------------------------------

    def _read_and_record(self) -> tuple[str, dict[str, list[str]], bytes]:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.sim.record(
            RecordedRequest(
                self.command,
                parts.path,
                parse_qs(parts.query),
                {k.lower(): v for k, v in self.headers.items()},
                body,
                time.time(),
            )
        )
        return parts.path, parse_qs(parts.query), body

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(data).encode(), "application/json", headers)

    def _error(
        self, status: int, message: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        request_id = uuid.uuid4().hex
        self._json(
            status,
            {
                "message": message or _MESSAGES.get(status, HTTPStatus(status).phrase),
                "path": GENERATIONS_PATH,
                "requestId": request_id,
                "statusCode": status,
                "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
            },
            {"X-Request-Id": request_id, **(headers or {})},
        )

    def _drop(self, *, reset: bool = True) -> None:
        """Close the connection: with a reset, or (reset=False) cleanly after what was sent."""
        self.close_connection = True
        try:
            self.wfile.flush()
            if reset:
                linger = struct.pack("ii", 1, 0)
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _apply_fault(self, fault: Fault | None) -> bool:
        """Answer as the fault says; True when it fully answered."""
        if fault is None:
            return False
        if fault.drop:
            self._drop()
            return True
        if fault.body is not None:
            self._send(fault.status or 200, fault.body.encode(), fault.content_type)
            return True
        if fault.status is not None:
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else None
            self._error(fault.status, fault.message, headers)
            return True
        return False

    def _authorized(self) -> bool:
        header = self.headers.get("Authorization", "")
        scheme, _, key = header.partition(" ")
        expected = self.sim.config.api_key
        ok = scheme == "Bearer" and bool(key.strip()) and (expected is None or key == expected)
        if not ok:
            self._error(401)
        return ok

    # -- routes ----------------------------------------------------------------------------

    def do_POST(self) -> None:
        path, _, raw = self._read_and_record()
        if path != GENERATIONS_PATH:
            self._error(404, f"Cannot POST {path}")
            return
        if self._apply_fault(self.sim.take_fault("create")) or not self._authorized():
            return
        try:
            body = json.loads(raw)
        except ValueError:
            self._error(400, "Body validation error\n[body] Expected JSON")
            return
        problems = body_problems(body)
        if problems:
            self._error(400, "Body validation error\n" + "\n".join(problems))
            return
        generation_id = encode_id(self.sim.new_generation(body))
        credits = CREDITS_PER_SECOND[body.get("resolution", "1080p")] * body.get("duration", 10)
        self._json(
            201,
            {"id": generation_id, "status": "queued", "meta": {"usage": {"credits_used": credits}}},
        )

    def do_GET(self) -> None:
        path, query, _ = self._read_and_record()
        if path == GENERATIONS_PATH:
            self._poll(query)
        elif path.startswith("/cdn/"):
            self._cdn(path, query)
        elif path.startswith("/samples/"):
            self._sample(path)
        else:
            self._error(404, f"Cannot GET {path}")

    def do_HEAD(self) -> None:
        path, _, _ = self._read_and_record()
        if path.startswith("/samples/"):
            self._sample(path)
        else:
            self._error(404)

    def _poll(self, query: dict[str, list[str]]) -> None:
        if self._apply_fault(self.sim.take_fault("poll")) or not self._authorized():
            return
        generation_id = (query.get("generation_id") or [""])[0]
        record = decode_id(generation_id)
        if record is None:
            self._error(404, "Generation not found")
            return
        host = self.headers.get("Host", f"127.0.0.1:{self.sim.port}")
        self._json(200, self.sim.describe(generation_id, record, host))

    def _cdn(self, path: str, query: dict[str, list[str]]) -> None:
        fault = self.sim.take_fault("cdn")
        if fault is not None and (fault.drop or fault.status or fault.body is not None):
            self._apply_fault(fault)
            return
        generation_id = path.removeprefix("/cdn/").removesuffix(".mp4")
        expires_text = (query.get("Expires") or [""])[0]
        signature = (query.get("Signature") or [""])[0]
        valid = (
            expires_text.isdigit()
            and decode_id(generation_id) is not None
            and signature == link_signature(generation_id, int(expires_text))
        )
        if not valid or int(expires_text) < time.time():
            self._send(403, b"<Error><Code>AccessDenied</Code></Error>", "application/xml")
            return
        assert self.sim.config.clip is not None
        self._serve_file(self.sim.config.clip, fault)

    def _sample(self, path: str) -> None:
        name = path.removeprefix("/samples/")
        for sample in self.sim.config.samples:
            if sample.name == name:
                self._serve_file(sample, None)
                return
        self._error(404)

    def _serve_file(self, file: Path, fault: Fault | None) -> None:
        data = file.read_bytes()
        start = 0
        range_header = self.headers.get("Range", "")
        if range_header.startswith("bytes=") and not (fault and fault.ignore_range):
            first = range_header.removeprefix("bytes=").split("-", 1)[0]
            start = int(first) if first.isdigit() else 0
            if start >= len(data):
                self._send(416, b"", "text/plain", {"Content-Range": f"bytes */{len(data)}"})
                return
        body = data[start:]
        self.send_response(206 if start else 200)
        self.send_header("Content-Type", "video/mp4")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.end_headers()
        if self.command == "HEAD":
            return
        cut = fault.drop_after_bytes if fault else None
        self._stream(body if cut is None else body[:cut])
        if cut is not None:
            self._drop(reset=False)

    def _stream(self, body: bytes) -> None:
        rate = self.sim.config.cdn_bytes_per_second
        if rate is None:
            self.wfile.write(body)
            return
        step = max(1024, rate // 20)
        started = time.monotonic()
        for offset in range(0, len(body), step):
            self.wfile.write(body[offset : offset + step])
            self.wfile.flush()
            # Pace the stream like a slow network link (the simulated CDN's bandwidth).
            due = started + (offset + step) / rate
            time.sleep(max(0.0, due - time.monotonic()))

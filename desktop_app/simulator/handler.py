"""The simulator's HTTP handler: routes, the service's error bodies, faults, the CDN."""

from __future__ import annotations

import json
import logging
import socket
import struct
import time
import uuid
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import parse_qs, urlsplit

from desktop_app.simulator.account import CATALOGUE, Accepted, etag_of
from desktop_app.simulator.ids import decode_id, encode_id, link_signature
from desktop_app.simulator.records import (
    GENERATIONS_PATH,
    Fault,
    RecordedRequest,
    Route,
    reported_credits,
)
from desktop_app.simulator.validation import body_problems

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from desktop_app.simulator.server import Simulator

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


class SimulatorHandler(BaseHTTPRequestHandler):
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
        headers = dict(headers or {})
        self.send_response(status)
        self.send_header("Content-Type", headers.pop("Content-Type", content_type))
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
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
        if fault is None or fault.accept_then_drop:
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
        fault = self.sim.take_fault("create")
        if self._apply_fault(fault) or not self._authorized():
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
        record = self.sim.new_generation(body)
        self.sim.render_ahead(record)
        generation_id = encode_id(record)
        client_request_id = self.headers.get("X-Client-Request-Id")
        self.sim.account.accept(Accepted(time.time(), generation_id, client_request_id, record))
        if fault is not None and fault.accept_then_drop:
            self._drop()
            return
        credits = reported_credits(
            record.model, str(body.get("resolution", "1080p")), int(body.get("duration", 10))
        )
        headers = _usage_headers(generation_id, credits)
        reported: object = credits
        if fault is not None:
            headers.update(fault.answer_headers)
            reported = credits if fault.answer_credits is None else fault.answer_credits
        self._json(
            201,
            {
                "id": generation_id,
                "status": "queued",
                "meta": {"usage": {"credits_used": reported}},
            },
            headers,
        )

    def do_GET(self) -> None:
        path, query, _ = self._read_and_record()
        if path == GENERATIONS_PATH:
            with self.sim.answering():
                self._poll(query)
        elif path in _ACCOUNT_ROUTES:
            self._account(path, query)
        elif path.startswith("/cdn/"):
            self._cdn(path, query)
        elif path.startswith("/samples/"):
            self._sample(path)
        elif path.startswith("/local/"):
            self._local(path)
        elif path == "/redirect":
            self._redirect(query)
        else:
            self._error(404, f"Cannot GET {path}")

    def do_HEAD(self) -> None:
        path, query, _ = self._read_and_record()
        if path.startswith("/samples/"):
            self._sample(path)
        elif path == "/redirect":
            self._redirect(query)
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
        answer = self.sim.describe(generation_id, record, host)
        credits = ((answer.get("meta") or {}).get("usage") or {}).get("credits_used") or 0
        self._json(200, answer, _usage_headers(generation_id, credits))

    def _account(self, path: str, query: dict[str, list[str]]) -> None:
        route, needs_key = _ACCOUNT_ROUTES[path]
        if self._apply_fault(self.sim.take_fault(route)):
            return
        if needs_key and not self._authorized():
            return
        account = self.sim.account
        if route == "catalogue":
            wanted = set(query.get("id", []))
            entries = [
                e for e in CATALOGUE["data"] if not wanted or wanted & {e["id"], *e["aliases"]}
            ]
            self._cacheable({"data": entries})
        elif route == "deprecations":
            self._cacheable(account.deprecations(), {"Cache-Control": "max-age=300"})
        elif route == "balance":
            self._json(200, account.balance())
        elif route == "ledger":
            self._json(200, account.ledger(query))
        else:
            self._json(200, account.log(query))

    def _cacheable(self, body: Any, headers: dict[str, str] | None = None) -> None:
        """Answer with an ETag, or 304 when the client already has this version."""
        etag = etag_of(body)
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self._json(200, body, {"ETag": etag, **(headers or {})})

    def _cdn(self, path: str, query: dict[str, list[str]]) -> None:
        fault = self.sim.take_fault("cdn")
        if fault is not None and fault.redirect_loop:
            self._send(302, b"", "text/plain", {"Location": self.path})  # to itself
            return
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
        record = decode_id(generation_id)
        assert record is not None
        self._serve_file(self.sim.clip_for(record), fault)

    def _redirect(self, query: dict[str, list[str]]) -> None:
        """A host that sends its visitor elsewhere (`/redirect?to=URL`), with a cookie."""
        self._send(
            302, b"", "text/plain",
            {"Location": (query.get("to") or ["/"])[0], "Set-Cookie": "visitor=1; Path=/"},
        )  # fmt: skip

    def _local(self, path: str) -> None:
        """A clip from this computer, served in demo mode (`Simulator.serve_local`)."""
        token = path.removeprefix("/local/").partition("/")[0]
        clip = self.sim.local_clip(token)
        if clip is None or not clip.is_file():
            self._error(404)
            return
        self._serve_file(clip, None)

    def _sample(self, path: str) -> None:
        name = path.removeprefix("/samples/")
        for sample in self.sim.config.samples:
            if sample.name == name:
                self._serve_file(sample, None)
                return
        self._error(404)

    def _serve_file(self, file: Path, fault: Fault | None) -> None:
        """Serve a file, or its tail for a Range request, streamed from disk."""
        size = file.stat().st_size
        start = 0
        range_header = self.headers.get("Range", "")
        if range_header.startswith("bytes=") and not (fault and fault.ignore_range):
            first = range_header.removeprefix("bytes=").split("-", 1)[0]
            start = int(first) if first.isdigit() else 0
            if start >= size:
                self._send(416, b"", "text/plain", {"Content-Range": f"bytes */{size}"})
                return
        self.send_response(206 if start else 200)
        self.send_header("Content-Type", "video/mp4")
        announced = fault.announce_length if fault and fault.announce_length else None
        self.send_header("Content-Length", str(announced or size - start))
        self.send_header("Accept-Ranges", "bytes")
        if start:
            self.send_header("Content-Range", f"bytes {start}-{size - 1}/{size}")
        for name, value in fault.answer_headers if fault else ():
            self.send_header(name, value)
        self.end_headers()
        if self.command == "HEAD":
            return
        cut = fault.drop_after_bytes if fault else None
        with file.open("rb") as source, self.sim.sending_clip():
            source.seek(start)
            self._stream(source, size - start if cut is None else min(cut, size - start))
        if cut is not None or announced:
            self._drop(reset=False)

    def _stream(self, source: BinaryIO, length: int) -> None:
        """Copy `length` bytes to the client, paced when the CDN has a bandwidth set."""
        rate = self.sim.config.cdn_bytes_per_second
        step = max(1024, rate // 20) if rate else 1 << 20
        started = time.monotonic()
        sent = 0
        while sent < length:
            chunk = source.read(min(step, length - sent))
            if not chunk:
                break
            self.wfile.write(chunk)
            sent += len(chunk)
            if rate:
                self.wfile.flush()
                # Pace the stream like a slow network link (the simulated CDN's bandwidth).
                time.sleep(max(0.0, started + sent / rate - time.monotonic()))


_ACCOUNT_ROUTES: dict[str, tuple[Route, bool]] = {
    "/v1/models": ("catalogue", False),
    "/v1/models/deprecations": ("deprecations", False),
    "/v2/billing": ("balance", True),
    "/v2/billing/transactions": ("ledger", True),
    "/v2/logs": ("logs", True),
}
"""Path: (fault route, whether the key is required)."""


def _usage_headers(generation_id: str, credits: int) -> dict[str, str]:
    return {
        "x-inference-id": generation_id,
        "x-aimlapi-credits-used": str(credits),
        "x-aimlapi-usd-spent": f"{credits / 2_000_000:.6f}",
    }

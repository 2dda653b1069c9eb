"""Simulator: the generation endpoints (API.md) and a CDN, on 127.0.0.1, over real HTTP.

It also keeps an account (simulator/account.py): price catalogue, balance, request log,
ledger and deprecation feed. Timing is configurable (seconds instead of minutes) and
faults can be scripted per route:
error statuses with their bodies, Retry-After, dropped connections, garbage bodies,
downloads cut mid-way, ignored Range headers. Every request is recorded for tests.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

from desktop_app.domain.models import WAN_26
from desktop_app.simulator.account import Account
from desktop_app.simulator.handler import SimulatorHandler
from desktop_app.simulator.ids import GenerationRecord, link_signature
from desktop_app.simulator.records import Fault, RecordedRequest, Route, reported_credits

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SimulatorConfig:
    api_key: str | None = "wan-studio-demo"
    """The only key accepted; None accepts any non-empty key."""
    queued_seconds: float = 4.0
    generating_seconds: float = 16.0
    link_ttl_seconds: float = 24 * 3600
    clip: Path | None = None
    cdn_bytes_per_second: int | None = None
    samples: tuple[Path, ...] = ()
    starting_balance: float = 100.0
    ledger_delay_seconds: float = 2.0
    """How long after completing a generation its charge lands in the ledger."""
    log_delay_seconds: float = 0.0
    """How long an accepted request takes to show in the request log."""
    deprecation: dict[str, Any] | None = None
    """The deprecation feed's entry for the model, when it is to be deprecated."""
    answer_delay_seconds: float = 0.0
    """How long the API takes over each answer (not the CDN's)."""
    log_model_name: str | None = None
    """How the request log names the model."""
    status_words: dict[str, str] = field(default_factory=dict)
    """Status words answered in place of the contract's (`{"completed": "Succeeded"}`)."""
    render_folder: Path | None = None
    """Demo mode: clips are drawn in the shape each request asks for, and kept here."""
    account_file: Path | None = None
    """Demo mode: the accepted generations, kept so the balance and the ledger (and a job
    running across a restart) survive the app's restart."""


@dataclass
class _State:
    faults: list[Fault] = field(default_factory=list)
    requests: list[RecordedRequest] = field(default_factory=list)
    in_flight: int = 0
    peak_in_flight: int = 0
    clips_sending: int = 0
    peak_clips_sending: int = 0
    faults_taken: list[tuple[Route, float]] = field(default_factory=list)
    local_clips: dict[str, Path] = field(default_factory=dict)
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
        self.account = Account(
            starting_balance=config.starting_balance,
            ledger_delay=config.ledger_delay_seconds,
            log_delay=config.log_delay_seconds,
            deprecation=config.deprecation,
            log_model_name=config.log_model_name,
            kept_in=config.account_file,
        )
        self.account.load()
        handler = type("Handler", (SimulatorHandler,), {"sim": self})
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

    def serve_local(self, path: Path) -> str:
        """A link at which this simulator serves `path` (demo mode's local clips)."""
        token = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:24]
        with self._state.lock:
            self._state.local_clips[token] = path
        return f"{self.base_url}/local/{token}/{quote(path.name)}"

    def local_clip(self, token: str) -> Path | None:
        with self._state.lock:
            return self._state.local_clips.get(token)

    def clear_faults(self) -> None:
        """Behave again from now on (faults not yet used are dropped)."""
        with self._state.lock:
            self._state.faults.clear()

    def take_fault(self, route: Route) -> Fault | None:
        with self._state.lock:
            for fault in self._state.faults:
                if fault.route == route:
                    self._state.faults_taken.append((route, time.time()))
                    fault.times -= 1
                    if fault.times <= 0:
                        self._state.faults.remove(fault)
                    return fault
        return None

    def record(self, request: RecordedRequest) -> None:
        with self._state.lock:
            self._state.requests.append(request)

    @contextmanager
    def answering(self) -> Iterator[None]:
        """Count an API request as in flight while it is answered (see peak_in_flight)."""
        with self._state.lock:
            self._state.in_flight += 1
            self._state.peak_in_flight = max(self._state.peak_in_flight, self._state.in_flight)
        try:
            time.sleep(self.config.answer_delay_seconds)
            yield
        finally:
            with self._state.lock:
                self._state.in_flight -= 1

    @contextmanager
    def sending_clip(self) -> Iterator[None]:
        """Count a clip download while its bytes are sent (see peak_clips_sending)."""
        with self._state.lock:
            self._state.clips_sending += 1
            self._state.peak_clips_sending = max(
                self._state.peak_clips_sending, self._state.clips_sending
            )
        try:
            yield
        finally:
            with self._state.lock:
                self._state.clips_sending -= 1

    @property
    def peak_clips_sending(self) -> int:
        """The most clips it was sending at once."""
        with self._state.lock:
            return self._state.peak_clips_sending

    def fault_taken_at(self, route: Route) -> float | None:
        """When a scripted fault on `route` was first used (wall-clock time)."""
        with self._state.lock:
            return next((at for r, at in self._state.faults_taken if r == route), None)

    @property
    def peak_in_flight(self) -> int:
        """The most API requests it was answering at once."""
        with self._state.lock:
            return self._state.peak_in_flight

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
            model=str(body.get("model", WAN_26.id)),
            aspect_ratio=str(body.get("aspect_ratio", "16:9")),
        )

    def clip_for(self, record: GenerationRecord) -> Path:
        """The clip a finished generation delivers: one of the shape it asked for, in demo
        mode (`render_folder`), else the configured clip."""
        folder = self.config.render_folder
        if folder is None:
            assert self.config.clip is not None
            return self.config.clip
        from desktop_app.simulator.rendering import rendered_clip

        return rendered_clip(folder, record.duration, record.resolution, record.aspect_ratio)

    def render_ahead(self, record: GenerationRecord) -> None:
        """Draw the clip while the generation "renders", so it is there when asked for."""
        if self.config.render_folder is not None:
            threading.Thread(
                target=self.clip_for, args=(record,), name="demo-render", daemon=True
            ).start()

    def describe(self, generation_id: str, record: GenerationRecord, host: str) -> dict[str, Any]:
        elapsed = time.time() - record.created
        credits = reported_credits(record.model, record.resolution, record.duration)
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
        answer["status"] = self.config.status_words.get(answer["status"], answer["status"])
        return answer

    def signed_link(self, generation_id: str, host: str) -> str:
        expires = int(time.time() + self.config.link_ttl_seconds)
        signature = link_signature(generation_id, expires)
        return (
            f"http://{host}/cdn/{generation_id}.mp4?Expires={expires}"
            f"&OSSAccessKeyId=SIMULATOR&Signature={signature}"
        )

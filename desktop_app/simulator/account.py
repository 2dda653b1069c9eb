"""The simulator's account side (API.md section 4): the price catalogue, the balance, the
request log and the ledger of charges, and the deprecation feed.

What was accepted is kept in memory: a restarted simulator starts with a fresh account.
Charges land in the ledger some seconds after a generation completes, at the catalogue's
price, which is not what `meta.usage` said (as on the real service, the ledger is the
word that counts). Log rows appear after a delay, like the provider's analytics pipeline.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop_app.domain.models import WAN_26, WAN_27, ModelSpec
from desktop_app.simulator.ids import GenerationRecord, decode_id
from desktop_app.simulator.records import USD_PER_SECOND, charge_usd

MODEL_ID = WAN_26.id
CREDITS_PER_USD = 2_000_000


def _catalogue_entry(model: ModelSpec, prices: dict[str, float]) -> dict[str, Any]:
    return {
        "id": model.id,
        "aliases": [a for a in model.aliases if not a[0].isdigit()],
        "type": "video",
        "info": {"name": f"{model.short_name} Reference-to-Video", "developer": "Alibaba"},
        "tags": ["video", "reference-to-video"],
        "pricing": {
            "kind": "variants",
            "dimensions": ["resolution"],
            "variants": [
                {"when": {"resolution": r}, "price": p, "unit": "second", "per": 1}
                for r, p in prices.items()
            ],
        },
    }


CATALOGUE: dict[str, Any] = {
    "data": [_catalogue_entry(m, USD_PER_SECOND[m.id]) for m in (WAN_26, WAN_27)]
}


def iso(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_iso(text: str) -> float | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def etag_of(body: Any) -> str:
    return '"' + hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16] + '"'


@dataclass(frozen=True)
class Accepted:
    """A POST the service accepted (and logged): what the log and the ledger know of it."""

    at: float
    generation_id: str
    client_request_id: str | None
    record: GenerationRecord

    @property
    def completes_at(self) -> float:
        return self.at + self.record.queued_seconds + self.record.generating_seconds

    @property
    def charge_usd(self) -> float:
        record = self.record
        return charge_usd(record.model, record.resolution, record.duration)


@dataclass
class Account:
    starting_balance: float = 100.0
    ledger_delay: float = 2.0
    log_delay: float = 0.0
    deprecation: dict[str, Any] | None = None
    log_model_name: str | None = None
    """How the request log names every model (a live log has named 2.6 otherwise); None:
    each row by its own model's id."""
    accepted: list[Accepted] = field(default_factory=list)
    refunds: dict[str, float] = field(default_factory=dict)
    """Generation id: dollars refunded, a REFUND entry just after its charge."""
    other_charges: int = 0
    """Charges of other generations, newer than every job's own (a busy account)."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    kept_in: Path | None = None
    """A file that keeps the accepted generations (one JSON line each) across restarts."""

    def accept(self, entry: Accepted) -> None:
        with self.lock:
            self.accepted.append(entry)
            if self.kept_in is not None:
                line = [entry.at, entry.generation_id, entry.client_request_id]
                self.kept_in.parent.mkdir(parents=True, exist_ok=True)
                with self.kept_in.open("a", encoding="utf-8") as kept:
                    kept.write(json.dumps(line) + "\n")

    def load(self) -> None:
        """The generations accepted before a restart (lines that do not read are skipped)."""
        if self.kept_in is None or not self.kept_in.is_file():
            return
        for line in self.kept_in.read_text(encoding="utf-8").splitlines():
            try:
                at, generation_id, client_request_id = json.loads(line)
                record = decode_id(generation_id)
            except (ValueError, TypeError):
                continue
            if record is not None:
                self.accepted.append(Accepted(float(at), generation_id, client_request_id, record))

    def pass_time(self, seconds: float) -> None:
        """As if `seconds` more had passed since every generation was accepted: the
        ledger's and the log's delays go by without being waited for (tests)."""
        with self.lock:
            self.accepted = [replace(a, at=a.at - seconds) for a in self.accepted]

    def _charged(self, now: float) -> list[Accepted]:
        with self.lock:
            return [
                a
                for a in self.accepted
                if a.record.failure is None and a.completes_at + self.ledger_delay <= now
            ]

    def balance(self) -> dict[str, Any]:
        charged = self._charged(time.time())
        spent = sum(a.charge_usd - self.refunds.get(a.generation_id, 0.0) for a in charged)
        return {"current_balance": round(self.starting_balance - spent, 6), "currency": "USD"}

    def ledger(self, query: dict[str, list[str]]) -> dict[str, Any]:
        """Newest first, filtered by time, `direction` and `type` as documented."""
        now = time.time()
        start = _time_param(query, "from")
        end = _time_param(query, "to")
        with self.lock:
            newest = max((a.completes_at for a in self.accepted), default=now)
        every = [
            *(_entry(a.generation_id, a.completes_at + self.ledger_delay, a.charge_usd,
                     model=a.record.model)
              for a in self._charged(now)),
            *(_entry(a.generation_id, a.completes_at + self.ledger_delay + 1, usd, "REFUND",
                     model=a.record.model)
              for a in self._charged(now) if (usd := self.refunds.get(a.generation_id))),
            *(_entry(f"other-{n}", newest + self.ledger_delay + 2 + n / 1000, 0.75)
              for n in range(self.other_charges)),
        ]  # fmt: skip
        wanted = {name: set(query.get(name, [])) for name in ("direction", "type")}
        entries = [
            e
            for e in sorted(every, key=lambda e: -parse_iso_or_zero(e["created_at"]))
            if (start is None or parse_iso_or_zero(e["created_at"]) >= start)
            and (end is None or parse_iso_or_zero(e["created_at"]) <= end)
            and all(not values or e[name] in values for name, values in wanted.items())
        ]
        offset = int((query.get("cursor") or ["0"])[0] or 0)
        limit = _limit(query)
        page = entries[offset : offset + limit]
        more = offset + limit < len(entries)
        return {
            "data": page,
            "pagination": {"has_more": more, "next_cursor": str(offset + limit) if more else None},
        }

    def log(self, query: dict[str, list[str]]) -> dict[str, Any]:
        now = time.time()
        with self.lock:
            visible = [a for a in self.accepted if a.at + self.log_delay <= now]
        models = query.get("model") or []
        start = _time_param(query, "start")
        period = (query.get("period") or [""])[0]
        if start is None and period:
            start = now - {"24h": 86_400, "7d": 7 * 86_400}.get(period, 86_400)
        rows = [
            {
                "created": iso(a.at),
                "status": "succeeded",
                "origin": "api",
                "model": self.log_model_name or a.record.model,
                "cost": {"usd": 0, "credits": 0},
                "tokens": None,
                "request_id": a.generation_id[-16:],
                "inference_id": a.generation_id,
                "client_request_id": a.client_request_id,
            }
            for a in sorted(visible, key=lambda a: -a.at)
            if (not models or (self.log_model_name or a.record.model) in models)
            and (start is None or a.at >= start)
        ]
        offset = int((query.get("offset") or ["0"])[0] or 0)
        return {"data": rows[offset : offset + _limit(query)]}

    def deprecations(self) -> dict[str, Any]:
        return {"data": [self.deprecation] if self.deprecation else []}


def _entry(
    reference_id: str, at: float, usd: float, kind: str = "MODEL_USAGE", *, model: str = MODEL_ID
) -> dict[str, Any]:
    refund = kind == "REFUND"
    return {
        "id": f"tx-{kind[:1]}-{reference_id[-12:]}",
        "created_at": iso(at),
        "direction": "TOPUP" if refund else "CHARGE",
        "type": kind,
        "amount": {"usd": usd, "credits": round(usd * CREDITS_PER_USD)},
        "model": model,
        "reference_id": reference_id,
    }


def parse_iso_or_zero(text: str) -> float:
    return parse_iso(text) or 0.0


def _limit(query: dict[str, list[str]]) -> int:
    text = (query.get("limit") or ["50"])[0]
    return max(1, min(100, int(text))) if text.isdigit() else 50


def _time_param(query: dict[str, list[str]], name: str) -> float | None:
    values = query.get(name)
    return parse_iso(values[0]) if values else None

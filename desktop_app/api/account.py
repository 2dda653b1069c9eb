"""Typed views of the account endpoints (API.md section 4): the catalogue's price table,
the balance, ledger entries, request-log rows and the deprecation feed.

Every parser takes what the server sent as untrusted: wrong types, missing fields and odd
values give None or MalformedBodyError, never a crash.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from desktop_app.api.response import MalformedBodyError
from desktop_app.domain.pricing import MIN_USD_PER_UNIT, PriceTable, PriceVariant

MAX_TEXT = 300


def entries_of(body: Any) -> list[Mapping[str, Any]]:
    """The list of entries in an answer: a bare list, or under `data`/`models`/`items`."""
    if isinstance(body, Mapping):
        for name in ("data", "models", "items", "transactions", "logs"):
            if isinstance(body.get(name), list):
                body = body[name]
                break
    if not isinstance(body, list):
        raise MalformedBodyError("the answer has no list of entries")
    return [e for e in body if isinstance(e, Mapping)]


def names_model(entry: Mapping[str, Any], model_id: str) -> bool:
    aliases = entry.get("aliases")
    names = {entry.get("id"), *(aliases if isinstance(aliases, list) else [])}
    return model_id in names


def price_table(body: Any, model_id: str) -> PriceTable | None:
    """The model's price table from a catalogue answer; None when it is not listed."""
    for entry in entries_of(body):
        if names_model(entry, model_id):
            return _table(entry.get("pricing"))
    return None


def _table(pricing: Any) -> PriceTable:
    if not isinstance(pricing, Mapping):
        return PriceTable("variable")
    kind = str(pricing.get("kind", ""))
    if kind == "variants":
        rows, unit_key = pricing.get("variants"), "unit"
    elif kind == "fixed":
        # Documented as {"name": "second", "measure": "output", "price", "per"}: the unit
        # is its name. Only what the clip itself is billed by (its output) quotes it.
        rows, unit_key = pricing.get("units"), "name"
    else:
        return PriceTable("variable")
    found, refused = [], 0
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, Mapping) and row.get("measure", "output") != "output":
            continue  # billed by what goes in (references): not what a quote adds up
        variant = _variant(row, unit_key)
        if variant is None:
            refused += 1
        else:
            found.append(variant)
    return PriceTable(kind, tuple(found), refused)


def _variant(row: Any, unit_key: str) -> PriceVariant | None:
    if not isinstance(row, Mapping):
        return None
    price, per = _number(row.get("price")), _number(row.get("per", 1))
    when = row.get("when") if isinstance(row.get("when"), Mapping) else {}
    # A price under the floor (0 and less included) is no price: it would quote a paid
    # clip as free, and let any number of them past a daily limit.
    if price is None or per is None or per <= 0 or not isinstance(when, Mapping):
        return None
    if price / per < MIN_USD_PER_UNIT:
        return None
    pairs = tuple(sorted((str(k), str(v)) for k, v in when.items()))
    return PriceVariant(pairs, price, str(row.get(unit_key, "")), per)


def _number(value: Any) -> float | None:
    """A finite number, from a JSON number or a numeric string; None for anything else
    (NaN and infinities included)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def balance_usd(body: Any) -> float:
    if isinstance(body, Mapping):
        value = _number(body.get("current_balance", body.get("balance")))
        if value is not None:
            return value
    raise MalformedBodyError("the answer has no balance")


def timestamp(value: Any) -> float | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    return str(value)[:MAX_TEXT] if isinstance(value, str | int) and value != "" else None


@dataclass(frozen=True)
class LedgerEntry:
    reference_id: str | None
    direction: str
    type: str
    usd: float | None
    credits: int | None
    created_at: float | None


@dataclass(frozen=True)
class LedgerPage:
    entries: tuple[LedgerEntry, ...]
    next_cursor: str | None


def ledger_page(body: Any) -> LedgerPage:
    entries = []
    for e in entries_of(body):
        raw_amount = e.get("amount")
        amount: Mapping[str, Any] = raw_amount if isinstance(raw_amount, Mapping) else {}
        credits = _number(amount.get("credits"))
        entries.append(
            LedgerEntry(
                reference_id=_text(e.get("reference_id")),
                direction=str(e.get("direction", "")),
                type=str(e.get("type", "")),
                usd=_number(amount.get("usd")),
                credits=int(credits) if credits is not None else None,
                created_at=timestamp(e.get("created_at")),
            )
        )
    pagination = body.get("pagination") if isinstance(body, Mapping) else None
    cursor = None
    if isinstance(pagination, Mapping) and pagination.get("has_more"):
        cursor = _text(pagination.get("next_cursor"))
    return LedgerPage(tuple(entries), cursor)


@dataclass(frozen=True)
class LogRow:
    client_request_id: str | None
    inference_id: str | None
    status: str
    created: float | None


def log_rows(body: Any) -> list[LogRow]:
    return [
        LogRow(
            client_request_id=_text(r.get("client_request_id")),
            inference_id=_text(r.get("inference_id")),
            status=str(r.get("status", ""))[:40],
            created=timestamp(r.get("created")),
        )
        for r in entries_of(body)
    ]


@dataclass(frozen=True)
class Deprecation:
    status: str
    replaced_by: str | None
    shutdown_at: str | None
    reason: str | None


def deprecation_of(body: Any, model_id: str) -> Deprecation | None:
    for entry in entries_of(body):
        status = entry.get("status")
        if names_model(entry, model_id) and status in ("deprecated", "superseded", "withdrawn"):
            return Deprecation(
                str(status),
                _text(entry.get("replaced_by")),
                _text(entry.get("shutdown_at")),
                _text(entry.get("reason")),
            )
    return None


def query_pairs(params: Mapping[str, str | Sequence[str] | None]) -> list[tuple[str, str]]:
    """Query parameters, a list value repeated (the log's `model` is never comma-joined)."""
    pairs: list[tuple[str, str]] = []
    for name, value in params.items():
        if value is None:
            continue
        for item in [value] if isinstance(value, str) else value:
            pairs.append((name, item))
    return pairs

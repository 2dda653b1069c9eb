"""Prices: the provider's price table for the model, what a request costs by it, and a
quote that always says where its number came from.

A quote's source is the provider's catalogue (what is charged), an estimate from the
creator's own history, or unknown. The ledger, once it speaks, has the last word.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from desktop_app.domain.errors import InvalidInputError
from desktop_app.domain.money import format_usd
from desktop_app.domain.request import GenerationRequest


class PriceSource(StrEnum):
    CATALOGUE = "catalogue"
    """The provider's published price for this model: what it charges."""
    HISTORY = "history"
    """An estimate: the average of earlier jobs with the same resolution and duration."""
    UNKNOWN = "unknown"


SOURCE_WORDS = {
    PriceSource.CATALOGUE: "the provider's price list",
    PriceSource.HISTORY: "estimate from your history",
    PriceSource.UNKNOWN: "price unknown",
}

MIN_USD_PER_UNIT = 0.001
"""No video is priced below a tenth of a cent a second or a clip (Wan 2.6 costs about $0.15
a second): a catalogue price under it is no price."""

PER_SECOND_UNITS = frozenset({"second", "seconds", "sec", "s"})
PER_CLIP_UNITS = frozenset({"video", "generation", "request", "clip", "item"})


@dataclass(frozen=True)
class PriceVariant:
    """One row of a price table: `price` USD per `per` `unit`, when the request matches."""

    when: tuple[tuple[str, str], ...]
    price: float
    unit: str
    per: float = 1.0

    def cost(self, request: GenerationRequest) -> float | None:
        if self.per <= 0:
            return None
        if self.unit.lower() in PER_SECOND_UNITS:
            return self.price * request.effective_duration / self.per
        if self.unit.lower() in PER_CLIP_UNITS:
            return self.price / self.per
        return None


@dataclass(frozen=True)
class PriceTable:
    """The catalogue's `pricing` for the model: `fixed`, `variants`, or `variable`."""

    kind: str
    rows: tuple[PriceVariant, ...] = ()
    refused: int = 0
    """Rows of the answer that failed the price rules (not a number, under the floor)."""

    @property
    def follows_the_rules(self) -> bool:
        """Every row passed the price rules (a `variable` table has none to pass): a kept
        answer with a refused row is asked for anew, never revalidated."""
        return self.refused == 0 and (self.kind == "variable" or bool(self.rows))

    def usd_for(self, request: GenerationRequest) -> float | None:
        """What one clip of `request` costs, or None when the table cannot say."""
        if self.kind == "variable":
            return None
        facts = request_dimensions(request)
        for row in self.rows:
            if all(facts.get(name) == value for name, value in row.when):
                usd = row.cost(request)
                return usd if usd is not None and 0 < usd < math.inf else None
        return None


def request_dimensions(request: GenerationRequest) -> Mapping[str, str]:
    """The request as a price table's `when` names it, with the service's defaults."""
    return {
        "resolution": request.effective_resolution.value,
        "duration": str(request.effective_duration),
        "aspect_ratio": str(request.aspect_ratio or "16:9"),
    }


@dataclass(frozen=True)
class Quote:
    """What `count` clips will cost, and where that number comes from."""

    usd: float | None
    source: PriceSource
    count: int = 1

    @classmethod
    def unknown(cls, count: int = 1) -> Quote:
        return cls(None, PriceSource.UNKNOWN, count)

    def short(self) -> str:
        """For a button: "$0.75", "about $0.80", or "price unknown"."""
        if self.usd is None:
            return "price unknown"
        prefix = "about " if self.source is PriceSource.HISTORY else ""
        return prefix + format_usd(self.usd)

    def explain(self) -> str:
        """For a tooltip or a terminal: the number, how many clips, and its source."""
        if self.usd is None:
            return (
                "The price is unknown: the provider's price list could not be read and "
                "there is no earlier job like this one to estimate from"
            )
        clips = f" for {self.count} clips" if self.count > 1 else ""
        return f"{self.short()}{clips} ({SOURCE_WORDS[self.source]})"


Pricer = Callable[[GenerationRequest, int], Quote]
"""Quotes `count` clips of a request."""


class SpendingLimitError(InvalidInputError):
    """Sending would take today's spending past the daily limit; nothing was sent."""


def check_daily_limit(
    limit_usd: float, spent_today_usd: float, cost_usd: float, *, priced: bool = True
) -> None:
    """Raise SpendingLimitError when `cost_usd` would take today past `limit_usd` (0 = off).
    `priced` False: the cost counts the highest price seen for requests with no price."""
    if limit_usd <= 0 or spent_today_usd + cost_usd <= limit_usd + 1e-9:
        return
    cost = format_usd(cost_usd) if priced else f"up to {format_usd(cost_usd)} (no price is known)"
    raise SpendingLimitError(
        f"Not sent: it would cost {cost}, and {format_usd(max(spent_today_usd, 0.0))}"
        f" is already spent or running today, past your daily limit of "
        f"{format_usd(limit_usd)}. Raise or turn off the limit in Settings to send it."
    )

"""Spending: what today and this session cost, and the daily limit's guard, which decides
inside the journal's write transaction whether new jobs may be journaled (and so sent).

The guard counts a request at its quote; with no price known at all, at the most this
model has been seen to cost for that resolution and duration; with nothing seen, it
refuses: an unknown price never slips past a limit.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime

from desktop_app.domain.money import format_usd
from desktop_app.domain.pricing import Quote, SpendingLimitError, check_daily_limit
from desktop_app.domain.request import GenerationRequest
from desktop_app.journal.job_journal import Admission
from desktop_app.journal.money import SpendingSnapshot
from desktop_app.journal.queries import HistoryQueries
from desktop_app.settings import SettingsFile


def start_of_today(now: float | None = None) -> float:
    """When "today" began: 00:00 UTC. One definition for every process, whatever time zone
    it runs in (the daily limit would otherwise count the same jobs differently)."""
    day = datetime.fromtimestamp(time.time() if now is None else now, UTC)
    return day.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()


class Spending:
    def __init__(
        self, history: HistoryQueries, settings_file: SettingsFile, *, session_start: float
    ) -> None:
        self._history = history
        self._settings_file = settings_file
        self._session_start = session_start

    def today_usd(self) -> float:
        return self._history.spent_usd(start_of_today())

    def session_usd(self) -> float:
        return self._history.spent_usd(self._session_start)

    def daily_limit(self) -> float | None:
        """Today's limit in dollars; None when there is none (or the settings cannot be
        read: the guard says so when it matters)."""
        settings, problems = self._settings_file.read()
        limit = settings.daily_spend_limit_usd
        return None if problems or limit <= 0 else limit

    def left_today(self) -> float | None:
        """Dollars left under today's limit; None when there is no limit."""
        limit = self.daily_limit()
        return None if limit is None else max(0.0, limit - self.today_usd())

    def admission(
        self, requests: Sequence[GenerationRequest], quotes: Sequence[Quote]
    ) -> Admission:
        """The check the journal runs in the transaction that journals `requests`. The
        settings are read afresh first: the window and the command line share them, and
        settings that cannot be read raise SettingsError (nothing is sent)."""
        limit = self._settings_file.money().daily_spend_limit_usd

        def admit(spent: SpendingSnapshot) -> list[float | None]:
            counted = [
                quote.usd if quote.usd is not None else _ceiling(request, spent, limit)
                for request, quote in zip(requests, quotes, strict=True)
            ]
            if limit > 0:
                priced = all(q.usd is not None for q in quotes)
                cost = sum(c or 0.0 for c in counted)
                check_daily_limit(limit, spent.spent_since(start_of_today()), cost, priced=priced)
            return counted

        return admit


def _ceiling(request: GenerationRequest, spent: SpendingSnapshot, limit: float) -> float | None:
    """With a limit set and no price known: the highest price seen for a clip like it."""
    if limit <= 0:
        return None
    resolution, duration = request.effective_resolution.value, request.effective_duration
    highest = spent.highest_price_usd(request.model, resolution, duration)
    if highest is None:
        raise SpendingLimitError(
            f"Not sent: the price of this request is unknown (the provider's price list "
            f"could not be read, and no earlier {_model_name(request)} {resolution}, {duration} s "
            "job gives one), "
            f"so your daily limit of {format_usd(limit)} cannot be checked. Try again when "
            "the price list can be read, or turn the limit off in Settings."
        )
    return highest


def _model_name(request: GenerationRequest) -> str:
    return request.spec.short_name if request.spec else request.model

"""Spending: what today, this session and all time cost, and the daily limit's guard that
refuses a submission before anything is sent."""

from __future__ import annotations

import time
from datetime import datetime

from desktop_app.domain.pricing import Quote, check_daily_limit
from desktop_app.settings import SettingsFile
from desktop_app.store.queries import HistoryQueries


def start_of_today(now: float | None = None) -> float:
    day = datetime.fromtimestamp(time.time() if now is None else now)
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

    def guard(self, quote: Quote) -> None:
        """Raise SpendingLimitError when `quote` would pass today's limit (read afresh: the
        window's Settings and the command line share it)."""
        limit = self._settings_file.load().daily_spend_limit_usd
        check_daily_limit(limit, self.today_usd(), quote)

"""BalanceWatch: the account's balance from `GET /v2/billing`, asked at most once a minute
however often it is wanted (at start, when a job ends, on request)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from desktop_app.api.client import ApiClient
from desktop_app.domain.errors import WanStudioError

log = logging.getLogger(__name__)

MIN_INTERVAL = 60.0


@dataclass(frozen=True)
class Balance:
    usd: float | None
    """None: unknown (the last check failed, `problem` says why)."""
    checked_at: float
    problem: str | None = None


class BalanceWatch:
    def __init__(self, client: ApiClient, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._clock = clock
        self._asked_at: float | None = None
        self.current: Balance | None = None

    async def refresh(self, *, force: bool = False) -> Balance | None:
        """Ask the service for the balance, unless it was asked less than a minute ago
        (`force`: a charge landed, the balance has moved)."""
        now = self._clock()
        if not force and self._asked_at is not None and now - self._asked_at < MIN_INTERVAL:
            return self.current
        self._asked_at = now
        try:
            usd = await self._client.balance()
        except WanStudioError as error:
            log.info("balance not known: %s", error.explain())
            known = self.current.usd if self.current else None
            self.current = Balance(known, time.time(), error.explain())
        else:
            self.current = Balance(usd, time.time())
        return self.current

"""How a follow paces itself: the poll interval, and the one back-off policy it uses when
polls or downloads keep failing (growing waits, capped, one jitter, Retry-After obeyed)."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class FollowSettings:
    poll_interval: float = 15.0
    first_poll_delay: float = 5.0
    max_backoff: float = 120.0
    """No wait after failures is longer than this (two minutes), but a Retry-After."""
    backoff_intervals: float = 8.0
    """...nor longer than this many poll intervals: a short outage delays the result by a
    few polls, not minutes."""
    give_up_after: float | None = 900.0
    """Seconds of failures in a row before a follow stops (None: never)."""
    keep_trying: bool = False
    """Back off and retry through a refused key and failed downloads too (the window,
    where a creator can fix the key while the job waits), instead of stopping."""
    link_refreshes: int = 3
    longest_follow: float = 2 * 3600.0
    """Seconds after it was accepted (or followed again) before a job with no end stops
    being followed by itself."""
    not_found_grace: float = 900.0
    """Seconds of "not found" in a row before an accepted job is given up as lost: a
    service can hide a new generation for a moment, and it renders (and bills) it anyway."""
    progress_every: float = 0.5
    """Seconds between journal writes of download progress."""
    downloads_at_once: int = 2
    """Clips downloaded at the same time; the others wait their turn. Many jobs ending
    together (a batch of variations, a long queue) would otherwise each stream at once,
    none faster for it, and their bytes would take the loop the window paints from."""


POLL_SPREAD = 0.25
"""Each wait between polls is its length plus up to a quarter more, drawn anew each time
(never sooner: one poll per interval at most): jobs sent together drift apart within a
few polls, so their answers do not all arrive, and take the loop, at once."""


def spread(seconds: float) -> float:
    return seconds * random.uniform(1.0, 1.0 + POLL_SPREAD)


class Backoff:
    """Failures in a row for one follow: how long each earns, and when to give up."""

    def __init__(self, settings: FollowSettings) -> None:
        self._settings = settings
        self._failures = 0
        self._since: float | None = None

    def failed(self, retry_after: float | None = None) -> float:
        """Count a failure; the seconds to wait before the next try."""
        self._failures += 1
        if self._since is None:
            self._since = time.monotonic()
        settings = self._settings
        grown = settings.poll_interval * 2.0 ** min(self._failures, 10)
        cap = min(settings.poll_interval * settings.backoff_intervals, settings.max_backoff)
        wait = min(grown, cap) * random.uniform(0.9, 1.0)
        return max(wait, retry_after or 0.0)

    def succeeded(self) -> None:
        self._failures, self._since = 0, None

    def gives_up(self) -> bool:
        limit = self._settings.give_up_after
        return (
            limit is not None
            and self._since is not None
            and time.monotonic() - self._since >= limit
        )

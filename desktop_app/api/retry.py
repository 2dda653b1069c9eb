"""Backoff with jitter, capped, that obeys a server's Retry-After."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    """Tries in all, the first included."""
    base_delay: float = 1.0
    max_delay: float = 60.0
    """No single wait is longer; a Retry-After beyond it means: give up now."""

    def delay(self, retry_number: int, retry_after: float | None = None) -> float | None:
        """How long to wait before retry `retry_number` (1-based), or None to give up."""
        if retry_number >= self.attempts:
            return None
        if retry_after is not None and retry_after > self.max_delay:
            return None
        backoff: float = min(self.max_delay, self.base_delay * 2.0 ** (retry_number - 1))
        jittered = backoff * random.uniform(0.5, 1.0)
        return max(jittered, retry_after or 0.0)

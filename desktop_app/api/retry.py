"""How many times a request is tried, and how long between: the one growing wait
(`domain.course.Growth`), capped, jittered, obeying a server's Retry-After."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.domain.course import Growth


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
        growth = Growth(first=self.base_delay, cap=self.max_delay, jitter=0.5)
        return growth.wait(retry_number, retry_after)

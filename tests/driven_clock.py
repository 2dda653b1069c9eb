"""A wall clock the test drives: it moves only when the code under test sleeps on it, so an
hour of growing waits passes at once, and the waits themselves can be checked."""

from __future__ import annotations

import asyncio
import time


class DrivenClock:
    def __init__(self, now: float | None = None) -> None:
        self.now = time.time() if now is None else now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Move the clock on by `seconds`, and let the loop run once (as a sleep would)."""
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)

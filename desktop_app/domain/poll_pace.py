"""When to poll a running job, learned from how long jobs like it took.

A 5-minute job polled every 15 s from the start costs ~20 GETs, though the history knows
how long this model, resolution and duration usually take. With at least `MIN_LIKE` jobs
like it, the first poll waits until a little before the fastest usual end (never more
than `CoursePolicy.longest_first_wait` at a time), polls come every few seconds across the
usual ends, and they stretch out, up to the creator's interval, when the job runs long.

The window starts at the 10th percentile, not the median: a job that ends before its first
poll is known late, and at the median half of them would be. Jobs sent near the same time
of day are preferred (the service's queue is longer at some hours than at others).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.domain.course import CoursePolicy

MIN_LIKE = 3
"""Jobs like this one it takes to learn from: fewer, and polls keep the creator's pace."""
NEWEST = 20
"""Only the newest jobs like this one count: the service's speed drifts."""
SAME_HOURS = 2.0
"""Jobs sent within this many hours of the time of day (either side) are "at this time"."""
STRETCH = 0.25
"""Past the usual ends, each wait grows by a quarter of the time overrun."""


@dataclass(frozen=True)
class RenderTime:
    """How long one job took at the service: from being accepted to its clip's link."""

    sent_at: float
    """When it was accepted (seconds since the epoch)."""
    seconds: float


@dataclass(frozen=True)
class PollPace:
    interval: float
    """The creator's poll interval: no wait after the usual end is longer."""
    near: float
    """The wait between polls across the usual ends."""
    longest_first_wait: float
    usual_end: tuple[float, float] | None
    """Seconds after acceptance between which jobs like this one usually end; None: no
    history to learn from (polls keep the creator's pace)."""

    @classmethod
    def learned(cls, times: Sequence[RenderTime], now: float, policy: CoursePolicy) -> PollPace:
        """The pace for a job sent at `now`, from the render times of jobs like it (any
        order)."""
        near = min(policy.near_end_interval, policy.poll_interval)
        plain = cls(policy.poll_interval, near, policy.longest_first_wait, None)
        usable = [t for t in times if math.isfinite(t.seconds) and t.seconds > 0]
        if not policy.learn_pace or len(usable) < MIN_LIKE:
            return plain
        at_this_hour = [t for t in usable if _hours_apart(t.sent_at, now) <= SAME_HOURS]
        chosen = at_this_hour if len(at_this_hour) >= MIN_LIKE else usable
        newest = sorted(chosen, key=lambda t: t.sent_at)[-NEWEST:]
        seconds = sorted(t.seconds for t in newest)
        early = seconds[math.floor(0.1 * (len(seconds) - 1))]
        late = seconds[math.ceil(0.9 * (len(seconds) - 1))]
        return cls(policy.poll_interval, near, policy.longest_first_wait,
                   (max(0.0, early - near), late + near))  # fmt: skip

    def wait(self, elapsed: float) -> float:
        """Seconds until the next poll of a job accepted `elapsed` seconds ago."""
        if self.usual_end is None:
            return self.interval
        start, end = self.usual_end
        if elapsed < start:
            return min(start - elapsed, self.longest_first_wait)
        if elapsed <= end:
            return self.near
        return min(self.interval, self.near + STRETCH * (elapsed - end))


def _hours_apart(a: float, b: float) -> float:
    """Hours between two moments' times of day (UTC), the short way round the clock."""
    apart = abs(a - b) % 86400.0 / 3600.0
    return min(apart, 24.0 - apart)

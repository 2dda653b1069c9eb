"""The course of a job in numbers: every timing number of a job's course in one frozen
policy (the window builds one, the command line another), the one growing wait that every
retrying loop uses, and whether a job still needs its course to run.

Nothing here reads a clock by itself: the times come in as arguments, or through a clock
handed to `Backoff`."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from desktop_app.domain.errors import ErrorKind
from desktop_app.domain.job import LOG_HORIZON_S, Job, JobState

DEFAULT_POLL_INTERVAL = 15.0
"""Seconds between polls of a running job, unless the creator sets another pace."""
POLL_SPREAD = 0.25
"""Each wait between polls is its length plus up to a quarter more, drawn anew each time
(never sooner: one poll per interval at most): jobs sent together drift apart within a
few polls, so their answers do not all arrive, and take the loop, at once."""


def spread(seconds: float, at_most: float = math.inf) -> float:
    """`seconds` and up to a quarter more (at most `at_most` more)."""
    return seconds + min(seconds * POLL_SPREAD, at_most) * random.uniform(0.0, 1.0)


@dataclass(frozen=True)
class Growth:
    """Waits that grow: `first`, then `factor` times the one before, never over `cap`; each
    drawn up to `jitter` (a share) shorter, so that loops started together drift apart. A
    server's Retry-After longer than the wait wins."""

    first: float
    cap: float
    factor: float = 2.0
    jitter: float = 0.0

    def wait(self, tries: int, retry_after: float | None = None) -> float:
        """The wait after the `tries`-th failure (or look) in a row, 1-based."""
        grown = min(self.cap, self.first * self.factor ** min(max(tries, 1) - 1, 64))
        if self.jitter:
            grown *= random.uniform(1.0 - self.jitter, 1.0)
        return max(grown, retry_after or 0.0)


class Backoff:
    """Failures in a row for one loop: the wait each earns, and when to give up."""

    def __init__(
        self, growth: Growth, clock: Callable[[], float], give_up_after: float | None = None
    ) -> None:
        """`clock`: a monotonic clock (injected: tests drive it)."""
        self._growth = growth
        self._clock = clock
        self._give_up_after = give_up_after
        self._failures = 0
        self._since: float | None = None

    def failed(self, retry_after: float | None = None) -> float:
        """Count a failure; the seconds to wait before the next try."""
        self._failures += 1
        if self._since is None:
            self._since = self._clock()
        return self._growth.wait(self._failures, retry_after)

    def succeeded(self) -> None:
        self._failures, self._since = 0, None

    def gives_up(self) -> bool:
        limit = self._give_up_after
        return (
            limit is not None and self._since is not None and self._clock() - self._since >= limit
        )


@dataclass(frozen=True)
class CoursePolicy:
    """Every timing number of a job's course, in seconds unless named otherwise."""

    # -- polling a running job
    poll_interval: float = DEFAULT_POLL_INTERVAL
    first_poll_delay: float = 5.0
    """The first poll's wait when the history knows nothing like the job (see `learned`)."""
    learn_pace: bool = True
    """Poll when the history says a job like this one is likely to be done (poll_pace.py)."""
    near_end_interval: float = 5.0
    """The wait between polls around the end the history expects (never over the
    poll interval)."""
    longest_first_wait: float = 120.0
    """No wait before the expected end is longer than this, whatever the history says."""
    # -- failures while following
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
    not_found_grace: float = 900.0
    """Seconds of "not found" in a row before an accepted job is given up as lost: a
    service can hide a new generation for a moment, and it renders (and bills) it anyway."""
    longest_follow: float = 2 * 3600.0
    """Seconds after it was accepted (or followed again) before a job with no end stops
    being followed by itself."""
    # -- saving the clip
    link_refreshes: int = 3
    downloads_at_once: int = 2
    """Clips downloaded at the same time; the others wait their turn. Many jobs ending
    together (a batch of variations, a long queue) would otherwise each stream at once,
    none faster for it, and their bytes would take the loop the window paints from."""
    progress_every: float = 0.5
    """Seconds between journal writes of download progress."""
    download_floor: float = 128 * 1024
    """Bytes a second below which a download is too slow: its deadline is
    `download_grace` plus its size at this speed."""
    download_grace: float = 120.0
    download_attempts: int = 6
    """Tries of one download through dropped connections, the first included."""
    download_first_wait: float = 1.0
    download_max_wait: float = 30.0
    # -- a submission whose answer was lost, settled from the request log
    log_horizon: float = LOG_HORIZON_S
    """Seconds after a submission before "not in the log" means "never received"."""
    log_first_wait: float = 2.0
    log_max_wait: float = 60.0
    # -- the charge, from the ledger
    charge_first_wait: float = 5.0
    charge_max_wait: float = 300.0
    charge_look_for: float = 3600.0
    """Seconds after the job ended during which its charge is looked for."""
    charge_failed_confirm_after: float = 600.0
    """A failed job with no charge in the ledger this long after it ended: not charged."""

    @classmethod
    def paced(
        cls,
        poll_interval: float,
        *,
        keep_trying: bool,
        log_horizon: float = LOG_HORIZON_S,
    ) -> CoursePolicy:
        """The policy of one process: the window keeps trying through every failure; the
        command line gives up after a quarter of an hour of them."""
        return cls(
            poll_interval=poll_interval,
            first_poll_delay=min(cls.first_poll_delay, poll_interval),
            keep_trying=keep_trying,
            give_up_after=None if keep_trying else cls.give_up_after,
            log_horizon=log_horizon,
        )

    @property
    def follow_growth(self) -> Growth:
        """Polls and downloads that keep failing: two intervals, doubling, capped."""
        cap = min(self.poll_interval * self.backoff_intervals, self.max_backoff)
        return Growth(first=2 * self.poll_interval, cap=cap, jitter=0.1)

    @property
    def log_growth(self) -> Growth:
        return Growth(first=self.log_first_wait, cap=self.log_max_wait)

    @property
    def charge_growth(self) -> Growth:
        return Growth(first=self.charge_first_wait, cap=self.charge_max_wait)

    def download_deadline(self, total_bytes: int | None) -> float:
        """Seconds a download of `total_bytes` may take before it is too slow."""
        return self.download_grace + (total_bytes or 0) / self.download_floor

    def charge_wanted(self, job: Job, now: float) -> bool:
        """The job ended (or was given up after hours with no end), reached the service,
        its charge is not known yet, and it ended recently enough to look for it."""
        given_up = job.error is not None and job.error.kind is ErrorKind.NO_END
        return (
            (job.state.ended_at_the_service or given_up)
            and job.generation_id is not None
            and job.charged_credits is None
            and now - ended_at(job) < self.charge_look_for
        )

    def needs_course(self, job: Job, now: float) -> bool:
        """Some part of the job's course is still to run: settling its submission,
        following it to the clip, or finding its charge."""
        return (
            job.state is JobState.UNKNOWN
            or (job.state.is_followable and job.followed)
            or self.charge_wanted(job, now)
        )


def ended_at(job: Job) -> float:
    """When the job ended (its last change, for a job given up with no end)."""
    return job.finished_at or job.completed_at or job.updated_at

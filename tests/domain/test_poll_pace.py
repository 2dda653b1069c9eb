"""The pace of polls learned from the history: few GETs for a job like the ones before,
its clip known soon after it is ready, and no learning from too little or from garbage."""

from __future__ import annotations

import math

from desktop_app.domain.course import CoursePolicy
from desktop_app.domain.poll_pace import PollPace, RenderTime

POLICY = CoursePolicy()  # 15 s interval, 5 s around the usual end, first waits ≤ 120 s
NOON = 1_790_000_000.0 - 1_790_000_000.0 % 86400 + 12 * 3600


def five_minute_jobs(count: int = 8, at: float = NOON) -> list[RenderTime]:
    return [RenderTime(at - 86400 * (i + 1), 290.0 + 3 * i) for i in range(count)]


def follow(pace: PollPace, ready_at: float) -> tuple[int, float]:
    """Poll a job that is ready `ready_at` seconds after it was accepted, at `pace`: the
    GETs it costs, and how long after it was ready it is known."""
    elapsed, gets = 0.0, 0
    while True:
        elapsed += pace.wait(elapsed)
        gets += 1
        if elapsed >= ready_at:
            return gets, elapsed - ready_at


def test_a_five_minute_job_like_the_ones_before_costs_at_most_ten_gets() -> None:
    pace = PollPace.learned(five_minute_jobs(), NOON, POLICY)
    assert pace.usual_end is not None
    gets, late = follow(pace, ready_at=300.0)
    assert gets <= 10 and late <= 5.0
    plain_gets, _ = follow(PollPace.learned([], NOON, POLICY), ready_at=300.0)
    assert plain_gets == 20  # every 15 s from the start, as before


def test_no_wait_before_the_usual_end_is_longer_than_two_minutes() -> None:
    hour_long = [RenderTime(NOON - 3600 * i, 3600.0) for i in range(5)]
    pace = PollPace.learned(hour_long, NOON, POLICY)
    assert pace.wait(0.0) == 120.0


def test_a_job_that_runs_long_is_polled_more_slowly_but_known_within_one_interval() -> None:
    pace = PollPace.learned(five_minute_jobs(), NOON, POLICY)
    waits = [pace.wait(t) for t in range(330, 1200, 7)]
    assert waits == sorted(waits) and max(waits) == POLICY.poll_interval
    for ready_at in (400.0, 650.0, 1000.0):
        _, late = follow(pace, ready_at)
        assert late <= POLICY.poll_interval


def test_the_time_of_days_queue_is_preferred() -> None:
    night = [RenderTime(NOON - 12 * 3600 - 86400 * i, 100.0) for i in range(5)]
    noon = [RenderTime(NOON + 1800 - 86400 * i, 400.0) for i in range(1, 4)]
    pace = PollPace.learned([*night, *noon], NOON, POLICY)
    assert pace.usual_end is not None and pace.usual_end[0] > 350
    at_night = PollPace.learned([*night, *noon], NOON + 12 * 3600, POLICY)
    assert at_night.usual_end is not None and at_night.usual_end[0] < 100


def test_too_little_or_unusable_history_keeps_the_creators_pace() -> None:
    two = five_minute_jobs(2)
    garbage = [RenderTime(NOON, math.nan), RenderTime(NOON, -4.0), RenderTime(NOON, math.inf)]
    for times in ([], two, [*two, *garbage]):
        pace = PollPace.learned(times, NOON, POLICY)
        assert pace.usual_end is None and pace.wait(0.0) == pace.wait(500.0) == 15.0
    not_learning = CoursePolicy(learn_pace=False)
    assert PollPace.learned(five_minute_jobs(), NOON, not_learning).usual_end is None


def test_a_short_interval_is_never_slowed_by_learning() -> None:
    quick = CoursePolicy(poll_interval=2.0)
    pace = PollPace.learned(five_minute_jobs(), NOON, quick)
    assert pace.near == 2.0 and pace.wait(1000.0) == 2.0

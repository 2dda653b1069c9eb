"""The course policy's numbers and predicates: the one growing wait, a back-off that gives
up on a driven clock, and which jobs still need their course to run."""

from __future__ import annotations

from desktop_app.domain.course import Backoff, CoursePolicy, Growth, spread
from desktop_app.domain.errors import ErrorKind
from desktop_app.domain.job import Job, JobError, JobState
from desktop_app.domain.request import GenerationRequest

REQUEST = GenerationRequest(prompt="character1 waves", video_urls=("https://example.com/a.mp4",))
NOW = 1_800_000_000.0


def job(state: JobState, **fields: object) -> Job:
    return Job("j1", "cr", REQUEST, state, NOW - 60, NOW - 60, **fields)  # type: ignore[arg-type]


def test_growth_doubles_to_its_cap_and_yields_to_a_longer_retry_after() -> None:
    growth = Growth(first=2.0, cap=60.0)
    assert [growth.wait(n) for n in range(1, 8)] == [2, 4, 8, 16, 32, 60, 60]
    assert growth.wait(1, retry_after=90.0) == 90.0
    assert growth.wait(10_000) == 60.0  # no overflow after a very long outage
    jittered = Growth(first=10.0, cap=10.0, jitter=0.5)
    assert all(5.0 <= jittered.wait(1) <= 10.0 for _ in range(200))


def test_back_off_gives_up_after_its_limit_on_the_clock_it_is_given() -> None:
    now = [100.0]
    backoff = Backoff(Growth(1.0, 8.0), lambda: now[0], give_up_after=60.0)
    assert backoff.failed() == 1.0 and not backoff.gives_up()
    now[0] += 59.0
    assert backoff.failed() == 2.0 and not backoff.gives_up()
    now[0] += 1.0
    assert backoff.gives_up()
    backoff.succeeded()
    assert not backoff.gives_up() and backoff.failed() == 1.0


def test_the_window_keeps_trying_and_the_command_line_gives_up() -> None:
    window = CoursePolicy.paced(30.0, keep_trying=True)
    command_line = CoursePolicy.paced(2.0, keep_trying=False, log_horizon=60.0)
    assert window.give_up_after is None and window.first_poll_delay == 5.0
    assert command_line.give_up_after == 900.0 and command_line.first_poll_delay == 2.0
    assert command_line.log_horizon == 60.0
    assert window.follow_growth.cap == 120.0 and command_line.follow_growth.cap == 16.0


def test_a_download_is_too_slow_below_the_floor() -> None:
    policy = CoursePolicy()
    assert policy.download_deadline(None) == 120.0
    assert policy.download_deadline(128 * 1024 * 100) == 220.0


def test_which_jobs_still_need_their_course() -> None:
    policy = CoursePolicy()
    ended = NOW - 30
    assert policy.needs_course(job(JobState.UNKNOWN), NOW)
    assert policy.needs_course(job(JobState.GENERATING, generation_id="g"), NOW)
    assert not policy.needs_course(job(JobState.GENERATING, generation_id="g", followed=False), NOW)
    charge_unknown = job(JobState.DONE, generation_id="g", finished_at=ended)
    assert policy.needs_course(charge_unknown, NOW)
    assert not policy.needs_course(charge_unknown, ended + policy.charge_look_for)
    charged = job(JobState.DONE, generation_id="g", finished_at=ended, charged_credits=100)
    assert not policy.needs_course(charged, NOW)
    assert not policy.needs_course(job(JobState.REJECTED, finished_at=ended), NOW)
    no_end = JobError(ErrorKind.NO_END, "stopped")
    given_up = job(JobState.GENERATING, generation_id="g", followed=False, error=no_end)
    assert policy.charge_wanted(given_up, NOW)


def test_spread_adds_up_to_a_quarter_and_at_most_what_it_is_allowed() -> None:
    assert all(15.0 <= spread(15.0) <= 18.75 for _ in range(200))
    assert all(100.0 <= spread(100.0, at_most=5.0) <= 105.0 for _ in range(200))

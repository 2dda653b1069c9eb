"""A job's life: every move the transition table allows works in a real journal, every
other one is refused, and each state offers the actions a creator expects."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from desktop_app.domain.job import (
    TRANSITIONS,
    CostSource,
    ForbiddenTransitionError,
    Job,
    JobAction,
    JobCost,
    JobState,
    check_transition,
)
from desktop_app.domain.job_change import JobChange
from desktop_app.domain.request import GenerationRequest
from desktop_app.journal.job_journal import JobJournal

REQUEST = GenerationRequest(prompt="character1 jumps", video_urls=("https://e.com/a.mp4",))

# How to bring a fresh job (submitting) to each state along allowed moves.
PATHS = {
    JobState.SUBMITTING: [],
    JobState.UNKNOWN: [JobState.UNKNOWN],
    JobState.REJECTED: [JobState.REJECTED],
    JobState.QUEUED: [JobState.QUEUED],
    JobState.GENERATING: [JobState.GENERATING],
    JobState.DOWNLOADING: [JobState.DOWNLOADING],
    JobState.DONE: [JobState.DOWNLOADING, JobState.DONE],
    JobState.FAILED: [JobState.QUEUED, JobState.FAILED],
    JobState.LOST: [JobState.DOWNLOADING, JobState.LOST],
}
ALLOWED = [(old, new) for old, targets in TRANSITIONS.items() for new in targets]
FORBIDDEN = [
    (old, new)
    for old in JobState
    for new in JobState
    if new is not old and new not in TRANSITIONS[old]
]


def job_in(journal: JobJournal, state: JobState) -> Job:
    job = journal.create(REQUEST)
    for step in PATHS[state]:
        job = journal.update(job.id, JobChange(state=step))
    assert job.state is state
    return job


def test_the_table_names_every_state() -> None:
    assert set(TRANSITIONS) == set(JobState)
    assert all(not TRANSITIONS[s] for s in (JobState.FAILED, JobState.REJECTED))


@pytest.mark.parametrize(("old", "new"), ALLOWED, ids=lambda s: s.value)
def test_every_allowed_move_is_made(tmp_path: Path, old: JobState, new: JobState) -> None:
    journal = JobJournal(tmp_path / "j.sqlite3")
    job = job_in(journal, old)
    assert journal.update(job.id, JobChange(state=new)).state is new


@pytest.mark.parametrize(("old", "new"), FORBIDDEN, ids=lambda s: s.value)
def test_every_other_move_is_refused(tmp_path: Path, old: JobState, new: JobState) -> None:
    journal = JobJournal(tmp_path / "j.sqlite3")
    job = job_in(journal, old)
    with pytest.raises(ForbiddenTransitionError):
        journal.update(job.id, JobChange(state=new))
    assert journal.get(job.id).state is old
    with pytest.raises(ForbiddenTransitionError):
        check_transition(old, new)


def make(state: JobState, **fields: object) -> Job:
    return Job("j1", "cr", REQUEST, state, 1.0, 1.0, **fields)  # type: ignore[arg-type]


def test_each_state_offers_what_a_creator_can_do() -> None:
    done = make(JobState.DONE, generation_id="g", file_path=Path("/clips/a.mp4"))
    assert done.actions() == {JobAction.PLAY, JobAction.DOWNLOAD_AGAIN, JobAction.FORGET}
    assert make(JobState.QUEUED).actions() == {JobAction.STOP_FOLLOWING, JobAction.FORGET}
    unfollowed = make(JobState.GENERATING, followed=False)
    assert unfollowed.actions() == {JobAction.FOLLOW_AGAIN, JobAction.FORGET}
    downloading = make(JobState.DOWNLOADING, video_url="https://cdn/x.mp4")
    assert JobAction.PLAY not in downloading.actions()  # only the saved file plays
    for state in (JobState.UNKNOWN, JobState.REJECTED, JobState.FAILED):
        assert make(state).actions() == {JobAction.SEND_AGAIN, JobAction.FORGET}
    assert make(JobState.LOST, generation_id="g").actions() == {
        JobAction.DOWNLOAD_AGAIN,
        JobAction.FORGET,
    }
    assert make(JobState.SUBMITTING).actions() == {JobAction.FORGET}


def test_a_jobs_cost_is_the_best_known_and_says_where_it_comes_from() -> None:
    quoted = make(JobState.QUEUED, estimate_usd=1.5)
    assert quoted.cost() == JobCost(1.5, CostSource.QUOTED)
    reported = replace(quoted, credits_used=3_150_000)
    assert reported.cost() == JobCost(1.5, CostSource.QUOTED)  # the quote, until charged
    assert reported.reported_usd == 1.575  # differs from the quote: worth saying
    assert replace(quoted, credits_used=3_000_000).reported_usd is None  # the same: not
    unquoted = make(JobState.QUEUED, credits_used=3_150_000)
    assert unquoted.cost() == JobCost(1.575, CostSource.REPORTED)
    charged = replace(reported, charged_credits=3_000_000)
    assert charged.cost() == JobCost(1.5, CostSource.LEDGER)
    assert charged.reported_usd is None
    assert replace(charged, charged_credits=0).cost() == JobCost(0.0, CostSource.LEDGER)
    assert make(JobState.SUBMITTING).cost() is None


def test_what_a_job_counts_towards_todays_spending() -> None:
    running = make(JobState.GENERATING, estimate_usd=1.5, credits_used=2_000_000)
    assert running.spending_usd() == 1.5  # the quote while no charge is known
    # A report above the quote raises it; the ledger's charge, once known, is the truth.
    assert replace(running, credits_used=3_150_000).spending_usd() == 1.575
    assert replace(running, charged_credits=3_000_000).spending_usd() == 1.5
    assert make(JobState.UNKNOWN, estimate_usd=1.5).spending_usd() == 1.5  # may be billed
    # No price known: what the limit counted is a floor no report of the service lowers.
    counted = make(JobState.QUEUED, counted_usd=2.25)
    assert counted.spending_usd() == 2.25
    assert replace(counted, credits_used=0).spending_usd() == 2.25
    assert replace(counted, credits_used=-10_000_000).spending_usd() == 2.25
    assert replace(counted, credits_used=6_000_000).spending_usd() == 3.0
    for ended in (JobState.FAILED, JobState.LOST, JobState.REJECTED):
        job = make(ended, estimate_usd=1.5, credits_used=3_150_000)
        assert job.spending_usd() == 0.0  # no clip and no charge: nothing
        assert replace(job, charged_credits=3_000_000).spending_usd() == 1.5  # charged

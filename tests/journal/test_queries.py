"""History queries on a real SQLite file: search, filters, sorts, counts, sums and the
feed of changes another process made."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop_app.domain.job import JobState
from desktop_app.domain.job_change import JobChange
from desktop_app.domain.job_query import JobFilter, JobSort
from desktop_app.domain.pricing import PriceSource, Quote
from desktop_app.domain.request import AspectRatio, GenerationRequest, Resolution
from desktop_app.journal.job_journal import JobJournal
from desktop_app.journal.money import COST_USD, highest_price_usd
from desktop_app.journal.queries import HistoryQueries
from desktop_app.journal.schema import COST_USD_AT_MIGRATION_4, MIGRATIONS


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def request(prompt: str, **fields: object) -> GenerationRequest:
    return GenerationRequest(prompt=prompt, video_urls=("https://e.com/a.mp4",), **fields)  # type: ignore[arg-type]


@pytest.fixture
def history(tmp_path: Path) -> tuple[JobJournal, HistoryQueries, dict[str, str], Clock]:
    """Four jobs made an hour apart: their ids by a word of their prompt."""
    clock = Clock()
    journal = JobJournal(tmp_path / "journal.sqlite3", clock=clock)
    made: dict[str, str] = {}
    for word, fields, state, credits in (
        ("beach", {"resolution": Resolution.HD, "duration": 5}, JobState.DONE, 1_000_000),
        ("forest", {"aspect_ratio": AspectRatio.SQUARE}, JobState.FAILED, 3_000_000),
        ("Beachside café", {"duration": 15}, JobState.QUEUED, 4_000_000),
        ("mountain", {}, JobState.REJECTED, None),
    ):
        job = journal.create(request(f"character1 at the {word}", **fields))
        steps = {
            JobState.DONE: [JobState.DOWNLOADING, JobState.DONE],
            JobState.FAILED: [JobState.QUEUED, JobState.FAILED],
        }.get(state, [state])
        for step in steps:
            journal.update(job.id, JobChange(state=step))
        if credits is not None:
            journal.update(job.id, JobChange(credits_used=credits))
        made[word.split()[0].lower()] = job.id
        clock.now += 3600
    return journal, HistoryQueries(tmp_path / "journal.sqlite3"), made, clock


def found(queries: HistoryQueries, where: JobFilter, sort: JobSort = JobSort.NEWEST) -> list[str]:
    return [job.id for job in queries.all(where, sort)]


def test_search_finds_words_and_word_beginnings_in_any_case(history) -> None:  # type: ignore[no-untyped-def]
    _, queries, made, _ = history
    assert found(queries, JobFilter(text="beach")) == [made["beachside"], made["beach"]]
    assert found(queries, JobFilter(text="BEACHS")) == [made["beachside"]]
    assert found(queries, JobFilter(text="cafe")) == [made["beachside"]]  # accents folded
    assert found(queries, JobFilter(text='moun"*( -')) == [made["mountain"]]  # no syntax
    assert found(queries, JobFilter(text="volcano")) == []


def test_filters_combine(history) -> None:  # type: ignore[no-untyped-def]
    _, queries, made, _ = history
    assert found(queries, JobFilter(states=frozenset({JobState.DONE, JobState.FAILED}))) == [
        made["forest"],
        made["beach"],
    ]
    assert found(queries, JobFilter(resolution=Resolution.HD)) == [made["beach"]]
    assert found(queries, JobFilter(duration=10)) == [made["mountain"], made["forest"]]
    assert found(queries, JobFilter(aspect_ratio=AspectRatio.SQUARE)) == [made["forest"]]
    assert found(queries, JobFilter(since=1_000 + 3600, until=1_000 + 3 * 3600)) == [
        made["beachside"],
        made["forest"],
    ]
    assert found(queries, JobFilter(text="beach", duration=15)) == [made["beachside"]]
    assert queries.count(JobFilter(text="beach")) == 2 and queries.count() == 4


def test_sorts_by_date_and_by_cost_with_unknown_costs_last(history) -> None:  # type: ignore[no-untyped-def]
    journal, queries, made, _ = history
    everything = JobFilter()
    assert found(queries, everything, JobSort.OLDEST)[0] == made["beach"]
    assert found(queries, everything, JobSort.COST_HIGH) == [
        made["beachside"], made["forest"], made["beach"], made["mountain"],
    ]  # fmt: skip
    journal.update(made["beach"], JobChange(charged_credits=9_000_000))  # the ledger's word wins
    assert found(queries, everything, JobSort.COST_HIGH)[0] == made["beach"]
    assert found(queries, everything, JobSort.COST_LOW)[-1] == made["mountain"]
    page = queries.page(everything, JobSort.NEWEST, offset=1, limit=2)
    assert [j.id for j in page] == [made["beachside"], made["forest"]]


def test_sums_count_what_was_spent_and_never_failed_or_rejected_jobs(history) -> None:  # type: ignore[no-untyped-def]
    journal, queries, made, _ = history
    assert queries.spent_usd() == pytest.approx(0.5 + 2.0)
    assert queries.spent_usd(since=1_000 + 3600) == pytest.approx(2.0)
    journal.update(made["beach"], JobChange(charged_credits=1_200_000))
    assert queries.spent_usd() == pytest.approx(0.6 + 2.0)
    journal.update(made["forest"], JobChange(charged_credits=3_000_000))  # failed, yet charged
    assert queries.spent_usd() == pytest.approx(0.6 + 1.5 + 2.0)


def test_the_sql_sums_and_sorts_follow_the_one_rule_of_a_jobs_cost(tmp_path: Path) -> None:
    """Every mix of quote, report, charge, count and state: the journal's sum is the sum of
    `Job.spending_usd`, and sorting by cost is sorting by `Job.cost`."""
    clock = Clock()
    journal = JobJournal(tmp_path / "journal.sqlite3", clock=clock)
    paths = {
        JobState.DONE: [JobState.DOWNLOADING, JobState.DONE],
        JobState.FAILED: [JobState.QUEUED, JobState.FAILED],
        JobState.LOST: [JobState.QUEUED, JobState.LOST],
    }
    quotes = [Quote(None, PriceSource.UNKNOWN), Quote(0.75, PriceSource.CATALOGUE)]
    n = 0
    for state in (JobState.QUEUED, JobState.UNKNOWN, JobState.DONE, JobState.FAILED,
                  JobState.LOST, JobState.REJECTED):  # fmt: skip
        for quote in quotes:
            for reported in (None, 1_700_000):
                for charged in (None, 0, 1_400_000):
                    n += 1
                    counted = 0.9 if quote.usd is None else quote.usd
                    [job] = journal.create_batch(
                        [request(f"take {n}")], [quote], admit=lambda _s, c=counted: [c]
                    )
                    for step in paths.get(state, [state]):
                        journal.update(job.id, JobChange(state=step))
                    journal.update(
                        job.id, JobChange(credits_used=reported, charged_credits=charged)
                    )
                    clock.now += 1
    queries = HistoryQueries(tmp_path / "journal.sqlite3")
    jobs = queries.all()
    assert len(jobs) == n
    assert queries.spent_usd() == pytest.approx(sum(job.spending_usd() for job in jobs))
    with sqlite3.connect(tmp_path / "journal.sqlite3") as db:
        seen = highest_price_usd(db, request("x").model, "1080p", 10)
    assert seen == max(job.highest_figure_usd() for job in jobs)  # `SEEN_PRICE_USD`'s twin
    costs = [job.cost() for job in queries.all(sort=JobSort.COST_HIGH)]
    known = [cost.usd for cost in costs if cost is not None]
    assert known == sorted(known, reverse=True)
    assert costs[len(known) :] == [None] * (n - len(known))  # no cost known: last


def test_the_feed_brings_what_another_process_changed(history, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, queries, made, _ = history
    seen = queries.last_change()
    other = JobJournal(tmp_path / "journal.sqlite3")  # a CLI next to the window
    new = other.create(request("character1 in the rain"))
    other.update(made["beachside"], JobChange(state=JobState.GENERATING))
    other.update(made["beachside"], JobChange(bytes_done=0))
    other.forget(made["mountain"])
    assert other.claim(new.id) and other.renew(new.id)  # leases alone are not news
    changes, seen = queries.changes_since(seen)
    assert [(c.job_id, c.job.state if c.job else None) for c in changes] == [
        (new.id, JobState.SUBMITTING),
        (made["beachside"], JobState.GENERATING),
        (made["mountain"], None),
    ]
    assert queries.changes_since(seen) == ([], seen)


def test_migration_4_is_frozen_and_the_cost_rule_has_not_moved_without_a_new_one() -> None:
    """Migration 4 indexed the cost rule as it was; today's rule is still that one. Change
    `COST_USD` and this fails: the change needs a migration of its own (a new index)."""
    assert COST_USD_AT_MIGRATION_4 in MIGRATIONS[3]
    assert COST_USD == COST_USD_AT_MIGRATION_4

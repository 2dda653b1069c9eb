"""The account side against the simulator: the real charge from the ledger, "not charged"
for a failed job, recovery of a lost submission through a lagging or failing request log,
the balance going down, and the model's health."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.api.client import GENERATIONS_PATH, LOGS_PATH
from desktop_app.billing.balance import BalanceWatch
from desktop_app.billing.charges import ChargeFinder
from desktop_app.billing.health import ModelHealth
from desktop_app.course.recovery import SubmissionRecovery
from desktop_app.domain.course import CoursePolicy
from desktop_app.domain.job import Job, JobState
from desktop_app.domain.request import GenerationRequest, Resolution
from desktop_app.journal.queries import HistoryQueries
from desktop_app.simulator import Fault, Simulator, SimulatorConfig
from tests.conftest import SAMPLES, TEST_KEY, make_client, run, service_on
from tests.driven_clock import DrivenClock

REQUEST = GenerationRequest(
    prompt="character1 waves",
    video_urls=("https://example.com/a.mp4",),
    resolution=Resolution.FULL_HD,
    duration=10,
)
FAST_CHARGES = CoursePolicy(
    charge_first_wait=0.2, charge_max_wait=0.5, charge_look_for=30, charge_failed_confirm_after=1
)


@pytest.fixture
def account_sim() -> Simulator:
    config = SimulatorConfig(
        api_key=TEST_KEY, queued_seconds=0.2, generating_seconds=0.3, samples=SAMPLES,
        ledger_delay_seconds=0.8, log_delay_seconds=1.0,
    )  # fmt: skip
    with Simulator(config) as simulator:
        yield simulator


def end_then_find_charge(tmp_path: Path, sim: Simulator) -> tuple[Job, Job]:
    """Follow a job to its end, then look up its charge: (the ended job, after the look)."""

    async def scenario() -> tuple[Job, Job]:
        async with service_on(tmp_path, sim.base_url) as service:
            ended = await service.follow((await service.submit(REQUEST)).id)
            client = make_client(sim.base_url)
            history = HistoryQueries(tmp_path / "journal.sqlite3")
            try:
                finder = ChargeFinder(client, service, history, FAST_CHARGES)
                return ended, await finder.find(ended.id)
            finally:
                await client.aclose()

    return run(scenario())


def test_the_charge_comes_from_the_ledger_even_when_meta_usage_said_otherwise(
    tmp_path: Path, account_sim: Simulator
) -> None:
    ended, job = end_then_find_charge(tmp_path, account_sim)
    assert ended.credits_used == 3_150_000  # what the service's answer said
    assert job.charged_credits == 3_000_000  # the ledger: $0.15/s for 10 s
    assert job.charged_usd == pytest.approx(1.5)
    assert account_sim.count("GET", "/v2/billing/transactions") >= 2  # it had to wait


def test_a_failed_job_is_confirmed_not_charged_after_ten_minutes_of_looks(
    tmp_path: Path, account_sim: Simulator
) -> None:
    """The app's own numbers (first look at once, then 5 s doubling; "not charged" 10
    minutes after the end), on a driven clock: the ten minutes pass at once."""
    account_sim.add_fault(Fault("generation", message="Reference 1 shows two people"))
    clock = DrivenClock()

    async def scenario() -> tuple[Job, Job]:
        async with service_on(tmp_path, account_sim.base_url) as service:
            ended = await service.follow((await service.submit(REQUEST)).id)
            client = make_client(account_sim.base_url)
            history = HistoryQueries(tmp_path / "journal.sqlite3")
            finder = ChargeFinder(client, service, history, clock=clock, sleep=clock.sleep)
            try:
                return ended, await finder.find(ended.id)
            finally:
                await client.aclose()

    ended, job = run(scenario())
    assert ended.state is JobState.FAILED and ended.finished_at is not None
    assert job.charged_credits == 0
    policy = CoursePolicy()
    assert clock.now - ended.finished_at >= policy.charge_failed_confirm_after
    assert clock.slept[:4] == [5, 10, 20, 40]  # growing waits, as the policy says
    assert len(clock.slept) <= 9  # few looks for ten minutes


def recover(tmp_path: Path, sim: Simulator, grace: float) -> tuple[Job, Job]:
    """Submit with the answer lost, then settle it from the request log; (before, after)."""

    async def scenario() -> tuple[Job, Job]:
        async with service_on(tmp_path, sim.base_url) as service:
            lost = await service.submit(REQUEST)
            client = make_client(sim.base_url)
            history = HistoryQueries(tmp_path / "journal.sqlite3")
            settings = CoursePolicy(log_horizon=grace, log_first_wait=0.2, log_max_wait=0.5)
            try:
                recovery = SubmissionRecovery(client, service, history, settings)
                settled = await recovery.settle(lost.id)
            finally:
                await client.aclose()
            if settled.state.is_followable:
                settled = await service.follow(settled.id)
            return lost, settled

    return run(scenario())


def test_a_lost_answer_is_found_in_a_lagging_and_failing_log_and_finished(
    tmp_path: Path, account_sim: Simulator, demo_clip: bytes
) -> None:
    account_sim.add_fault(Fault("create", accept_then_drop=True))
    account_sim.add_fault(Fault("logs", status=429, retry_after="1"))
    account_sim.add_fault(Fault("logs", status=500))
    lost, job = recover(tmp_path, account_sim, grace=30)
    assert lost.state is JobState.UNKNOWN
    assert job.state is JobState.DONE and job.recovered_at is not None
    assert job.file_path is not None and job.file_path.read_bytes() == demo_clip
    assert account_sim.count("POST", GENERATIONS_PATH) == 1
    assert account_sim.count("GET", LOGS_PATH) >= 3


def test_a_post_never_received_is_rejected_only_after_the_logs_horizon(
    tmp_path: Path, account_sim: Simulator
) -> None:
    """The app's own waits (2 s doubling to a minute) up to a horizon of ten minutes, on
    a driven clock: every look until then says "not in the log yet"."""
    account_sim.add_fault(Fault("create", drop=True))
    clock = DrivenClock()

    async def scenario() -> tuple[Job, Job]:
        async with service_on(tmp_path, account_sim.base_url) as service:
            lost = await service.submit(REQUEST)
            client = make_client(account_sim.base_url)
            history = HistoryQueries(tmp_path / "journal.sqlite3")
            policy = CoursePolicy(log_horizon=600)
            recovery = SubmissionRecovery(
                client, service, history, policy, clock=clock, sleep=clock.sleep
            )
            try:
                return lost, await recovery.settle(lost.id)
            finally:
                await client.aclose()

    lost, job = run(scenario())
    assert job.state is JobState.REJECTED
    assert job.error is not None and "never received it" in job.error.message
    assert clock.now - lost.created_at >= 600
    assert clock.slept[:6] == [2, 4, 8, 16, 32, 60] and max(clock.slept) == 60
    assert account_sim.count("POST", GENERATIONS_PATH) == 1


def test_an_unreadable_log_proves_nothing(tmp_path: Path, account_sim: Simulator) -> None:
    account_sim.add_fault(Fault("create", drop=True))
    account_sim.add_fault(Fault("logs", status=401, times=100))

    clock = DrivenClock()

    async def scenario() -> Job:
        async with service_on(tmp_path, account_sim.base_url) as service:
            lost = await service.submit(REQUEST)
            clock.now += 0.3  # past the log's horizon
            client = make_client(account_sim.base_url)
            history = HistoryQueries(tmp_path / "journal.sqlite3")
            policy = CoursePolicy(log_horizon=0.1)
            recovery = SubmissionRecovery(
                client, service, history, policy, clock=clock, sleep=clock.sleep
            )
            try:
                return await recovery.settle(lost.id, wait=False)
            finally:
                await client.aclose()

    assert run(scenario()).state is JobState.UNKNOWN


def test_the_balance_goes_down_as_jobs_are_charged_and_is_asked_once_a_minute(
    tmp_path: Path, account_sim: Simulator
) -> None:
    async def scenario() -> tuple[float | None, float | None, float | None]:
        client = make_client(account_sim.base_url)
        try:
            first = await BalanceWatch(client).refresh()
            async with service_on(tmp_path, account_sim.base_url) as service:
                await service.follow((await service.submit(REQUEST)).id)
            account_sim.account.pass_time(account_sim.account.ledger_delay)
            watch = BalanceWatch(client)
            after = await watch.refresh()
            again = await watch.refresh()  # within the minute: not asked again
            assert first and after and again
            return first.usd, after.usd, again.usd
        finally:
            await client.aclose()

    before = account_sim.count("GET", "/v2/billing")
    first, after, again = run(scenario())
    assert first == 100.0 and after == pytest.approx(98.5) and again == after
    assert account_sim.count("GET", "/v2/billing") - before == 2


def test_a_deprecated_model_is_told_with_its_replacement(tmp_path: Path) -> None:
    entry = {
        "id": "alibaba/wan-2-6-r2v", "aliases": [], "status": "superseded",
        "deprecated_at": "2026-11-01", "shutdown_at": "2027-02-01",
        "replaced_by": "alibaba/wan-2-7-r2v", "reason": "A newer version",
    }  # fmt: skip
    with Simulator(SimulatorConfig(api_key=TEST_KEY, deprecation=entry)) as sim:

        async def scenario() -> tuple[str | None, str | None]:
            client = make_client(sim.base_url)
            try:
                health = ModelHealth(client, tmp_path / "deprecations.json")
                await health.refresh()
                await health.refresh()  # daily: not asked again
                return health.warning(), health.warning("alibaba/wan-2-7-r2v")
            finally:
                await client.aclose()

        warning, for_wan_27 = run(scenario())
        assert sim.count("GET", "/v1/models/deprecations") == 1
    assert for_wan_27 is None  # each model's own: 2.7 is not going away
    assert warning is not None
    assert "superseded" in warning and "alibaba/wan-2-7-r2v" in warning
    assert "2027-02-01" in warning


def test_a_failing_ledger_is_waited_out(tmp_path: Path, account_sim: Simulator) -> None:
    account_sim.add_fault(Fault("ledger", status=500, times=2))
    account_sim.add_fault(Fault("ledger", status=200, body="<html>proxy</html>"))

    assert end_then_find_charge(tmp_path, account_sim)[1].charged_credits == 3_000_000
    assert account_sim.count("GET", "/v2/billing/transactions") >= 4

"""P6: what following costs the service. Jobs of known length are followed by the app's
job service (as the window composes it) against the simulator, which counts the GETs of
each job, the most it answered at once, and when a 429 was answered."""

from __future__ import annotations

import asyncio
import math
import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

import httpx

from desktop_app.api.client import GENERATIONS_PATH, ApiClient
from desktop_app.api.secret import ApiKey
from desktop_app.domain.course import CoursePolicy
from desktop_app.domain.job import Job
from desktop_app.jobs.download import ClipDownloader
from desktop_app.jobs.service import JobService
from desktop_app.journal.job_journal import JobJournal
from desktop_app.journal.queries import HistoryQueries
from desktop_app.runtime import Runtime, RuntimeOptions
from desktop_app.secrets.keystore import KeyStore
from desktop_app.simulator import Fault, Simulator, SimulatorConfig
from desktop_app.simulator.ids import decode_id
from tests.benchmarks.harness import Line, Settings, figure
from tests.benchmarks.processes import BENCH_KEY
from tests.benchmarks.window_driver import REQUEST

INTERVAL = 1.0
"""The poll interval, scaled down from the real 15 s so a run takes seconds."""
RETRY_AFTER = 2


async def _follow_all(home: Path, sim: Simulator, jobs: int) -> None:
    environ = {"AIMLAPI_KEY": BENCH_KEY}
    options = RuntimeOptions(home=str(home), base_url=sim.base_url, poll_interval=INTERVAL)
    runtime = Runtime(options, environ, KeyStore(environ=environ))
    try:
        service = runtime.service
        submitted = await service.submit_batch([REQUEST] * jobs)
        follows = [asyncio.create_task(service.follow(job.id)) for job in submitted]
        await asyncio.sleep(sim.config.queued_seconds + INTERVAL * 2)
        sim.add_fault(Fault("poll", status=429, retry_after=str(RETRY_AFTER)))
        await asyncio.gather(*follows)
    finally:
        await runtime.aclose()


def polling_cost(settings: Settings) -> list[Line]:
    jobs = 5 if settings.quick else 20
    queued, generating = 1.0, 5.0
    length = queued + generating
    bound = math.ceil(length / INTERVAL) + 2
    baseline = math.ceil(length / INTERVAL)
    most, peaks, gaps = [], [], []
    for _ in range(settings.runs):
        config = SimulatorConfig(
            api_key=BENCH_KEY, queued_seconds=queued, generating_seconds=generating,
            answer_delay_seconds=0.05, starting_balance=10_000.0,
        )  # fmt: skip
        with Simulator(config) as sim, tempfile.TemporaryDirectory() as home:
            asyncio.run(_follow_all(Path(home), sim, jobs))
            polls = [r for r in sim.requests if r.method == "GET" and r.path == GENERATIONS_PATH]
            per_job = Counter(r.query["generation_id"][0] for r in polls)
            most.append(max(per_job.values()))
            peaks.append(sim.peak_in_flight)
            refused_at = _refusal_time(sim)
            later = [r.at - refused_at for r in polls if r.at > refused_at]
            gaps.append(min(later) if later else math.inf)
    gets, peak, quiet = figure(most, "GETs"), figure(peaks, "at once"), figure(gaps, "s")
    return [
        Line(
            id="P6 polls",
            measures=f"GETs for the busiest of {jobs} jobs lasting {length:.0f} s, "
            f"interval {INTERVAL:.0f} s",
            app=gets,
            baseline=figure([baseline], "GETs"),
            ratio=gets.median / baseline,
            target=f"≤ceil(duration/interval)+2 = {bound}",
            met=max(most) <= bound,
        ),
        Line(
            id="P6 cap",
            measures=f"most requests in flight with {jobs} jobs followed",
            app=peak,
            baseline=None,
            target="≤ the client's cap (4)",
            met=max(peaks) <= 4,
        ),
        Line(
            id="P6 429",
            measures=f"first request after a 429 with Retry-After: {RETRY_AFTER}",
            app=quiet,
            baseline=None,
            target=f"≥{RETRY_AFTER} s later",
            met=min(gaps) >= RETRY_AFTER - 0.05,
        ),
    ]


SCALE = 20.0
"""The learned pace's rows run a 5-minute job with a 15 s interval twenty times faster
(every number of the course policy scaled alike): its GETs are the same, its delays are
reported back at full scale."""
REAL_JOB = 300.0
LIKE_IT = 5
"""Jobs of the same kind followed first, so the history has something to learn from."""


async def _follow_one_like_others(home: Path, sim: Simulator) -> Job:
    """Follow `LIKE_IT` jobs at the app's scaled pace, then one more like them, through a
    job service composed as the app's (its polls learn from the journal's history)."""
    policy = CoursePolicy.paced(15.0 / SCALE, keep_trying=False)
    policy = replace(policy, first_poll_delay=5.0 / SCALE, near_end_interval=5.0 / SCALE,
                     longest_first_wait=120.0 / SCALE)  # fmt: skip
    key = ApiKey(BENCH_KEY)
    client = ApiClient(sim.base_url, lambda: key)
    downloader = ClipDownloader(httpx.AsyncClient(), policy=policy)
    journal = JobJournal(home / "journal.sqlite3")
    history = HistoryQueries(home / "journal.sqlite3")
    service = JobService(journal, client, downloader, home / "library", keys=lambda: key,
                         policy=policy, render_times=history.render_times)  # fmt: skip

    async def follow() -> Job:
        return await service.follow((await service.submit(REQUEST)).id)

    try:
        await asyncio.gather(*(follow() for _ in range(LIKE_IT)))
        return await follow()
    finally:
        await client.aclose()
        await downloader.aclose()
        history.close()
        journal.close()


def learned_pace(settings: Settings) -> list[Line]:
    """P6 learned: what a 5-minute job costs with a history of jobs like it."""
    length = REAL_JOB / SCALE
    gets, late = [], []
    for _ in range(1 if settings.quick else settings.runs):
        config = SimulatorConfig(
            api_key=BENCH_KEY, queued_seconds=length * 0.2, generating_seconds=length * 0.8,
            answer_delay_seconds=0.05, starting_balance=10_000.0,
        )  # fmt: skip
        with Simulator(config) as sim, tempfile.TemporaryDirectory() as home:
            job = asyncio.run(_follow_one_like_others(Path(home), sim))
            assert job.generation_id is not None and job.completed_at is not None
            polls = [r for r in sim.requests if r.method == "GET" and r.path == GENERATIONS_PATH]
            gets.append(sum(r.query["generation_id"] == [job.generation_id] for r in polls))
            record = decode_id(job.generation_id)
            assert record is not None
            late.append((job.completed_at - record.created - length) * SCALE)
    counted, known = figure(gets, "GETs"), figure(late, "s")
    plain = math.ceil(REAL_JOB / 15.0)
    return [
        Line(
            id="P6 learned",
            measures=f"GETs for a {REAL_JOB / 60:.0f}-minute job after {LIKE_IT} like it, "
            f"interval 15 s (run {SCALE:.0f}x faster)",
            app=counted,
            baseline=figure([plain], "GETs"),
            ratio=counted.median / plain,
            target="≤ 10",
            met=max(gets) <= 10,
        ),
        Line(
            id="P6 known",
            measures="from the clip ready at the service to known, same job (full scale)",
            app=known,
            baseline=None,
            target="≤ 15 s",
            met=max(late) <= 15.0,
        ),
    ]


def _refusal_time(sim: Simulator) -> float:
    """When the scripted 429 was answered: the first poll after the fault was added is
    the one that took it (the simulator hands faults out in order)."""
    answered = sim.fault_taken_at("poll")
    if answered is None:
        raise RuntimeError("no poll met the 429")
    return answered

"""JobLifecycle, directly: which jobs wait for their course, and one course per job run to
its end (settled from the request log, followed to the clip, charged from the ledger),
against the simulator and a real journal."""

from __future__ import annotations

import asyncio
from pathlib import Path

from desktop_app.api.client import GENERATIONS_PATH
from desktop_app.course.lifecycle import Pace
from desktop_app.domain.job import Job, JobState
from desktop_app.runtime import Runtime, RuntimeOptions
from desktop_app.secrets.keystore import KeyStore
from desktop_app.simulator import Fault, Simulator
from tests.conftest import TEST_KEY, run
from tests.jobs.test_service import REQUEST


def runtime_on(home: Path, sim: Simulator) -> Runtime:
    environ = {"AIMLAPI_KEY": TEST_KEY}
    options = RuntimeOptions(
        home=str(home), base_url=sim.base_url, poll_interval=0.1, reconcile_grace=3.0
    )
    return Runtime(options, environ, KeyStore(environ=environ))


def test_a_lost_answer_is_settled_followed_and_charged_in_one_course(
    tmp_path: Path, sim: Simulator
) -> None:
    sim.add_fault(Fault("create", accept_then_drop=True))

    async def scenario() -> tuple[list[str], Job, Job, list[str]]:
        runtime = runtime_on(tmp_path, sim)
        try:
            lost = await runtime.service.submit(REQUEST)
            assert lost.state is JobState.UNKNOWN
            lifecycle = runtime.lifecycle
            waiting = [job.id for job in lifecycle.waiting()]
            first = asyncio.create_task(lifecycle.see_through(lost.id, Pace.ALONGSIDE))
            await asyncio.sleep(0)  # the first course has begun
            second = await lifecycle.see_through(lost.id, Pace.ALONGSIDE)
            ended = await first
            return waiting, second, ended, [job.id for job in lifecycle.waiting()]
        finally:
            await runtime.aclose()

    waiting, second, ended, after = run(scenario())
    assert waiting == [ended.id]
    assert second.state is JobState.UNKNOWN  # left to the course already running
    assert ended.state is JobState.DONE and ended.file_path is not None
    assert ended.charged_credits is not None and ended.charged_credits > 0
    assert after == []
    assert sim.count("POST", GENERATIONS_PATH) == 1  # never sent again


def test_resume_and_reconcile_take_only_what_they_can_move(tmp_path: Path, sim: Simulator) -> None:
    async def scenario() -> tuple[set[str], set[str], Job]:
        runtime = runtime_on(tmp_path, sim)
        try:
            queued = await runtime.service.submit(REQUEST)
            stopped = runtime.service.stop_following((await runtime.service.submit(REQUEST)).id)
            lifecycle = runtime.lifecycle
            resume = {job.id for job in lifecycle.to_resume()}
            ended = await lifecycle.see_through(queued.id, Pace.TO_THE_CLIP)
            reconcile = {job.id for job in lifecycle.to_reconcile()}
            assert stopped.id not in resume | reconcile
            return resume, reconcile, ended
        finally:
            await runtime.aclose()

    resume, reconcile, ended = run(scenario())
    assert resume == {ended.id}
    assert ended.state is JobState.DONE and ended.charged_credits is None  # to the clip only
    assert reconcile == {ended.id}  # its charge is what is left

"""When the desktop says the network is back, followed jobs poll at once instead of
waiting out their back-off. The platform's reachability signal cannot be raised from a
test, so the test hands the watch the two reachabilities it would report."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from PySide6.QtNetwork import QNetworkInformation
from pytestqt.qtbot import QtBot

from desktop_app.domain.job import Job, JobState
from desktop_app.domain.request import GenerationRequest
from desktop_app.jobs.events import JobEvent, JobTrouble
from desktop_app.qt.network_watch import NetworkWatch
from desktop_app.simulator import Fault, Simulator
from tests.conftest import FAST_SIM, fast_course, service_on
from tests.ui.conftest import run_in_loop

REQUEST = GenerationRequest(prompt="character1 waves", video_urls=("https://e.com/a.mp4",))
Reachability = QNetworkInformation.Reachability


def test_when_the_network_comes_back_a_job_in_back_off_polls_at_once(
    qtbot: QtBot, loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    sim = Simulator(replace(FAST_SIM, queued_seconds=0, generating_seconds=0)).start()
    sim.add_fault(Fault("poll", status=503))  # one failed poll: the follow backs off
    # A failed poll now waits a minute (2 intervals of 30 s): far longer than this test.
    settings = fast_course(poll_interval=30.0, first_poll_delay=0.0)

    async def scenario() -> Job:
        troubled = asyncio.Event()

        def on_event(event: JobEvent) -> None:
            if isinstance(event, JobTrouble):
                troubled.set()

        home, url = tmp_path, sim.base_url
        async with service_on(home, url, policy=settings, listener=on_event) as service:
            watch = NetworkWatch(service.retry_now)
            job = await service.submit(REQUEST)
            following = asyncio.ensure_future(service.follow(job.id))
            await asyncio.wait_for(troubled.wait(), 20)  # in its back-off now
            watch._on_info_reachability_changed(Reachability.Disconnected)
            watch._on_info_reachability_changed(Reachability.Online)
            return await asyncio.wait_for(following, 20)

    try:
        job = run_in_loop(qtbot, scenario(), timeout=45_000)
    finally:
        sim.stop()
    assert job.state is JobState.DONE

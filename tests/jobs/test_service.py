"""The job service end to end against the simulator: submit, follow, save, and every fault a
creator must not pay for twice or lose a clip to."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import time
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from desktop_app.api.client import GENERATIONS_PATH
from desktop_app.domain.course import DEFAULT_POLL_INTERVAL, POLL_SPREAD, Backoff, CoursePolicy
from desktop_app.domain.errors import ErrorKind
from desktop_app.domain.job import Job, JobState
from desktop_app.domain.request import GenerationRequest, Resolution
from desktop_app.jobs.download import ClipDownloader
from desktop_app.jobs.errors import FollowInterruptedError, JobBusyError
from desktop_app.jobs.events import JobEvent, JobTrouble
from desktop_app.jobs.naming import part_path
from desktop_app.jobs.service import JobService
from desktop_app.journal.queries import HistoryQueries
from desktop_app.simulator import Fault, Simulator, SimulatorConfig
from desktop_app.simulator.ids import decode_id
from tests.conftest import FAST_SIM, TEST_KEY, fast_course, on_jobs, run, service_on
from tests.driven_clock import DrivenClock

REQUEST = GenerationRequest(
    prompt="character1 waves at character2",
    video_urls=("https://example.com/a.mp4", "https://example.com/b.mp4"),
    resolution=Resolution.FULL_HD,
    duration=10,
    seed=42,
)


def generate(home: Path, sim: Simulator, **kw: object) -> Job:
    async def scenario() -> Job:
        async with service_on(home, sim.base_url, **kw) as service:  # type: ignore[arg-type]
            job = await service.submit(REQUEST)
            if job.state.is_followable:
                job = await service.follow(job.id)
            return job

    return run(scenario())


def test_round_trip_to_a_verified_file_and_sidecar(
    tmp_path: Path, sim: Simulator, demo_clip: bytes
) -> None:
    seen: list[JobState] = []
    job = generate(tmp_path, sim, listener=on_jobs(lambda j: seen.append(j.state)))
    assert job.state is JobState.DONE
    assert job.file_path is not None
    assert job.file_path.parent == tmp_path / "library"
    assert job.file_path.name.endswith(f"_character1-waves-at-character2_{job.id[:8]}.mp4")
    assert job.file_path.read_bytes() == demo_clip
    assert job.file_sha256 == hashlib.sha256(demo_clip).hexdigest()
    assert job.credits_used == 3_150_000
    assert not list((tmp_path / "library").glob("*.part"))
    sidecar = json.loads(job.file_path.with_suffix(".json").read_text())
    assert sidecar["request"] == REQUEST.to_json()
    assert sidecar["generation_id"] == job.generation_id
    assert sidecar["seed"] == 42
    assert sidecar["credits_used"] == 3_150_000
    assert sidecar["reference_urls"] == list(REQUEST.video_urls)
    assert sidecar["sha256"] == job.file_sha256
    for state in (JobState.SUBMITTING, JobState.QUEUED, JobState.DOWNLOADING, JobState.DONE):
        assert state in seen
    assert sim.count("POST", GENERATIONS_PATH) == 1


def test_no_authorization_reaches_the_cdn(tmp_path: Path, sim: Simulator) -> None:
    generate(tmp_path, sim)
    cdn = [r for r in sim.requests if r.path.startswith("/cdn/")]
    api = [r for r in sim.requests if r.path == GENERATIONS_PATH]
    assert cdn and api
    assert all("authorization" not in r.headers for r in cdn)
    assert all(r.headers["authorization"] == f"Bearer {TEST_KEY}" for r in api)


def test_polling_costs_one_get_per_interval(tmp_path: Path) -> None:
    config = SimulatorConfig(api_key=TEST_KEY, queued_seconds=0.5, generating_seconds=1.0)
    with Simulator(config) as slow:
        settings = fast_course(poll_interval=0.25, first_poll_delay=0.25)
        job = generate(tmp_path, slow, policy=settings)
        polls = [r.at for r in slow.requests if r.method == "GET" and r.path == GENERATIONS_PATH]
    assert job.state is JobState.DONE
    gaps = [b - a for a, b in itertools.pairwise(polls)]
    assert min(gaps) >= 0.24
    assert len(polls) <= 1.5 / 0.25 + 2
    # Only polls that brought news were written down (queued, generating, completed).
    journaled = [e for e in HistoryQueries(tmp_path / "journal.sqlite3").events(job.id)
                 if e["kind"] == "poll"]  # fmt: skip
    assert len(polls) > len(journaled) and len(journaled) <= 3


def test_failed_generation_keeps_the_services_message(tmp_path: Path, sim: Simulator) -> None:
    sim.add_fault(Fault("generation", message="Reference 2 shows more than one character"))
    job = generate(tmp_path, sim)
    assert job.state is JobState.FAILED
    assert job.error is not None
    assert job.error.kind is ErrorKind.GENERATION_FAILED
    assert "more than one character" in job.error.message
    assert job.file_path is None


def test_rejected_request_is_not_charged_or_resent(tmp_path: Path, sim: Simulator) -> None:
    sim.add_fault(Fault("create", status=403))
    job = generate(tmp_path, sim)
    assert job.state is JobState.REJECTED
    assert job.error is not None and "run out of credits" in job.error.message
    assert job.error.request_id
    assert job.generation_id is None
    assert sim.count("POST", GENERATIONS_PATH) == 1


def test_ambiguous_post_becomes_unknown_and_is_never_resent(tmp_path: Path, sim: Simulator) -> None:
    sim.add_fault(Fault("create", drop=True))
    job = generate(tmp_path, sim)
    assert job.state is JobState.UNKNOWN
    assert job.error is not None and "may or may not" in job.error.message

    async def resume() -> list[Job]:
        async with service_on(tmp_path, sim.base_url) as service:
            service.recover_interrupted()
            return service.followable()

    assert run(resume()) == []
    assert sim.count("POST", GENERATIONS_PATH) == 1


def test_server_error_on_post_is_unknown_not_retried(tmp_path: Path, sim: Simulator) -> None:
    sim.add_fault(Fault("create", status=500))
    job = generate(tmp_path, sim)
    assert job.state is JobState.UNKNOWN
    assert sim.count("POST", GENERATIONS_PATH) == 1


def test_mid_download_drop_resumes_with_range(
    tmp_path: Path, sim: Simulator, demo_clip: bytes
) -> None:
    sim.add_fault(Fault("cdn", drop_after_bytes=70_000))
    job = generate(tmp_path, sim)
    assert job.state is JobState.DONE
    assert job.file_path is not None and job.file_path.read_bytes() == demo_clip
    assert job.file_sha256 == hashlib.sha256(demo_clip).hexdigest()
    cdn = [r for r in sim.requests if r.path.startswith("/cdn/")]
    assert len(cdn) == 2
    assert "range" not in cdn[0].headers
    assert cdn[1].headers["range"].startswith("bytes=")
    assert int(cdn[1].headers["range"][6:-1]) > 0


def test_a_cdn_that_says_gzip_and_is_not_is_retried_then_saves_the_clip(
    tmp_path: Path, sim: Simulator, demo_clip: bytes
) -> None:
    sim.add_fault(Fault("cdn", answer_headers=(("Content-Encoding", "gzip"),)))
    job = generate(tmp_path, sim)
    assert job.state is JobState.DONE
    assert job.file_path is not None and job.file_path.read_bytes() == demo_clip
    assert len([r for r in sim.requests if r.path.startswith("/cdn/")]) == 2


def test_server_ignoring_range_restarts_from_zero(
    tmp_path: Path, sim: Simulator, demo_clip: bytes
) -> None:
    sim.add_fault(Fault("cdn", drop_after_bytes=50_000))
    sim.add_fault(Fault("cdn", ignore_range=True))
    job = generate(tmp_path, sim)
    assert job.file_path is not None and job.file_path.read_bytes() == demo_clip
    assert job.file_sha256 == hashlib.sha256(demo_clip).hexdigest()


def test_a_part_left_by_an_earlier_run_is_resumed_and_hashed_whole(
    tmp_path: Path, sim: Simulator, demo_clip: bytes
) -> None:
    """The hash is kept while streaming; a part file from before is hashed once, then
    the rest streams on top of it."""

    async def scenario() -> str:
        async with service_on(tmp_path, sim.base_url) as service:
            job = await service.submit(REQUEST)
            link = sim.signed_link(job.generation_id or "", f"127.0.0.1:{sim.port}")
            target = tmp_path / "clip.mp4"
            part_path(target).write_bytes(demo_clip[:100_000])
            downloader = ClipDownloader(httpx.AsyncClient())
            try:
                saved = await downloader.download(link, target, lambda done, total: None)
            finally:
                await downloader.aclose()
            assert saved.path.read_bytes() == demo_clip
            return saved.sha256

    assert run(scenario()) == hashlib.sha256(demo_clip).hexdigest()
    cdn = [r for r in sim.requests if r.path.startswith("/cdn/")]
    assert [r.headers.get("range") for r in cdn] == ["bytes=100000-"]


def test_expired_link_is_refreshed_by_polling_again(
    tmp_path: Path, sim: Simulator, demo_clip: bytes
) -> None:
    sim.add_fault(Fault("cdn", status=403, times=1))
    job = generate(tmp_path, sim)
    assert job.state is JobState.DONE
    assert job.file_path is not None and job.file_path.read_bytes() == demo_clip
    history = HistoryQueries(tmp_path / "journal.sqlite3")
    assert "link_refreshed" in [e["kind"] for e in history.events(job.id)]


def test_clip_whose_link_never_works_again_is_lost(tmp_path: Path) -> None:
    config = SimulatorConfig(
        api_key=TEST_KEY, queued_seconds=0, generating_seconds=0.2, link_ttl_seconds=-5
    )
    with Simulator(config) as expiring:
        job = generate(tmp_path, expiring)
    assert job.state is JobState.LOST
    assert job.error is not None and "expired" in job.error.message


def test_an_accepted_job_not_found_for_the_whole_grace_is_lost_not_failed(
    tmp_path: Path, sim: Simulator
) -> None:
    sim.add_fault(Fault("poll", status=404, message="Generation not found", times=1000))
    settings = fast_course(poll_interval=0.05, first_poll_delay=0.0, not_found_grace=0.5)
    job = generate(tmp_path, sim, policy=settings)
    assert job.state is JobState.LOST  # accepted: maybe billed, never "failed"
    assert job.error is not None and "did not know it for 15 minutes" in job.error.message
    assert job.finished_at is not None
    assert sim.count("POST", GENERATIONS_PATH) == 1


def test_a_job_with_no_end_stops_being_followed_with_a_sentence_and_can_be_followed_again(
    tmp_path: Path, demo_clip: bytes
) -> None:
    config = replace(FAST_SIM, generating_seconds=1.5)
    settings = fast_course(poll_interval=0.05, first_poll_delay=0.0, longest_follow=0.5)

    async def scenario(sim: Simulator) -> tuple[Job, Job]:
        async with service_on(tmp_path, sim.base_url, policy=settings) as service:
            job = await service.submit(REQUEST)
            given_up = await service.follow(job.id)
            await asyncio.sleep(1.2)  # the service finishes meanwhile
            service.follow_again(job.id)  # the same time again, from now
            return given_up, await service.follow(job.id)

    with Simulator(config) as sim:
        given_up, done = run(scenario(sim))
    assert given_up.state is JobState.GENERATING and not given_up.followed
    assert given_up.error is not None and given_up.error.kind is ErrorKind.NO_END
    assert "stopped following it" in given_up.error.message
    assert done.state is JobState.DONE and done.error is None
    assert done.file_path is not None and done.file_path.read_bytes() == demo_clip


def test_a_job_with_no_end_is_polled_at_the_window_s_pace_until_given_up_in_driven_time(
    tmp_path: Path,
) -> None:
    """The window's own pace (15 s polls, the first after 5 s) on a job the service never
    ends, given up after half an hour here (two hours in the app): the follower waits on
    the driven clock, so the half hour passes at once and its waits and polls are
    counted. Each poll still does its real work (a GET, journal writes): ~45 ms here."""
    config = replace(FAST_SIM, generating_seconds=10**6)
    policy = replace(
        CoursePolicy.paced(DEFAULT_POLL_INTERVAL, keep_trying=True), longest_follow=1800.0
    )
    clock = DrivenClock()

    async def scenario(sim: Simulator) -> Job:
        async with service_on(tmp_path, sim.base_url, policy=policy, clock=clock) as service:
            return await service.follow((await service.submit(REQUEST)).id)

    with Simulator(config) as sim:
        began = clock.now
        given_up = run(scenario(sim))
        polls = sim.count("GET", GENERATIONS_PATH)
    assert given_up.error is not None and given_up.error.kind is ErrorKind.NO_END
    assert given_up.state is JobState.GENERATING and not given_up.followed
    assert clock.now - began >= policy.longest_follow
    longest_wait = policy.poll_interval * (1 + POLL_SPREAD)
    assert clock.slept[0] <= policy.first_poll_delay * (1 + POLL_SPREAD)
    assert max(clock.slept) <= longest_wait
    assert policy.longest_follow / longest_wait - 2 <= polls <= policy.longest_follow / 15 + 2


def test_polls_learn_how_long_jobs_like_it_take(tmp_path: Path) -> None:
    """A 4 s job polled every second: about five GETs, and known up to a second late; once
    the history has jobs like it, the first poll waits for their usual end."""
    config = SimulatorConfig(api_key=TEST_KEY, queued_seconds=0.5, generating_seconds=3.5)
    careful = fast_course(poll_interval=0.2, first_poll_delay=0.05)
    paced = fast_course(poll_interval=1.0, first_poll_delay=0.05, near_end_interval=0.1)

    async def follow(service: JobService) -> Job:
        job = await service.submit(REQUEST)
        return await service.follow(job.id)

    async def scenario() -> list[Job]:
        async with service_on(tmp_path, slow.base_url, policy=careful) as service:
            await asyncio.gather(*(follow(service) for _ in range(3)))
        async with service_on(tmp_path, slow.base_url, policy=paced, learn=True) as service:
            return [await follow(service)]

    with Simulator(config) as slow:
        (job,) = run(scenario())
        polls = [r for r in slow.requests if r.method == "GET" and r.path == GENERATIONS_PATH]
    assert job.state is JobState.DONE and job.generation_id is not None
    mine = [r for r in polls if r.query["generation_id"] == [job.generation_id]]
    assert len(mine) <= 3  # a plain pace of 1 s costs 5 or 6
    record = decode_id(job.generation_id)
    assert record is not None and job.completed_at is not None
    ready = record.created + config.queued_seconds + config.generating_seconds
    assert 0 <= job.completed_at - ready <= 0.5


def test_back_off_waits_at_most_eight_intervals_and_two_minutes_but_for_retry_after() -> None:
    quick = Backoff(CoursePolicy(poll_interval=1.0).follow_growth, time.monotonic)
    waits = [quick.failed() for _ in range(6)]
    assert max(waits) <= 8.0 and sum(waits) <= 2 + 4 + 8 * 4  # not 132 s, as it was
    slow = Backoff(CoursePolicy(poll_interval=60.0).follow_growth, time.monotonic)
    assert max(slow.failed() for _ in range(6)) <= 120.0
    assert slow.failed(retry_after=200.0) == 200.0  # the service asked for longer


def test_poll_errors_back_off_then_recover(tmp_path: Path, sim: Simulator) -> None:
    sim.add_fault(Fault("poll", status=503, times=5))  # more than the client's own retries
    job = generate(tmp_path, sim)
    assert job.state is JobState.DONE
    history = HistoryQueries(tmp_path / "journal.sqlite3")
    assert "follow_error" in [e["kind"] for e in history.events(job.id)]


def test_unknown_status_is_kept_raw_and_polling_goes_on(tmp_path: Path, sim: Simulator) -> None:
    weird = json.dumps({"id": "x", "status": "paused_for_review", "video": None})
    sim.add_fault(Fault("poll", status=200, body=weird, content_type="application/json"))
    details: list[str | None] = []
    job = generate(tmp_path, sim, listener=on_jobs(lambda j: details.append(j.status_detail)))
    assert "paused_for_review" in details
    assert job.state is JobState.DONE


def test_a_restarted_simulator_still_knows_the_job(tmp_path: Path, demo_clip: bytes) -> None:
    async def submit(base_url: str) -> Job:
        async with service_on(tmp_path, base_url) as service:
            return await service.submit(REQUEST)

    async def follow(base_url: str, job_id: str) -> Job:
        async with service_on(tmp_path, base_url) as service:
            return await service.follow(job_id)

    with Simulator(FAST_SIM) as first:
        job = run(submit(first.base_url))
    with Simulator(FAST_SIM) as second:
        job = run(follow(second.base_url, job.id))
    assert job.state is JobState.DONE
    assert job.file_path is not None and job.file_path.read_bytes() == demo_clip


def test_a_job_followed_elsewhere_is_not_followed_twice(tmp_path: Path, sim: Simulator) -> None:
    async def scenario() -> Job:
        async with service_on(tmp_path, sim.base_url) as window:
            job = await window.submit(REQUEST)
            following = asyncio.create_task(window.follow(job.id))
            await asyncio.sleep(0)  # let the window's follow start and take the lease
            async with service_on(tmp_path, sim.base_url) as cli:
                assert cli.followable() == []
                with pytest.raises(JobBusyError):
                    await cli.follow(job.id)
            return await following

    job = run(scenario())
    assert job.state is JobState.DONE
    assert len([r for r in sim.requests if r.path.startswith("/cdn/")]) == 1


def test_stop_following_ends_polling_and_keeps_the_job(tmp_path: Path) -> None:
    config = SimulatorConfig(api_key=TEST_KEY, queued_seconds=30, generating_seconds=30)
    with Simulator(config) as slow:

        def polls() -> int:
            return slow.count("GET", GENERATIONS_PATH)

        async def scenario() -> Job:
            async with service_on(tmp_path, slow.base_url) as service:
                job = await service.submit(REQUEST)
                following = asyncio.create_task(service.follow(job.id))
                while polls() < 2:  # noqa: ASYNC110 (counted on the simulator's thread)
                    await asyncio.sleep(0.02)
                service.stop_following(job.id)
                return await following

        job = run(scenario())
        polls_when_stopped = polls()
    assert job.state is JobState.QUEUED
    assert not job.followed
    assert polls_when_stopped <= 3  # at most the poll that was already on its way


def test_give_up_leaves_the_job_resumable(tmp_path: Path, sim: Simulator) -> None:
    sim.add_fault(Fault("poll", status=503, times=1000))
    settings = fast_course(poll_interval=0.05, first_poll_delay=0.01, give_up_after=0.3)

    async def scenario() -> None:
        async with service_on(tmp_path, sim.base_url, policy=settings) as service:
            job = await service.submit(REQUEST)
            with pytest.raises(FollowInterruptedError) as raised:
                await service.follow(job.id)
            assert "problem on its side" in str(raised.value)
            assert [j.id for j in service.followable()] == [job.id]

    run(scenario())


def test_a_download_that_keeps_failing_backs_off_and_is_told_once(
    tmp_path: Path, sim: Simulator
) -> None:
    sim.add_fault(Fault("cdn", status=500, times=10_000))
    settings = fast_course(poll_interval=0.1, first_poll_delay=0.01, keep_trying=True,
                              give_up_after=None, max_backoff=1.0)  # fmt: skip
    events: list[JobEvent] = []

    async def scenario() -> Job:
        async with service_on(
            tmp_path, sim.base_url, policy=settings, listener=events.append
        ) as service:
            job = await service.submit(REQUEST)
            following = asyncio.create_task(service.follow(job.id))
            await asyncio.sleep(3.0)
            assert not following.done()  # it keeps trying, by itself
            following.cancel()
            await asyncio.gather(following, return_exceptions=True)
            return job

    job = run(scenario())
    cdn = [r for r in sim.requests if r.path.startswith("/cdn/")]
    # Each round is the downloader's own 4 tries; rounds are 0.2, 0.4, 0.8, 1, 1 s apart.
    assert 2 * 4 <= len(cdn) <= 7 * 4, len(cdn)
    troubles = [e for e in events if isinstance(e, JobTrouble)]
    assert len(troubles) == 1 and troubles[0].job.id == job.id
    assert "HTTP 500" in troubles[0].error.message


def test_many_jobs_ending_together_download_two_at_a_time(tmp_path: Path) -> None:
    """Five variations end at once: their clips come two at a time, and all of them come."""
    config = replace(FAST_SIM, cdn_bytes_per_second=600_000)  # each clip takes ~0.5 s
    with Simulator(config) as slow_cdn:

        async def scenario() -> list[Job]:
            async with service_on(tmp_path, slow_cdn.base_url) as service:
                jobs = await service.submit_batch([replace(REQUEST, seed=s) for s in range(5)])
                return list(await asyncio.gather(*(service.follow(j.id) for j in jobs)))

        jobs = run(scenario())
        peak = slow_cdn.peak_clips_sending
    assert [job.state for job in jobs] == [JobState.DONE] * 5
    assert peak == CoursePolicy().downloads_at_once == 2

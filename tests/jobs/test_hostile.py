"""A hostile or broken server and a broken disk, against the simulator: every answer is
read within bounds and in linear time, every case ends in a clear, recorded state, and no
clip is ever `done` unless it is whole."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest

from desktop_app.api.client import MAX_ANSWER_BYTES, network_sentence
from desktop_app.api.errors import BadResponseError, ServerError
from desktop_app.domain.job import Job, JobState
from desktop_app.domain.request import GenerationRequest
from desktop_app.jobs.errors import FollowInterruptedError
from desktop_app.simulator import Fault, Simulator
from tests.conftest import make_client, run, service_on

REQUEST = GenerationRequest(prompt="character1 waves", video_urls=("https://example.com/a.mp4",))


def poll_with(sim: Simulator, fault: Fault) -> Exception:
    async def scenario() -> Exception:
        client = make_client(sim.base_url)
        try:
            created = await client.create(REQUEST, "req")
            sim.add_fault(fault)
            with pytest.raises((BadResponseError, ServerError)) as raised:
                await client.get(created.id)
            return raised.value
        finally:
            await client.aclose()

    return run(scenario())


def json_fault(body: str, status: int = 200) -> Fault:
    return Fault("poll", status=status, body=body, content_type="application/json")


@pytest.mark.timeout(60)
def test_a_huge_answer_is_not_read_past_its_cap(sim: Simulator) -> None:
    huge = json.dumps({"id": "x", "status": "queued", "pad": "a" * (3 * MAX_ANSWER_BYTES)})
    error = poll_with(sim, json_fault(huge))
    assert isinstance(error, BadResponseError)
    assert "larger than 1024 KB" in error.explain()


@pytest.mark.timeout(60)
def test_hostile_bodies_are_parsed_in_linear_time(sim: Simulator) -> None:
    titles = poll_with(sim, Fault("poll", status=502, body="<title>" * 30_000))
    assert isinstance(titles, ServerError)
    nested = poll_with(sim, json_fault("[" * 200_000 + "]" * 200_000))
    assert isinstance(nested, BadResponseError) and "nested too deeply" in nested.explain()


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ({"id": "g" * 300, "status": "queued"}, "not a usable id"),
        ({"id": "ok", "status": "completed", "video": {"url": "https://cdn/a\x07b.mp4"}},
         "not a usable http(s) link"),
        ({"id": "ok", "status": "completed", "video": {"url": "file:///etc/passwd"}},
         "not a usable http(s) link"),
    ],
)  # fmt: skip
def test_unusable_ids_and_links_are_protocol_errors(
    sim: Simulator, answer: dict[str, object], words: str
) -> None:
    error = poll_with(sim, json_fault(json.dumps(answer)))
    assert isinstance(error, BadResponseError) and words in error.explain()


def test_a_giant_generation_id_on_submit_is_not_journaled(tmp_path: Path, sim: Simulator) -> None:
    sim.add_fault(
        Fault("create", status=201, body=json.dumps({"id": "x" * 5_000_000, "status": "queued"}),
              content_type="application/json")
    )  # fmt: skip

    async def scenario() -> Job:
        async with service_on(tmp_path, sim.base_url) as service:
            return await service.submit(REQUEST)

    job = run(scenario())
    assert job.state is JobState.UNKNOWN and job.generation_id is None
    assert (tmp_path / "journal.sqlite3").stat().st_size < 1_000_000


def follow_to_end(tmp_path: Path, sim: Simulator, **kw: object) -> Job:
    async def scenario() -> Job:
        async with service_on(tmp_path, sim.base_url, **kw) as service:  # type: ignore[arg-type]
            job = await service.submit(REQUEST)
            return await service.follow(job.id)

    return run(scenario())


def test_a_clip_larger_than_the_cap_is_refused_before_writing(
    tmp_path: Path, sim: Simulator
) -> None:
    sim.add_fault(Fault("cdn", announce_length=10 * 1024**3))
    job = follow_to_end(tmp_path, sim)
    assert job.state is JobState.LOST
    assert job.error is not None and "10.7 GB" in job.error.message
    assert not list((tmp_path / "library").glob("*.part")) or all(
        p.stat().st_size == 0 for p in (tmp_path / "library").glob("*.part")
    )


def test_a_full_disk_stops_the_download_clearly_and_download_again_finishes(
    tmp_path: Path, sim: Simulator, demo_clip: bytes
) -> None:
    job = follow_to_end(tmp_path, sim, free_space=lambda folder: 1_000_000)
    assert job.state is JobState.DOWNLOADING and not job.followed
    assert job.error is not None
    assert "The disk is full" in job.error.message and "Download again" in job.error.message

    async def again() -> Job:
        async with service_on(tmp_path, sim.base_url) as service:
            return await service.download_again(job.id)

    done = run(again())
    assert done.state is JobState.DONE and done.error is None
    assert done.file_path is not None and done.file_path.read_bytes() == demo_clip


def test_a_disk_that_fills_mid_download_is_told_as_a_full_disk(
    tmp_path: Path, sim: Simulator
) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")

    async def scenario() -> Job:
        async with service_on(tmp_path, sim.base_url) as service:
            job = await service.submit(REQUEST)
            library = tmp_path / "library"
            library.mkdir()
            # Every write to the clip's part file now fails as on a full disk.
            target = service.clip_target(job)
            os.symlink("/dev/full", target.with_name(target.name + ".part"))
            return await service.follow(job.id)

    job = run(scenario())
    assert job.state is JobState.DOWNLOADING and not job.followed
    assert job.error is not None and "The disk is full" in job.error.message


def test_a_body_longer_than_announced_is_never_a_done_clip(
    tmp_path: Path, sim: Simulator, demo_clip: bytes
) -> None:
    sim.add_fault(Fault("cdn", announce_length=len(demo_clip) - 1000))
    with pytest.raises(FollowInterruptedError, match="not a whole MP4"):
        follow_to_end(tmp_path, sim)
    assert not list((tmp_path / "library").glob("*.mp4"))


def test_network_sentences_never_carry_the_libraries_text() -> None:
    error = httpx.LocalProtocolError("Illegal header value b'Bearer sk-A\\nB'")
    sentence = network_sentence(error, sent=False)
    assert "sk-A" not in sentence and "Illegal" not in sentence
    assert "never left this computer" in sentence

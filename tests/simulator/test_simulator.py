"""The simulator behaves like the service: its validation wording, keys, ids, CDN."""

from __future__ import annotations

import time

import httpx

from desktop_app.simulator import Fault, Simulator, SimulatorConfig
from desktop_app.simulator.ids import GenerationRecord, decode_id, encode_id
from tests.conftest import FAST_SIM, TEST_KEY

AUTH = {"Authorization": f"Bearer {TEST_KEY}"}
PATH = "/v2/video/generations"


def test_validation_errors_use_the_services_shape(sim: Simulator) -> None:
    body = {
        "model": "alibaba/wan-2-6-r2v",
        "prompt": "p",
        "video_urls": ["https://a/1.mp4", "https://a/2.mp4", "https://a/3.mp4", "https://a/4.mp4"],
        "aspect_ratio": "2:1",
        "duration": 7,
    }
    response = httpx.post(sim.base_url + PATH, json=body, headers=AUTH)
    assert response.status_code == 400
    data = response.json()
    assert data["statusCode"] == 400
    assert data["path"] == PATH
    assert data["requestId"]
    lines = data["message"].splitlines()
    assert lines[0] == "Body validation error"
    assert "[video_urls] Array must contain at most 3 element(s)" in lines
    assert any(line.startswith("[aspect_ratio] Invalid enum value") for line in lines)
    assert any(line.startswith("[duration] Invalid enum value") for line in lines)


def test_key_is_checked(sim: Simulator) -> None:
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": TEST_KEY}):
        response = httpx.get(sim.base_url + PATH, params={"generation_id": "x"}, headers=headers)
        assert response.status_code == 401
        assert "valid API key" in response.json()["message"]


def test_generation_progresses_and_its_link_expires(sim: Simulator) -> None:
    body = {"model": "alibaba/wan-2-6-r2v", "prompt": "p", "video_urls": ["https://a/1.mp4"]}
    created = httpx.post(sim.base_url + PATH, json=body, headers=AUTH).json()
    assert created["status"] == "queued"
    record = decode_id(created["id"])
    assert record is not None
    assert record.duration == 10
    assert record.resolution == "1080p"
    assert decode_id(created["id"][:-1] + "x") is None  # a forged id is unknown


def test_ids_survive_a_restart_on_another_port() -> None:
    record = GenerationRecord(
        created=time.time() - 60,
        queued_seconds=1,
        generating_seconds=1,
        duration=5,
        resolution="720p",
    )
    generation_id = encode_id(record)
    with Simulator(FAST_SIM) as fresh:
        answer = httpx.get(
            fresh.base_url + PATH, params={"generation_id": generation_id}, headers=AUTH
        ).json()
        assert answer["status"] == "completed"
        assert answer["meta"]["usage"]["credits_used"] == 5 * 210_000
        url = answer["video"]["url"]
        assert "Expires=" in url and "Signature=" in url
        clip = httpx.get(url)
        assert clip.status_code == 200
        assert clip.headers["content-type"] == "video/mp4"
        ranged = httpx.get(url, headers={"Range": "bytes=100-"})
        assert ranged.status_code == 206
        assert ranged.content == clip.content[100:]
        assert (
            ranged.headers["content-range"]
            == f"bytes 100-{len(clip.content) - 1}/{len(clip.content)}"
        )
        tampered = httpx.get(url.replace("Expires=", "Expires=9"))
        assert tampered.status_code == 403


def test_expired_links_are_refused() -> None:
    config = SimulatorConfig(
        api_key=TEST_KEY, queued_seconds=0, generating_seconds=0, link_ttl_seconds=-1
    )
    with Simulator(config) as expired:
        body = {"model": "alibaba/wan-2-6-r2v", "prompt": "p", "video_urls": ["https://a/1.mp4"]}
        created = httpx.post(expired.base_url + PATH, json=body, headers=AUTH).json()
        answer = httpx.get(
            expired.base_url + PATH, params={"generation_id": created["id"]}, headers=AUTH
        ).json()
        assert httpx.get(answer["video"]["url"]).status_code == 403


def test_scripted_generation_failure(sim: Simulator) -> None:
    sim.add_fault(Fault("generation", message="Reference 1 shows two people"))
    body = {"model": "alibaba/wan-2-6-r2v", "prompt": "p", "video_urls": ["https://a/1.mp4"]}
    created = httpx.post(sim.base_url + PATH, json=body, headers=AUTH).json()
    record = decode_id(created["id"])
    assert record is not None
    assert record.failure == "Reference 1 shows two people"


def refused_for(sim: Simulator, body: dict[str, object]) -> list[str]:
    response = httpx.post(sim.base_url + PATH, json=body, headers=AUTH)
    return [] if response.status_code == 201 else response.json()["message"].splitlines()[1:]


def test_each_model_is_validated_as_the_service_validates_it(sim: Simulator) -> None:
    clip, still = "https://a/1.mp4", "https://a/face.png"
    wan26 = {"model": "alibaba/wan-2-6-r2v", "prompt": "p", "video_urls": [clip]}
    wan27 = {"model": "alibaba/wan-2-7-r2v", "prompt": "p", "image_urls": [still]}
    assert refused_for(sim, wan26) == [] and refused_for(sim, wan27) == []
    assert refused_for(sim, {**wan26, "image_urls": [still]}) == [
        "Unrecognized key(s) in object: 'image_urls'"
    ]
    assert refused_for(sim, {**wan27, "shot_type": "multi"}) == [
        "Unrecognized key(s) in object: 'shot_type'"
    ]
    six = {**wan27, "video_urls": [clip] * 3, "image_urls": [still] * 3}
    assert refused_for(sim, six) == [
        "[video_urls] Provide between 1 and 5 references (video_urls and image_urls together)"
    ]
    assert refused_for(sim, {**wan27, "first_frame_image": "not a link"}) == [
        "[first_frame_image] Invalid url"
    ]
    assert refused_for(sim, {**wan27, "model": "alibaba/wan-3"})[0].startswith(
        "[model] Invalid enum value. Expected 'alibaba/wan-2-6-r2v' | 'alibaba/wan-2-7-r2v'"
    )
    assert refused_for(sim, {**wan27, "prompt": "x" * 5000}) == []
    assert refused_for(sim, {**wan26, "prompt": "x" * 1501}) == [
        "[prompt] String must contain at most 1500 character(s)"
    ]

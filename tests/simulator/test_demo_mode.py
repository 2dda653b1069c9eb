"""Demo mode behaves like the service: a clip of the duration, aspect ratio and resolution
asked for (drawn once per shape, then kept), and an account whose balance and ledger, and a
generation running across a restart, survive the restart."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import av
import httpx

from desktop_app.simulator import Simulator
from tests.conftest import FAST_SIM, TEST_KEY

AUTH = {"Authorization": f"Bearer {TEST_KEY}"}
PATH = "/v2/video/generations"


def generate(sim: Simulator, **fields: object) -> str:
    body = {"model": "alibaba/wan-2-6-r2v", "prompt": "character1 waves",
            "video_urls": ["https://e.com/a.mp4"], **fields}  # fmt: skip
    answer = httpx.post(sim.base_url + PATH, json=body, headers=AUTH)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def finished_link(sim: Simulator, generation_id: str) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        answer = httpx.get(sim.base_url + PATH, params={"generation_id": generation_id},
                           headers=AUTH).json()  # fmt: skip
        if answer["status"] == "completed":
            return str(answer["video"]["url"])
        time.sleep(0.1)
    raise AssertionError("the generation did not complete")


def test_a_15_s_portrait_request_gets_a_15_s_portrait_clip(tmp_path: Path) -> None:
    config = replace(FAST_SIM, render_folder=tmp_path / "clips")
    with Simulator(config) as sim:
        link = finished_link(sim, generate(sim, duration=15, aspect_ratio="9:16",
                                           resolution="720p"))  # fmt: skip
        clip = tmp_path / "got.mp4"
        clip.write_bytes(httpx.get(link, timeout=60).content)
        again = finished_link(sim, generate(sim, duration=15, aspect_ratio="9:16",
                                            resolution="720p", seed=3))  # fmt: skip
        assert httpx.get(again, timeout=60).content == clip.read_bytes()  # drawn once
    with av.open(str(clip)) as got:
        video = got.streams.video[0]
        assert (video.width, video.height) == (720, 1280)
        assert abs(float(got.duration or 0) / 1_000_000 - 15.0) < 0.1
        assert video.frames == 15 * 24
        assert got.streams.audio  # with sound, as the service's
    assert [p.name for p in (tmp_path / "clips").iterdir()] == ["demo-15s-720x1280.mp4"]


def test_the_demo_account_survives_a_restart(tmp_path: Path) -> None:
    kept = tmp_path / "account.jsonl"
    config = replace(FAST_SIM, account_file=kept, ledger_delay_seconds=0.0,
                     queued_seconds=0.5, generating_seconds=1.5)  # fmt: skip
    with Simulator(config) as first:
        running = generate(first, duration=5, resolution="720p")
    # The app restarts while the generation still renders.
    with Simulator(config) as second:
        link = finished_link(second, running)
        assert link
        balance = httpx.get(second.base_url + "/v2/billing", headers=AUTH).json()
        assert balance["current_balance"] == 100.0 - 0.5  # 5 s at 720p, $0.10 a second

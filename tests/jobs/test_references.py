"""Reference links are checked without the key, and the checks only warn."""

from __future__ import annotations

import socket

import httpx

from desktop_app.jobs.references import ReferenceCheck, ReferenceProbe
from desktop_app.resources import resource
from desktop_app.simulator import Simulator, SimulatorConfig
from tests.conftest import TEST_KEY, run


def probe(url: str) -> ReferenceCheck:
    async def scenario() -> ReferenceCheck:
        async with httpx.AsyncClient(follow_redirects=True) as http:
            return await ReferenceProbe(http).check(url)

    return run(scenario())


def test_a_served_clip_is_reachable_video_with_its_size() -> None:
    clip = resource("demo.mp4")
    config = SimulatorConfig(api_key=TEST_KEY, samples=(clip,))
    with Simulator(config) as host:
        check = probe(f"{host.base_url}/samples/{clip.name}")
        requests = host.requests
    assert check.reachable
    assert check.content_type == "video/mp4"
    assert check.size == clip.stat().st_size
    assert check.warnings == ()
    assert requests
    assert all("authorization" not in r.headers for r in requests)


def test_a_page_that_is_not_a_video_is_warned_about(sim: Simulator) -> None:
    check = probe(f"{sim.base_url}/samples/missing.mp4")
    assert not check.reachable
    assert check.status == 404
    assert any("HTTP 404" in w for w in check.warnings)
    assert any("not a video" in w for w in check.warnings)


def test_an_unreachable_host_is_a_warning_not_an_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    check = probe(f"http://127.0.0.1:{port}/a.mp4")
    assert not check.reachable
    assert "may still be able to fetch it" in check.warnings[0]

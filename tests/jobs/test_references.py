"""Reference links are checked without the key, and the checks only warn."""

from __future__ import annotations

import socket

import httpx

from desktop_app.api.client import default_timeout
from desktop_app.domain.reference_check import ReferenceCheck
from desktop_app.jobs.addresses import AddressKind, kind_of_address, may_follow
from desktop_app.jobs.references import ReferenceProbe, keyless_client
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


def test_address_kinds() -> None:
    """The rule alone, on addresses never contacted."""
    assert kind_of_address("169.254.169.254") is AddressKind.LINK_LOCAL
    assert kind_of_address("10.1.2.3") is AddressKind.PRIVATE
    assert kind_of_address("192.168.0.1") is AddressKind.PRIVATE
    assert kind_of_address("127.0.0.5") is AddressKind.LOOPBACK
    assert kind_of_address("::1") is AddressKind.LOOPBACK
    assert kind_of_address("::ffff:169.254.169.254") is AddressKind.LINK_LOCAL
    assert kind_of_address("fe80::1") is AddressKind.LINK_LOCAL
    assert kind_of_address("93.184.216.34") is AddressKind.PUBLIC
    assert not may_follow(AddressKind.PUBLIC, AddressKind.LINK_LOCAL)
    assert not may_follow(AddressKind.PUBLIC, AddressKind.LOOPBACK)
    assert may_follow(AddressKind.PUBLIC, AddressKind.PUBLIC)
    assert may_follow(AddressKind.LOOPBACK, AddressKind.LOOPBACK)


def test_a_redirect_from_a_public_host_to_a_private_one_is_not_followed() -> None:
    """Two loopback hosts stand in for the internet and a private network: a test seam
    classifies 127.0.0.2 as public and 127.0.0.3 as private. Nothing else is contacted."""
    kinds = {"127.0.0.2": AddressKind.PUBLIC, "127.0.0.3": AddressKind.PRIVATE}

    async def classify(host: str) -> AddressKind:
        return kinds[host]

    clip = resource("demo.mp4")
    config = SimulatorConfig(api_key=TEST_KEY, samples=(clip,))
    with (
        Simulator(config, host="127.0.0.2") as public,
        Simulator(config, host="127.0.0.3") as private,
    ):
        inside = f"{private.base_url}/samples/{clip.name}"
        also_public = f"{public.base_url}/samples/{clip.name}"

        async def scenario() -> tuple[ReferenceCheck, ReferenceCheck]:
            async with keyless_client(default_timeout()) as http:
                probe = ReferenceProbe(http, classify=classify)
                refused = await probe.check(f"{public.base_url}/redirect?to={inside}")
                followed = await probe.check(f"{public.base_url}/redirect?to={also_public}")
                return refused, followed

        refused, followed = run(scenario())
        assert private.requests == []  # the private host never heard from us
        cookies = [r.headers.get("cookie") for r in public.requests]
    assert not refused.reachable and refused.final_url is None
    assert "local or private address (127.0.0.3)" in refused.warnings[0]
    assert followed.reachable and followed.final_url == also_public
    assert cookies and all(c is None for c in cookies)  # the redirect's cookie never sent

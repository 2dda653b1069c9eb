"""Local validation: every rule names its field, and nothing invalid gets a body."""

from __future__ import annotations

import pytest

from desktop_app.domain.request import (
    MODEL_ID,
    AspectRatio,
    GenerationRequest,
    InvalidRequestError,
    Resolution,
    ShotType,
)

GOOD = GenerationRequest(prompt="character1 waves", video_urls=("https://example.com/a.mp4",))


def fields_of(request: GenerationRequest) -> list[str]:
    return [p.field for p in request.problems()]


def test_minimal_request_sends_only_required_fields() -> None:
    assert GOOD.to_json() == {
        "model": MODEL_ID,
        "prompt": "character1 waves",
        "video_urls": ["https://example.com/a.mp4"],
    }


def test_all_nine_fields_are_sent_when_set() -> None:
    request = GenerationRequest(
        prompt="p",
        video_urls=("https://a.example/1.mp4", "http://b.example/2.mov"),
        aspect_ratio=AspectRatio.SQUARE,
        resolution=Resolution.HD,
        duration=15,
        negative_prompt="blur",
        shot_type=ShotType.MULTI,
        seed=0,
        enhance_prompt=False,
    )
    body = request.to_json()
    assert body["aspect_ratio"] == "1:1"
    assert body["resolution"] == "720p"
    assert body["duration"] == 15
    assert body["shot_type"] == "multi"
    assert body["seed"] == 0
    assert body["enhance_prompt"] is False
    assert GenerationRequest.from_json(body) == request


@pytest.mark.parametrize(
    ("urls", "rule"),
    [
        ((), "needs 1 to 3"),
        (("https://a/1", "https://a/2", "https://a/3", "https://a/4"), "needs 1 to 3"),
        (("ftp://example.com/a.mp4",), "http(s)"),
        (("  ",), "blank"),
        (("https://example.com/a.mp4", "https://example.com/a.mp4"), "repeats"),
    ],
)
def test_reference_rules(urls: tuple[str, ...], rule: str) -> None:
    request = GenerationRequest(prompt="p", video_urls=urls)
    with pytest.raises(InvalidRequestError) as raised:
        request.validate()
    assert raised.value.problems[0].field == "video_urls"
    assert rule in str(raised.value)


def test_prompt_limits() -> None:
    assert fields_of(GenerationRequest(prompt="   ", video_urls=GOOD.video_urls)) == ["prompt"]
    assert fields_of(GenerationRequest(prompt="x" * 1500, video_urls=GOOD.video_urls)) == []
    too_long = GenerationRequest(prompt="x" * 1501, video_urls=GOOD.video_urls)
    assert "at most 1500 characters (has 1501)" in str(too_long.problems()[0])
    negative = GenerationRequest(prompt="p", video_urls=GOOD.video_urls, negative_prompt="n" * 501)
    assert fields_of(negative) == ["negative_prompt"]


def test_seed_and_duration_ranges() -> None:
    urls = GOOD.video_urls
    assert fields_of(GenerationRequest(prompt="p", video_urls=urls, seed=-1)) == ["seed"]
    assert fields_of(GenerationRequest(prompt="p", video_urls=urls, seed=2_147_483_648)) == ["seed"]
    assert fields_of(GenerationRequest(prompt="p", video_urls=urls, seed=2_147_483_647)) == []
    assert fields_of(GenerationRequest(prompt="p", video_urls=urls, duration=7)) == ["duration"]


def test_several_problems_are_all_reported() -> None:
    request = GenerationRequest(prompt="", video_urls=("nope",), seed=-5)
    assert sorted(fields_of(request)) == ["prompt", "seed", "video_urls"]


def test_a_clip_on_this_computer_is_a_reference_but_never_sent_as_it_is() -> None:
    local = GenerationRequest(prompt="character1 waves", video_urls=("file:///home/me/a.mp4",))
    local.validate()  # a draft may hold it: it is uploaded when sent
    with pytest.raises(InvalidRequestError, match="not yet uploaded"):
        local.validate_for_sending()

"""Picking another model keeps what fits and says what it set aside."""

from __future__ import annotations

from desktop_app.domain.model_switch import switch_model
from desktop_app.domain.models import WAN_26, WAN_27
from desktop_app.domain.request import GenerationRequest, ShotType


def test_wan_27_request_to_26_sets_aside_stills_first_frame_and_extra_clips() -> None:
    request = GenerationRequest(
        prompt="Image 1 meets Video 1",
        model=WAN_27.id,
        video_urls=tuple(f"https://h.example/{n}.mp4" for n in range(4)),
        image_urls=("https://h.example/a.png", "https://h.example/b.png"),
        first_frame_image="https://h.example/first.png",
        watermark=True,
        duration=15,
    )
    switched = switch_model(request, WAN_26)
    assert switched.request.model == WAN_26.id
    assert switched.request.video_urls == request.video_urls[:3]
    assert switched.request.image_urls == ()
    assert switched.request.first_frame_image is None
    assert switched.request.watermark is None
    assert switched.request.duration == 15
    assert switched.request.prompt == request.prompt
    assert switched.request.problems() == []
    assert switched.sentence(WAN_26) == (
        "Wan 2.6 is chosen. It does not take 2 still images, 1 reference clip, "
        "the first frame or a watermark."
    )


def test_wan_26_request_to_27_keeps_all_but_the_shot_type() -> None:
    request = GenerationRequest(
        prompt="character1 waves",
        video_urls=("https://h.example/cat.mp4",),
        shot_type=ShotType.MULTI,
        seed=7,
    )
    switched = switch_model(request, WAN_27)
    assert switched.request.video_urls == request.video_urls
    assert switched.request.seed == 7
    assert switched.request.shot_type is None
    assert switched.set_aside == ("a shot type (multi)",)
    back = switch_model(switched.request, WAN_26)
    assert back.set_aside == ()
    assert back.sentence(WAN_26) == "Wan 2.6 is chosen; everything you set is kept."


def test_combined_cap_counts_stills_first() -> None:
    request = GenerationRequest(
        prompt="p",
        model=WAN_27.id,
        video_urls=tuple(f"https://h.example/{n}.mp4" for n in range(3)),
        image_urls=tuple(f"https://h.example/{n}.png" for n in range(2)),
    )
    assert switch_model(request, WAN_27).set_aside == ()

"""The models as data (#27): each spec against the provider's documentation, the rules a
request follows for its model, and Wan 2.6's body exactly what it was before models were
data (golden/wan26_bodies.json, written by the code of release 0.3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.domain.models import WAN_26, WAN_27, model_named
from desktop_app.domain.request import (
    AspectRatio,
    GenerationRequest,
    InvalidRequestError,
    Resolution,
    ShotType,
)

GOLDEN = json.loads((Path(__file__).parent / "golden" / "wan26_bodies.json").read_text())
CLIP, STILL = "https://e.com/a.mp4", "https://e.com/face.png"


def test_each_spec_says_what_the_documentation_says() -> None:
    assert (WAN_26.id, WAN_26.short_name) == ("alibaba/wan-2-6-r2v", "Wan 2.6")
    assert (WAN_26.max_videos, WAN_26.max_images, WAN_26.max_references) == (3, 0, 3)
    assert (WAN_26.prompt_limit, WAN_26.negative_prompt_limit) == (1500, 500)
    assert WAN_26.durations == (5, 10, 15) and WAN_26.default_duration == 10
    assert WAN_26.shot_type and not WAN_26.watermark and not WAN_26.first_frame
    assert WAN_26.video_seconds == (2.0, 30.0)
    assert (WAN_27.id, WAN_27.short_name) == ("alibaba/wan-2-7-r2v", "Wan 2.7")
    # up to 5 of each kind, and 5 together (the stricter rule of the upstream model's hosts)
    assert (WAN_27.max_videos, WAN_27.max_images, WAN_27.max_references) == (5, 5, 5)
    assert (WAN_27.prompt_limit, WAN_27.negative_prompt_limit) == (5000, 500)
    assert WAN_27.durations == (5, 10, 15) and WAN_27.default_duration == 10
    assert WAN_27.first_frame and WAN_27.watermark and not WAN_27.shot_type
    assert WAN_27.video_seconds == (1.0, 30.0)


def test_models_are_named_by_id_or_alias() -> None:
    assert model_named("2.7") is WAN_27 and model_named(" Alibaba/Wan-2-6-R2V ") is WAN_26
    assert model_named("wan2.6-r2v") is WAN_26 and model_named("3.0") is None


def test_a_wan_26_body_is_what_it_was() -> None:
    full = GenerationRequest(
        prompt="character1 hands character2 a cup",
        video_urls=("https://e.com/a.mp4", "https://e.com/b.mov"),
        aspect_ratio=AspectRatio.PORTRAIT,
        resolution=Resolution.HD,
        duration=15,
        negative_prompt="blur",
        shot_type=ShotType.MULTI,
        seed=42,
        enhance_prompt=True,
    )
    bare = GenerationRequest(prompt="character1 waves", video_urls=("https://e.com/a.mp4",))
    assert json.dumps(full.to_json()) == GOLDEN["full"]
    assert json.dumps(bare.to_json()) == GOLDEN["bare"]
    assert GenerationRequest.from_json(full.to_json()) == full


def rules_broken(**fields: object) -> list[str]:
    request = GenerationRequest(**{"prompt": "Image 1 waves", **fields})  # type: ignore[arg-type]
    return [str(problem) for problem in request.problems()]


def test_wan_27_takes_stills_a_first_frame_and_five_references_in_all() -> None:
    assert rules_broken(model=WAN_27.id, image_urls=(STILL,) * 5) == []
    assert rules_broken(model=WAN_27.id, video_urls=(CLIP,), image_urls=(STILL,) * 4,
                        first_frame_image=STILL, watermark=True) == []  # fmt: skip
    six = rules_broken(model=WAN_27.id, video_urls=(CLIP,) * 3, image_urls=(STILL,) * 3)
    assert six == ["video_urls: needs 1 to 5 reference clips or stills, not 6"]
    assert rules_broken(model=WAN_27.id) == [
        "video_urls: needs 1 to 5 reference clips or stills, not 0"
    ]
    bad_frame = rules_broken(model=WAN_27.id, image_urls=(STILL,), first_frame_image="ftp://x")
    assert bad_frame and bad_frame[0].startswith("first_frame_image: the first frame must be")
    assert rules_broken(model=WAN_27.id, image_urls=(STILL,), prompt="x" * 5000) == []


@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        ({"image_urls": (STILL,)}, "image_urls: Wan 2.6 (alibaba/wan-2-6-r2v) has no image_urls"),
        ({"first_frame_image": STILL}, "Wan 2.6 (alibaba/wan-2-6-r2v) has no first_frame_image"),
        ({"watermark": True}, "watermark: Wan 2.6 (alibaba/wan-2-6-r2v) has no watermark"),
        ({"shot_type": ShotType.MULTI, "enhance_prompt": False}, "multi works only with"),
    ],
)
def test_a_field_wan_26_does_not_have_is_refused_naming_the_model(
    fields: dict[str, object], rule: str
) -> None:
    broken = rules_broken(video_urls=(CLIP,), **fields)
    assert any(rule in text for text in broken), broken


def test_wan_27_has_no_shot_type_and_an_unknown_model_is_named() -> None:
    broken = rules_broken(model=WAN_27.id, image_urls=(STILL,), shot_type=ShotType.SINGLE)
    assert broken == ["shot_type: Wan 2.7 (alibaba/wan-2-7-r2v) has no shot_type"]
    with pytest.raises(InvalidRequestError, match="must be one of alibaba/wan-2-6-r2v, "):
        GenerationRequest(prompt="p", video_urls=(CLIP,), model="wan-3").validate()

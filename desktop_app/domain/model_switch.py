"""What a request keeps when the creator picks another model: everything that fits the new
model's spec, and, in a sentence, what it could not keep (the window offers Undo)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from desktop_app.domain.models import ModelSpec
from desktop_app.domain.request import GenerationRequest


@dataclass(frozen=True)
class Switched:
    request: GenerationRequest
    set_aside: tuple[str, ...]
    """What the new model could not take, for people ("2 still images", "the first frame")."""

    def sentence(self, spec: ModelSpec) -> str:
        if not self.set_aside:
            return f"{spec.short_name} is chosen; everything you set is kept."
        return f"{spec.short_name} is chosen. It does not take {_listed(self.set_aside)}."


def switch_model(request: GenerationRequest, spec: ModelSpec) -> Switched:
    """`request` for `spec`: references beyond its counts, fields it does not have and a
    duration it does not offer are set aside (the prompt is kept whole, even when it is
    longer than the new model takes: the window says so, and nothing the creator wrote is
    cut)."""
    aside: list[str] = []
    images = request.image_urls[: spec.max_images]
    if len(images) < len(request.image_urls):
        aside.append(_count(len(request.image_urls) - len(images), "still image"))
    room = max(0, spec.max_references - len(images))
    videos = request.video_urls[: min(spec.max_videos, room)]
    if len(videos) < len(request.video_urls):
        aside.append(_count(len(request.video_urls) - len(videos), "reference clip"))
    first_frame = request.first_frame_image if spec.first_frame else None
    if request.first_frame_image and first_frame is None:
        aside.append("the first frame")
    shot_type = request.shot_type if spec.shot_type else None
    if request.shot_type is not None and shot_type is None:
        aside.append(f"a shot type ({request.shot_type.value})")
    watermark = request.watermark if spec.watermark else None
    if request.watermark and watermark is None:
        aside.append("a watermark")
    duration = request.duration
    if duration is not None and duration not in spec.durations:
        aside.append(f"{duration} s clips (it makes {spec.default_duration} s)")
        duration = spec.default_duration
    fitted = replace(
        request,
        model=spec.id,
        video_urls=videos,
        image_urls=images,
        first_frame_image=first_frame,
        shot_type=shot_type,
        watermark=watermark,
        duration=duration,
    )
    return Switched(fitted, tuple(aside))


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}" if number == 1 else f"{number} {thing}s"


def _listed(items: tuple[str, ...]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]

"""What the service delivered against what was asked: a clip's real length and frame size,
read from the file once it is saved, and the note a creator is shown when they differ
("asked 15 s, got 10.0 s")."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.domain.request import GenerationRequest

SECONDS_SLACK = 0.5
"""A clip this much shorter than asked is still what was asked (containers round)."""
SHAPE_SLACK = 0.03
"""How far the frame's proportions may be from the asked aspect ratio."""
SHORT_SIDE = {"720p": 720, "1080p": 1080}


@dataclass(frozen=True)
class Delivered:
    """The saved clip's facts, as its container states them (None: not stated)."""

    seconds: float | None = None
    width: int | None = None
    height: int | None = None

    def to_json(self) -> dict[str, float | int | None]:
        return {"seconds": self.seconds, "width": self.width, "height": self.height}


def delivery_note(request: GenerationRequest, delivered: Delivered | None) -> str | None:
    """How the clip differs from the request, in words; None when it is what was asked (or
    its container does not say)."""
    if delivered is None:
        return None
    notes = []
    asked = request.effective_duration
    if delivered.seconds is not None and delivered.seconds < asked - SECONDS_SLACK:
        notes.append(f"asked {asked} s, got {delivered.seconds:.1f} s")
    width, height = delivered.width, delivered.height
    if width and height:
        resolution = request.effective_resolution.value
        ratio = str(request.aspect_ratio or "16:9")
        wide, tall = (int(part) for part in ratio.split(":"))
        proportions_differ = abs(width / height - wide / tall) > SHAPE_SLACK * wide / tall
        if min(width, height) != SHORT_SIDE.get(resolution) or proportions_differ:
            notes.append(f"asked {resolution} {ratio}, got {width}×{height}")
    return "; ".join(notes) or None

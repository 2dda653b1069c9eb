"""What the service delivered against what was asked, in the words a creator is shown."""

from __future__ import annotations

from desktop_app.domain.delivery import Delivered, delivery_note
from desktop_app.domain.request import AspectRatio, GenerationRequest, Resolution

ASKED = GenerationRequest(
    prompt="character1 runs",
    video_urls=("https://e.com/a.mp4",),
    duration=15,
    resolution=Resolution.FULL_HD,
    aspect_ratio=AspectRatio.PORTRAIT,
)


def test_what_was_asked_needs_no_note() -> None:
    assert delivery_note(ASKED, Delivered(15.04, 1080, 1920)) is None
    assert delivery_note(ASKED, Delivered(14.6, 1080, 1920)) is None  # rounding
    assert delivery_note(ASKED, None) is None
    assert delivery_note(ASKED, Delivered()) is None  # the container did not say


def test_a_shorter_clip_or_another_frame_is_said() -> None:
    assert delivery_note(ASKED, Delivered(10.0, 1080, 1920)) == "asked 15 s, got 10.0 s"
    assert delivery_note(ASKED, Delivered(15.0, 1920, 1080)) == "asked 1080p 9:16, got 1920×1080"
    assert delivery_note(ASKED, Delivered(15.0, 720, 1280)) == "asked 1080p 9:16, got 720×1280"

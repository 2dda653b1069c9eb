"""A character's thumbnail made with PyAV: a clip's first frame or a still, 160 pixels
wide, as a PNG; nothing from a file that is not a picture."""

from __future__ import annotations

import io
from pathlib import Path

import av

from desktop_app.uploads.thumbnail import thumbnail_png
from tests.clips import make_clip
from tests.stills import png


def size_of(picture: bytes) -> tuple[int, int]:
    with av.open(io.BytesIO(picture)) as opened:
        frame = next(opened.decode(video=0))
        return frame.width, frame.height


def test_a_clip_and_a_still_give_a_small_png_of_their_shape(tmp_path: Path) -> None:
    clip = thumbnail_png(make_clip(tmp_path / "c.mp4", 2, 320, 180))
    still = thumbnail_png(png(tmp_path / "s.png", 400, 400))
    assert clip is not None and clip.startswith(b"\x89PNG\r\n\x1a\n")
    assert still is not None and still.startswith(b"\x89PNG\r\n\x1a\n")
    assert size_of(clip) == (160, 90) and size_of(still) == (160, 160)


def test_a_file_that_is_not_a_picture_has_none(tmp_path: Path) -> None:
    text = tmp_path / "notes.mp4"
    text.write_text("not a clip")
    assert thumbnail_png(text) is None
    assert thumbnail_png(tmp_path / "missing.mp4") is None

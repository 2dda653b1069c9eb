"""A still from this computer is judged by its bytes: the four formats the service takes,
their sizes read from their headers, and a sentence for anything else."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from desktop_app.uploads.clip_file import ClipFileError
from desktop_app.uploads.image_file import image_size, inspect_image
from tests.stills import bmp, png


def test_pngs_and_bmps_made_here_are_read(tmp_path: Path) -> None:
    facts = inspect_image(png(tmp_path / "mia.png", 320, 240))
    assert (facts.format, facts.width, facts.height) == ("PNG", 320, 240)
    assert inspect_image(bmp(tmp_path / "rex.bmp", 300, 400)).format == "BMP"


def test_jpeg_and_webp_headers_give_their_sizes() -> None:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00" + b"\x00" * 9
    sof = b"\xff\xc0" + struct.pack(">HBHH", 17, 8, 480, 640) + b"\x00" * 10
    assert image_size(b"\xff\xd8" + app0 + sof) == ("JPEG", 640, 480)
    vp8x = b"RIFF\x00\x00\x00\x00WEBPVP8X" + b"\x00" * 8 + (1919).to_bytes(3, "little")
    assert image_size(vp8x + (1079).to_bytes(3, "little")) == ("WEBP", 1920, 1080)
    assert image_size(b"GIF89a" + b"\x00" * 20) is None
    assert image_size(b"\xff\xd8\xff") is None  # cut short


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda d: png(d / "tiny.png", 100, 100), "100×100 pixels"),
        (
            lambda d: (d / "clip.gif").write_bytes(b"GIF89a" + b"\0" * 64) and d / "clip.gif",
            "not a JPEG, PNG, BMP or WEBP image",
        ),
        (lambda d: d / "missing.png", "no such file"),
    ],
)
def test_what_cannot_be_a_still_is_a_sentence_with_the_limits(
    tmp_path: Path, make: object, words: str
) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(ClipFileError, match="240 to 8,000 pixels") as raised:
        inspect_image(path)
    assert words in str(raised.value)

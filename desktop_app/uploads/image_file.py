"""What a still image on this computer is, judged by its bytes before anything leaves the
computer: a regular readable file, at most 20 MB, a JPEG, PNG, BMP or WEBP, 240 to 8,000
pixels a side (the limits the provider documents for Wan 2.7's stills and first frame).

Only the header that states the size is read: never the picture itself."""

from __future__ import annotations

import stat
import struct
from dataclasses import dataclass
from pathlib import Path

from desktop_app.uploads.clip_file import ClipFileError

MAX_IMAGE_BYTES = 20 * 1024 * 1024
MIN_SIDE, MAX_SIDE = 240, 8000
HEAD_BYTES = 64 * 1024
"""A JPEG's size can sit after its metadata: this much of the file is looked at."""
IMAGE_LIMITS = "The service takes JPEG, PNG, BMP or WEBP images of 240 to 8,000 pixels a side"


@dataclass(frozen=True)
class ImageFacts:
    path: Path
    size: int
    format: str
    width: int
    height: int


def inspect_image(path: Path) -> ImageFacts:
    """The facts of a local still, or ClipFileError with the sentence for its first fault."""
    name = path.name or str(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ClipFileError(f"{name} is not a regular file. {IMAGE_LIMITS}.")
        if info.st_size > MAX_IMAGE_BYTES:
            raise ClipFileError(
                f"{name} is {info.st_size / 1e6:.0f} MB; an image may be at most 20 MB. "
                f"{IMAGE_LIMITS}."
            )
        with path.open("rb") as file:
            head = file.read(HEAD_BYTES)
    except FileNotFoundError:
        raise ClipFileError(f"{name}: there is no such file ({path}). {IMAGE_LIMITS}.") from None
    except OSError as error:
        raise ClipFileError(f"{name} cannot be read ({error.strerror}). {IMAGE_LIMITS}.") from None
    found = image_size(head)
    if found is None:
        raise ClipFileError(
            f"{name} is not a JPEG, PNG, BMP or WEBP image (judged by its bytes). {IMAGE_LIMITS}."
        )
    kind, width, height = found
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise ClipFileError(f"{name} is {width}×{height} pixels. {IMAGE_LIMITS}.")
    return ImageFacts(path, info.st_size, kind, width, height)


def image_size(head: bytes) -> tuple[str, int, int] | None:
    """(format, width, height) from the start of an image file; None when it is none of
    the four formats or its header is cut short."""
    try:
        if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
            width, height = struct.unpack(">II", head[16:24])
            return "PNG", width, height
        if head.startswith(b"BM") and len(head) >= 26:
            width, height = struct.unpack("<ii", head[18:26])
            return "BMP", abs(width), abs(height)
        if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
            return _webp(head)
        if head.startswith(b"\xff\xd8"):
            return _jpeg(head)
    except struct.error:
        return None
    return None


def _webp(head: bytes) -> tuple[str, int, int] | None:
    chunk = head[12:16]
    if chunk == b"VP8 ":
        width, height = struct.unpack("<HH", head[26:30])
        return "WEBP", width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":
        bits = int.from_bytes(head[21:25], "little")
        return "WEBP", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        width = int.from_bytes(head[24:27], "little") + 1
        height = int.from_bytes(head[27:30], "little") + 1
        return "WEBP", width, height
    return None


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg(head: bytes) -> tuple[str, int, int] | None:
    offset = 2
    while offset + 4 <= len(head):
        if head[offset] != 0xFF:
            return None
        marker = head[offset + 1]
        length = struct.unpack(">H", head[offset + 2 : offset + 4])[0]
        if marker in _SOF:
            height, width = struct.unpack(">HH", head[offset + 5 : offset + 9])
            return "JPEG", width, height
        offset += 2 + length
    return None

"""What a local clip is, judged by its bytes before anything leaves the computer: a regular
readable file, at most 100 MB, an MP4 or MOV container (ISO base media boxes), and, where
its boxes say, its duration and frame size.

Only the boxes' headers and the few small boxes that hold the duration (`mvhd`) and the
frame size (`tkhd`) are read: never the media itself."""

from __future__ import annotations

import hashlib
import stat
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from desktop_app.domain.errors import InvalidInputError

MAX_BYTES = 100 * 1024 * 1024
READ_BYTES = 1024 * 1024
MIN_SECONDS, MAX_SECONDS = 2.0, 30.0
LIMITS = "The service takes MP4 or MOV clips of 2 to 30 s, each showing one character"
_CONTAINERS = {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"uuid"}
_MAX_BOXES = 4096
"""Boxes looked at before giving up (a file of tiny boxes must not take long)."""


@dataclass(frozen=True)
class ClipFacts:
    path: Path
    size: int
    container: str
    """"MP4" or "MOV"."""
    seconds: float | None
    width: int | None
    height: int | None


class ClipFileError(InvalidInputError):
    """The file cannot be a reference clip; the sentence says why and gives the limits."""


class ClipTooLongError(ClipFileError):
    """A clip longer or larger than the service takes: a part of it can be cut, or it can
    be encoded to fit, and sent (`seconds`: its length, 0 when its container does not
    say)."""

    def __init__(self, sentence: str, seconds: float) -> None:
        super().__init__(sentence)
        self.seconds = seconds


def inspect_clip(path: Path) -> ClipFacts:
    """The facts of a local clip, or ClipFileError with the sentence for its first fault."""
    name = path.name or str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ClipFileError(f"{name}: there is no such file ({path}). {LIMITS}.") from None
    except OSError as error:
        raise ClipFileError(f"{name} cannot be read ({error.strerror}). {LIMITS}.") from None
    if not stat.S_ISREG(info.st_mode):
        raise ClipFileError(f"{name} is not a regular file (a folder or a device). {LIMITS}.")
    if info.st_size > MAX_BYTES:
        seconds = clip_shape(path)[0]
        raise ClipTooLongError(
            f"{name} is {info.st_size / 1e6:.0f} MB; a reference may be at most "
            f"{MAX_BYTES // (1024 * 1024)} MB. {LIMITS}: send it encoded to fit, or a part "
            "of it (the trimmer, or PATH@START-END).",
            seconds or 0.0,
        )
    try:
        with path.open("rb") as file:
            facts = _read_boxes(file, info.st_size)
    except OSError as error:
        raise ClipFileError(f"{name} cannot be read ({error.strerror}). {LIMITS}.") from None
    if facts is None:
        raise ClipFileError(f"{name} is not an MP4 or MOV clip (judged by its bytes). {LIMITS}.")
    container, seconds, width, height = facts
    if seconds is not None and seconds > MAX_SECONDS:
        raise ClipTooLongError(
            f"{name} lasts {seconds:.1f} s. {LIMITS}: send a part of it "
            "(the trimmer, or PATH@START-END).",
            seconds,
        )
    if seconds is not None and seconds < MIN_SECONDS:
        raise ClipFileError(f"{name} lasts {seconds:.1f} s. {LIMITS}.")
    return ClipFacts(path, info.st_size, container, seconds, width, height)


def _read_boxes(
    file: BinaryIO, size: int
) -> tuple[str, float | None, int | None, int | None] | None:
    """(container, seconds, width, height) from the top-level boxes; None when the file
    does not start like an ISO base media file."""
    container: str | None = None
    seconds = width = height = None
    offset = 0
    for index in range(_MAX_BOXES):
        header = _box_header(file, offset, size)
        if header is None:
            break
        kind, body, end = header
        if index == 0 and kind not in _CONTAINERS:
            return None
        if kind == b"ftyp":
            brand = file.read(4)
            container = "MOV" if brand == b"qt  " else "MP4"
        elif kind == b"moov":
            container = container or "MOV"
            seconds, width, height = _movie_facts(file, body, end)
        offset = end
        if offset >= size:
            break
    return (container, seconds, width, height) if container else None


def _box_header(file: BinaryIO, offset: int, limit: int) -> tuple[bytes, int, int] | None:
    """(kind, where its body starts, where it ends) of the box at `offset`."""
    file.seek(offset)
    head = file.read(8)
    if len(head) < 8:
        return None
    length, kind = struct.unpack(">I4s", head)
    body = offset + 8
    if length == 1:
        large = file.read(8)
        if len(large) < 8:
            return None
        length = struct.unpack(">Q", large)[0]
        body += 8
    elif length == 0:
        length = limit - offset
    end = offset + length
    if length < body - offset or end > limit or not kind.isascii():
        return None
    return kind, body, end


def _movie_facts(
    file: BinaryIO, start: int, end: int
) -> tuple[float | None, int | None, int | None]:
    seconds = width = height = None
    offset = start
    for _ in range(_MAX_BOXES):
        header = _box_header(file, offset, end)
        if header is None:
            break
        kind, body, box_end = header
        if kind == b"mvhd":
            seconds = _duration(file, body)
        elif kind == b"trak" and width is None:
            width, height = _track_size(file, body, box_end)
        offset = box_end
    return seconds, width, height


def _duration(file: BinaryIO, body: int) -> float | None:
    file.seek(body)
    version = file.read(4)[:1]
    if version == b"\x01":
        data = file.read(28)
        if len(data) < 28:
            return None
        timescale, duration = struct.unpack(">16xIQ", data)
    else:
        data = file.read(16)
        if len(data) < 16:
            return None
        timescale, duration = struct.unpack(">8xII", data)
    return duration / timescale if timescale else None


def _track_size(file: BinaryIO, start: int, end: int) -> tuple[int | None, int | None]:
    header = _box_header(file, start, end)
    if header is None or header[0] != b"tkhd":
        return None, None
    _, body, box_end = header
    if box_end - body < 84:
        return None, None
    file.seek(box_end - 8)
    width, height = struct.unpack(">II", file.read(8))
    return (width >> 16) or None, (height >> 16) or None


def clip_shape(path: Path) -> tuple[float | None, int | None, int | None]:
    """(seconds, width, height) as a saved clip's container states them (Nones where it
    does not, or cannot be read)."""
    try:
        with path.open("rb") as file:
            facts = _read_boxes(file, path.stat().st_size)
    except OSError:
        return None, None, None
    return facts[1:] if facts else (None, None, None)


def file_sha256(path: Path) -> str:
    """The clip's SHA-256 (run on a worker thread: it reads the whole file)."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(READ_BYTES):
            digest.update(block)
    return digest.hexdigest()

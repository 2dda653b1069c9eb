"""A small picture of a clip's first frame, or of a still, as a PNG: made with PyAV, for
the characters a creator keeps (the command line has no Qt to draw one with)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

THUMBNAIL_WIDTH = 160


def thumbnail_png(path: Path, width: int = THUMBNAIL_WIDTH) -> bytes | None:
    """The first picture of a clip or a still on this computer, `width` pixels wide; None
    when the file has none that can be read."""
    import av  # PyAV: loaded by those who make a picture only

    try:
        with av.open(str(path)) as source:
            for frame in source.decode(video=0):
                height = max(2, round(frame.height * width / frame.width / 2) * 2)
                return _png(frame.reformat(width=width, height=height, format="rgb24"))
    except (av.FFmpegError, IndexError, OSError, ValueError, ZeroDivisionError):
        return None
    return None


def _png(frame: Any) -> bytes:
    import av

    encoder: Any = av.CodecContext.create("png", "w")
    encoder.width, encoder.height, encoder.pix_fmt = frame.width, frame.height, "rgb24"
    packets = [*encoder.encode(frame), *encoder.encode(None)]
    return b"".join(bytes(packet) for packet in packets)

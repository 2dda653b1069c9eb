"""Demo clips of the shape a request asks for: its duration, aspect ratio and resolution,
as the service would render them (H.264 and AAC in MP4, 24 fps, with sound). A clip is
drawn once per shape (a square that swings across a colour that shifts, a steady tone) and
kept in the demo's cache: nothing large is in the repository.

PyAV (FFmpeg's libraries in its wheel) encodes; it is imported on the first render."""

from __future__ import annotations

import math
import struct
import threading
from fractions import Fraction
from pathlib import Path

FPS = 24
SAMPLE_RATE = 44_100
SIZES = {
    ("720p", "16:9"): (1280, 720), ("720p", "9:16"): (720, 1280), ("720p", "1:1"): (720, 720),
    ("720p", "4:3"): (960, 720), ("720p", "3:4"): (720, 960),
    ("1080p", "16:9"): (1920, 1080), ("1080p", "9:16"): (1080, 1920),
    ("1080p", "1:1"): (1080, 1080), ("1080p", "4:3"): (1440, 1080),
    ("1080p", "3:4"): (1080, 1440),
}  # fmt: skip
"""Frame sizes by resolution and aspect ratio (the short side is the resolution's)."""

_lock = threading.Lock()
"""One render at a time (a second request for the same shape waits for the first)."""


def frame_size(resolution: str, aspect_ratio: str) -> tuple[int, int]:
    return SIZES.get((resolution, aspect_ratio), SIZES[("1080p", "16:9")])


def rendered_clip(folder: Path, seconds: int, resolution: str, aspect_ratio: str) -> Path:
    """The demo clip of this shape in `folder`, drawn now if it is not there yet."""
    width, height = frame_size(resolution, aspect_ratio)
    path = folder / f"demo-{seconds}s-{width}x{height}.mp4"
    with _lock:
        if not path.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            part = path.with_name(path.name + ".part")
            _render(part, seconds, width, height)
            part.replace(path)
    return path


def _render(path: Path, seconds: int, width: int, height: int) -> None:
    import av

    with av.open(str(path), "w", format="mp4") as out:
        video = out.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {"preset": "ultrafast", "crf": "32"}
        audio = out.add_stream("aac", rate=SAMPLE_RATE)
        audio.layout = "mono"
        count = seconds * FPS
        for n in range(count):
            frame = av.VideoFrame(width, height, "rgb24")
            frame.planes[0].update(_picture(n, count, width, height, frame.planes[0].line_size))
            frame.pts, frame.time_base = n, Fraction(1, FPS)
            out.mux(video.encode(frame))
        out.mux(video.encode())
        tone = _tone()
        for start in range(0, seconds * SAMPLE_RATE, SAMPLE_RATE):
            chunk = av.AudioFrame(format="s16", layout="mono", samples=SAMPLE_RATE)
            chunk.planes[0].update(tone.ljust(chunk.planes[0].buffer_size, b"\0"))
            chunk.sample_rate, chunk.pts = SAMPLE_RATE, start
            chunk.time_base = Fraction(1, SAMPLE_RATE)
            out.mux(audio.encode(chunk))
        out.mux(audio.encode())


def _picture(n: int, count: int, width: int, height: int, line: int) -> bytes:
    """Frame `n`: the background shifts from blue to red over the clip; a yellow square
    swings left and right once every two seconds. Rows padded to `line` bytes."""
    shift = n / max(1, count - 1)
    background = bytes((int(40 + 150 * shift), 70, int(170 - 120 * shift)))
    pad = b"\0" * (line - 3 * width)
    side = max(16, min(width, height) // 4)
    x = int((width - side) * (0.5 + 0.45 * math.sin(2 * math.pi * n / (2 * FPS))))
    row = background * width + pad
    square = background * x + b"\xf0\xc8\x30" * side + background * (width - x - side) + pad
    top = (height - side) // 2
    return row * top + square * side + row * (height - top - side)


def _tone() -> bytes:
    """One second of a quiet 440 Hz tone, 16-bit mono."""
    return b"".join(
        struct.pack("<h", int(2500 * math.sin(2 * math.pi * 440 * k / SAMPLE_RATE)))
        for k in range(SAMPLE_RATE)
    )

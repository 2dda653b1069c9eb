"""Clips made by the tests themselves with PyAV (no binary files in the repository): a
given length and size, a key frame every second, with sound."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av

FPS = 24


def make_clip(path: Path, seconds: int, width: int = 320, height: int = 240) -> Path:
    """An MP4 of `seconds` (H.264, a key frame each second; AAC): each frame's grey level
    says which second it is in, so a cut can be told by its picture."""
    with av.open(str(path), "w", format="mp4") as out:
        video = out.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {"g": str(FPS), "keyint_min": str(FPS), "sc_threshold": "0",
                         "preset": "ultrafast", "bf": "0"}  # fmt: skip
        sound = out.add_stream("aac", rate=44_100)
        sound.layout = "mono"
        for n in range(seconds * FPS):
            frame = av.VideoFrame(width, height, "rgb24")
            line = frame.planes[0].line_size
            level = (n // FPS) * 4 % 256
            frame.planes[0].update((bytes((level,)) * (3 * width)).ljust(line, b"\0") * height)
            frame.pts, frame.time_base = n, Fraction(1, FPS)
            out.mux(video.encode(frame))
        out.mux(video.encode())
        for second in range(seconds):
            chunk = av.AudioFrame(format="s16", layout="mono", samples=44_100)
            chunk.planes[0].update(bytes(chunk.planes[0].buffer_size))
            chunk.sample_rate, chunk.pts = 44_100, second * 44_100
            chunk.time_base = Fraction(1, 44_100)
            out.mux(sound.encode(chunk))
        out.mux(sound.encode())
    return path


def clip_length(path: Path) -> tuple[float, int]:
    """(seconds, video frames) as the container says."""
    with av.open(str(path)) as clip:
        return float(clip.duration or 0) / 1_000_000, clip.streams.video[0].frames


def make_heavy_clip(path: Path, megabytes: int, width: int = 640, height: int = 480) -> Path:
    """An MP4 of at least `megabytes` (MPEG-4 Part 2 at its finest quantiser, noise in
    every frame: nothing compresses), a few seconds long, without sound."""
    import os

    with av.open(str(path), "w", format="mp4") as out:
        video = out.add_stream("mpeg4", rate=FPS)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {"qscale": "1", "g": str(FPS)}
        n = 0
        while True:
            frame = av.VideoFrame(width, height, "rgb24")
            line = frame.planes[0].line_size
            frame.planes[0].update(os.urandom(line * height))
            frame.pts, frame.time_base = n, Fraction(1, FPS)
            out.mux(video.encode(frame))
            n += 1
            if n % FPS == 0 and path.stat().st_size >= megabytes * 1_000_000:
                break
        out.mux(video.encode())
    return path

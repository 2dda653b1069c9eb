"""P8: cutting 10 s out of a 1 GB, 10-minute 1080p clip with the app's trimmer
(`uploads.trim.cut_clip`, PyAV): by copying packets (the part starts and ends on key
frames) and by encoding it again (it does not), against `ffmpeg` making the same cut
where an `ffmpeg` program is installed (or imageio-ffmpeg's, which the tests bring).

The source is made once per run: two seconds of 1080p H.264 at ~14 Mbit/s (a key frame
every two seconds), its packets written 300 times over with their times shifted, so that
making a gigabyte takes seconds, not the minutes an encoder would. It was just written,
so it is in the page cache, as a clip the creator just copied from a phone would be."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av

from desktop_app.domain.trim import Span
from desktop_app.uploads.trim import cut_clip
from tests.benchmarks.harness import Line, Settings, figure, ratio_of

FPS = 24
GOP_SECONDS = 2


def make_long_clip(path: Path, seconds: int, width: int = 1920, height: int = 1080) -> Path:
    """An MP4 of `seconds` at 1080p, made of one encoded GOP repeated."""
    gop = path.with_suffix(".gop.mp4")
    with av.open(str(gop), "w", format="mp4") as out:
        video = out.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.bit_rate = 3_700_000  # noise overshoots it: ~1.7 MB a second
        video.options = {"g": str(FPS * GOP_SECONDS), "keyint_min": str(FPS * GOP_SECONDS),
                         "sc_threshold": "0", "preset": "ultrafast", "bf": "0"}  # fmt: skip
        for n in range(FPS * GOP_SECONDS):
            frame = av.VideoFrame(width, height, "yuv420p")
            for plane in frame.planes:  # noise: every frame costs its share of the bitrate
                plane.update(os.urandom(plane.buffer_size))
            frame.pts, frame.time_base = n, Fraction(1, FPS)
            out.mux(video.encode(frame))
        out.mux(video.encode())
    with av.open(str(gop)) as src:
        stream_in = src.streams.video[0]
        kept = [(bytes(p), p.pts, p.dts, p.is_keyframe, p.duration)
                for p in src.demux(stream_in) if p.size]  # fmt: skip
        with av.open(str(path), "w", format="mp4") as out:
            stream = out.add_stream_from_template(stream_in)
            last = max(kept, key=lambda k: k[1] or 0)
            step = (last[1] or 0) + (last[4] or 0)  # the GOP's length, in its time base
            for round_ in range(seconds // GOP_SECONDS):
                for data, pts, dts, key, duration in kept:
                    assert pts is not None and dts is not None
                    packet = av.Packet(data)
                    packet.pts, packet.dts = pts + round_ * step, dts + round_ * step
                    packet.duration, packet.is_keyframe = duration, key
                    packet.time_base, packet.stream = stream_in.time_base, stream
                    out.mux(packet)
    gop.unlink()
    return path


def _timed_cut(source: Path, span: Span) -> tuple[float, bool]:
    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        cut = cut_clip(source, span, Path(cache))
        return time.perf_counter() - started, cut.copied


def _ffmpeg_cut(ffmpeg: str, source: Path, span: Span) -> float:
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run(
            [ffmpeg, "-v", "error", "-ss", str(span.start), "-i", str(source),
             "-t", str(span.seconds), "-c:v", "libx264", "-crf", "18", "-preset", "veryfast",
             "-c:a", "aac", str(Path(out) / "cut.mp4")],
            check=True,
        )  # fmt: skip
        return time.perf_counter() - started


def _bundled_ffmpeg() -> str | None:
    """The ffmpeg program imageio-ffmpeg (a test dependency) brings, when there is one."""
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError):
        return None


def trimming(settings: Settings) -> list[Line]:
    seconds = 40 if settings.quick else 600
    copies, encodes, theirs = [], [], []
    ffmpeg = shutil.which("ffmpeg") or _bundled_ffmpeg()
    with tempfile.TemporaryDirectory() as scratch:
        source = make_long_clip(Path(scratch) / "long.mp4", seconds)
        size = source.stat().st_size
        middle = seconds // 2
        on_keys = Span(float(middle), float(middle + 10))
        off_keys = Span(middle + 1.3, middle + 11.3)
        for _ in range(settings.runs):
            took, copied = _timed_cut(source, on_keys)
            assert copied, "a part on key frames is copied"
            copies.append(took)
            took, copied = _timed_cut(source, off_keys)
            assert not copied
            encodes.append(took)
            if ffmpeg:
                theirs.append(_ffmpeg_cut(ffmpeg, source, off_keys))
    copy, encode = figure(copies, "s"), figure(encodes, "s")
    baseline = figure(theirs, "s") if theirs else None
    what = f"{size / 1e9:.2f} GB, {seconds:g} s 1080p"
    return [
        Line(
            id="P8 copy",
            measures=f"cut 10 s on key frames out of {what} (packets copied, SHA-256 included)",
            app=copy,
            baseline=None,
            target="< 2 s",
            met=max(copies) < 2.0,
        ),
        Line(
            id="P8 encode",
            measures=f"cut 10 s off key frames out of {what} (encoded again, crf 18, veryfast)"
            + (f"; baseline: {Path(ffmpeg).name}, same cut" if ffmpeg else "; no ffmpeg here"),
            app=encode,
            baseline=baseline,
            ratio=ratio_of(encode, baseline) if baseline else None,
            target="reported",
            met=True,
        ),
    ]

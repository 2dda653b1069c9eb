"""Cutting a part out of a clip on this computer, with PyAV (FFmpeg's libraries in its
wheel), into the app's cache; the source is only read.

The cut is frame-accurate: when the part starts and ends on key frames its packets are
copied as they are (no loss, fast); otherwise the part is decoded from the key frame before
it and encoded again (H.264 at a quality close to the source's, AAC sound), keeping only
the frames inside it. Frames get real timestamps from 0 (frames without them make the
container report a wrong length; TECH.md).

A cut is content-addressed: named after the source's SHA-256 and the part, so the same cut
of the same file is made (and uploaded) once. It is written to a `.part` file and renamed:
a cut that fails or is cancelled leaves no file."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from desktop_app.domain.trim import Span
from desktop_app.files import write_atomically
from desktop_app.uploads.clip_file import ClipFileError, file_sha256

Progress = Callable[[float], None]
"""How far the cut is, from 0 to 1."""
Cancelled = Callable[[], bool]


SENT_AS_IS = ("h264",)
"""The codec a cut to fit keeps as it is (the one every host of the model takes)."""


class CutCancelledError(Exception):
    """The creator stopped the cut; no file was left."""


@dataclass(frozen=True)
class Cut:
    path: Path
    copied: bool
    """The packets were copied as they are (the part is on key frames); else encoded."""
    reused: bool
    """The same cut of the same file was already in the cache."""


def cut_clip(
    source: Path,
    span: Span,
    cache: Path,
    *,
    progress: Progress = lambda _done: None,
    cancelled: Cancelled = lambda: False,
    fit_bytes: int | None = None,
) -> Cut:
    """The part `span` of `source` as an MP4 in `cache` (ClipFileError with a sentence when
    the source cannot be cut; CutCancelledError when `cancelled` said so). With
    `fit_bytes`, a part that would be larger (or a source the service cannot take: another
    codec) is encoded again to H.264 and AAC at a bitrate that fits under it."""
    fit = f":fit{fit_bytes}" if fit_bytes else ""
    name = f"{file_sha256(source)}:{span.start:.3f}-{span.end:.3f}{fit}"
    key = hashlib.sha256(name.encode())
    target = cache / f"cut-{key.hexdigest()[:32]}.mp4"
    if target.is_file():
        return Cut(target, copied=False, reused=True)
    cache.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    try:
        copied = _cut(source, span, part, progress, cancelled, fit_bytes)
        write_atomically(
            origin_of(target),
            json.dumps({"source": str(source), "start": span.start, "end": span.end}).encode(),
        )
        part.replace(target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return Cut(target, copied=copied, reused=False)


def origin_of(cut: Path) -> Path:
    """Where a cut says what it was cut from (a small JSON beside it)."""
    return cut.with_suffix(".origin.json")


def cut_origin(path: Path) -> tuple[str, Span] | None:
    """The file and the part a cut in the cache was made from; None for any other file."""
    if not path.name.startswith("cut-"):
        return None
    try:
        found = json.loads(origin_of(path).read_text(encoding="utf-8"))
        return str(found["source"]), Span(float(found["start"]), float(found["end"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _cut(
    source: Path,
    span: Span,
    part: Path,
    progress: Progress,
    cancelled: Cancelled,
    fit_bytes: int | None,
) -> bool:
    import av

    try:
        src = av.open(str(source))
    except (av.FFmpegError, OSError) as error:
        raise ClipFileError(f"{source.name} cannot be read as a video ({error}).") from None
    with src:
        if not src.streams.video:
            raise ClipFileError(f"{source.name} has no picture to cut.")
        video = src.streams.video[0]
        length = float(src.duration / av.time_base) if src.duration else None
        if length is not None and span.end > length + 0.05:
            raise ClipFileError(
                f"{source.name} lasts {length:.1f} s: the part {span.text()} is not in it."
            )
        keys = _key_times(src, video)
        on_keys = _near(span.start, keys) and (
            _near(span.end, keys) or (length is not None and abs(span.end - length) < 0.05)
        )
        bitrate = None
        if fit_bytes is not None:
            expected = source.stat().st_size * span.seconds / (length or span.seconds)
            if expected > fit_bytes or video.codec_context.name not in SENT_AS_IS:
                # 90% of the room, less the sound's 128 kb/s: the container's share fits.
                bitrate = max(100_000, int(fit_bytes * 8 * 0.9 / span.seconds) - 128_000)
        copy = on_keys and bitrate is None
        with av.open(str(part), "w", format="mp4") as out:
            if copy:
                _copy(src, span, out, progress, cancelled)
            else:
                _encode(src, span, out, progress, cancelled, bitrate)
        return copy


def _key_times(src: Any, video: Any) -> list[float]:
    """When the video's key frames are (from the packets' flags: nothing decoded)."""
    times = []
    for packet in src.demux(video):
        if packet.is_keyframe and packet.pts is not None:
            times.append(float(packet.pts * video.time_base))
    src.seek(0)
    return times


def _near(moment: float, keys: list[float]) -> bool:
    return any(abs(moment - key) < 0.01 for key in keys)


def _copy(src: Any, span: Span, out: Any, progress: Progress, cancelled: Cancelled) -> None:
    streams = [*src.streams.video[:1], *src.streams.audio[:1]]
    outs = {s.index: out.add_stream_from_template(s) for s in streams}
    for packet in src.demux(streams):
        if cancelled():
            raise CutCancelledError
        if packet.pts is None or packet.dts is None:
            continue
        base = packet.stream.time_base
        at = float(packet.pts * base)
        if not span.start - 1e-6 <= at < span.end - 1e-6:
            continue
        shift = round(span.start / base)
        packet.pts -= shift
        packet.dts -= shift
        packet.stream = outs[packet.stream.index]
        out.mux(packet)
        progress(min(1.0, (at - span.start) / span.seconds))
    progress(1.0)


def _encode(
    src: Any,
    span: Span,
    out: Any,
    progress: Progress,
    cancelled: Cancelled,
    bitrate: int | None = None,
) -> None:
    import av

    video = src.streams.video[0]
    video.thread_type = "AUTO"  # frames decoded on every core, not slices of one
    rate = video.average_rate or Fraction(24)
    encoder = out.add_stream("libx264", rate=rate)
    encoder.thread_type = "AUTO"  # x264's own frame threads, as ffmpeg runs it
    encoder.width, encoder.height = video.codec_context.width, video.codec_context.height
    encoder.pix_fmt = "yuv420p"
    if bitrate is None:
        encoder.options = {"crf": "18", "preset": "veryfast"}  # close to the source
    else:  # capped to fit a size
        encoder.options = {"preset": "veryfast", "maxrate": str(bitrate),
                           "bufsize": str(bitrate), "b": str(bitrate)}  # fmt: skip
        encoder.bit_rate = bitrate
    audio = src.streams.audio[0] if src.streams.audio else None
    sound = out.add_stream("aac", rate=audio.rate) if audio is not None else None
    resampler = (
        av.AudioResampler(format="fltp", layout=audio.layout.name, rate=audio.rate)
        if audio is not None
        else None
    )
    src.seek(int(span.start * av.time_base), backward=True, any_frame=False)
    frame_time = Fraction(1) / rate
    written = 0
    decoding = [video] if audio is None else [video, audio]
    samples = 0
    for frame in src.decode(*decoding):
        if cancelled():
            raise CutCancelledError
        if frame.time is None:
            continue
        if isinstance(frame, av.VideoFrame):
            if frame.time < span.start - float(frame_time) / 2:
                continue
            if frame.time >= span.end - float(frame_time) / 2:
                if audio is None:
                    break
                continue
            frame.pts, frame.time_base = written, frame_time
            out.mux(encoder.encode(frame))
            written += 1
            progress(min(1.0, written * float(frame_time) / span.seconds))
        elif sound is not None and resampler is not None:
            if not span.start <= frame.time < span.end:
                if frame.time >= span.end + 1:
                    break
                continue
            for chunk in resampler.resample(frame):
                chunk.pts, chunk.time_base = samples, Fraction(1, chunk.sample_rate)
                samples += chunk.samples
                out.mux(sound.encode(chunk))
    out.mux(encoder.encode())
    if sound is not None:
        out.mux(sound.encode())
    progress(1.0)

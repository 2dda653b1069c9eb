"""Media time as the player shows it, counted in the clip's own frames.

A position is kept in the middle of a frame: a seek there shows that frame and no other
(a seek to a frame's first millisecond can land on the one before, after rounding), so a
step moves exactly one frame every time. The time reads as `00:03.12`: three seconds and
twelve frames."""

from __future__ import annotations

import math

from PySide6.QtMultimedia import QMediaMetaData, QMediaPlayer

DEFAULT_FPS = 25.0
"""When the clip does not say (the service renders 24-30 fps)."""
FRAME_MS = round(1000 / DEFAULT_FPS)


def frame_rate(player: QMediaPlayer) -> float:
    """The clip's frames per second, as its container says; DEFAULT_FPS when it does not."""
    value = player.metaData().value(QMediaMetaData.Key.VideoFrameRate)
    try:
        fps = float(value)
    except (TypeError, ValueError):
        return DEFAULT_FPS
    return fps if 1.0 <= fps <= 240.0 else DEFAULT_FPS


def frame_at(ms: int, fps: float) -> int:
    """The frame shown at `ms` (0 is the first)."""
    return max(0, math.floor(ms * fps / 1000 + 1e-6))


def middle_of(frame: int, fps: float) -> int:
    """The position (ms) in the middle of `frame`."""
    return round((max(0, frame) + 0.5) * 1000 / fps)


def frame_count(duration_ms: int, fps: float) -> int:
    return max(1, round(duration_ms * fps / 1000))


def stepped(ms: int, frames: int, fps: float, duration_ms: int) -> int:
    """The position `frames` frames on from `ms` (back when negative), kept in the clip."""
    last = frame_count(duration_ms, fps) - 1 if duration_ms > 0 else frame_at(ms, fps) + frames
    return middle_of(min(max(0, frame_at(ms, fps) + frames), max(0, last)), fps)


def last_frame(duration_ms: int, fps: float) -> int:
    """The position (ms) that shows the clip's last frame."""
    return middle_of(frame_count(duration_ms, fps) - 1, fps)


def timecode(ms: int, fps: float) -> str:
    """`MM:SS.FF`: minutes, seconds, and the frame within the second."""
    whole = max(1, round(fps))
    frame = frame_at(ms, fps)
    seconds, frames = divmod(frame, whole)
    return f"{seconds // 60:02d}:{seconds % 60:02d}.{frames:02d}"


def length(duration_ms: int, fps: float) -> str:
    """A clip's length in the same form: its frame count as seconds and frames."""
    whole = max(1, round(fps))
    seconds, frames = divmod(frame_count(duration_ms, fps), whole)
    return f"{seconds // 60:02d}:{seconds % 60:02d}.{frames:02d}"


def time_readout(player: QMediaPlayer, position: int) -> str:
    """ "00:03.12 / 00:05.00": the frame shown, and the clip's length, in its frames."""
    fps = frame_rate(player)
    return f"{timecode(position, fps)} / {length(player.duration(), fps)}"

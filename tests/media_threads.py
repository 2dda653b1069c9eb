"""The threads of Qt Multimedia's FFmpeg backend still running in this process (Linux's
thread names: decoders, demuxer, renderers), read from /proc."""

from __future__ import annotations

from pathlib import Path

_PREFIXES = ("QFFmpeg::", "av:")


def media_threads() -> list[str]:
    names = []
    for comm in Path("/proc/self/task").glob("*/comm"):
        try:
            name = comm.read_text().strip()
        except OSError:  # the thread ended while being read
            continue
        if name.startswith(_PREFIXES):
            names.append(name)
    return sorted(names)

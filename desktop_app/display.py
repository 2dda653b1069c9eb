"""Whether a window can open here, checked before Qt is loaded."""

from __future__ import annotations

import sys
from collections.abc import Mapping


def display_problem(environ: Mapping[str, str]) -> str | None:
    """Why no window can open in this session, or None when one can."""
    if sys.platform != "linux" or environ.get("QT_QPA_PLATFORM"):
        return None
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "Wan Studio cannot open its window: this session has no display (neither DISPLAY nor "
        "WAYLAND_DISPLAY is set). Run it on a desktop, or use the command line: "
        "`wan-studio --help`."
    )

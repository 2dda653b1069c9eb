"""Threads whose work nobody waits for give way to the window, without being starved.

A clip is written and hashed on a thread of its own while the network reads it on the
event loop. On a two-core machine that thread, the network and the window's own work all
want a core at once, and the window's loop came late by up to 18 ms (#19, P2 200).

On Linux such a thread runs at nice 10 (a per-thread nice there): against the window's
thread it gets a tenth of the share, so the window runs first; against other programs'
busy threads it still gets a tenth of a core, and best-effort I/O at a lower level. The
SCHED_IDLE class tried before gave it almost nothing under another program's load: a
1 GB clip crawled at 2.3 MB/s beside two busy loops, and the download's speed floor could
fail a paid clip as "too slow" (#29, P3b). Elsewhere Python offers no per-thread priority
and the thread keeps the normal one.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading

BACKGROUND_NICE = 10


def yield_to_foreground() -> None:
    """Lower the calling thread's priority, where the OS has a per-thread one (Linux)."""
    if not sys.platform.startswith("linux"):
        return  # setpriority there would lower the whole process, the window included
    with contextlib.suppress(OSError):  # refused (a sandbox): the thread keeps its priority
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICE)

"""Threads whose work nobody waits for give way to the window, without being starved.

A clip is written and hashed on two threads of their own while the network reads it on
the event loop. On a two-core machine those threads, the network and the window's own
work all want a core at once, and the window's loop came late by up to 18 ms (#19, P2
200).

On Linux such a thread runs at nice 3 (a per-thread nice there): against the window's
thread it gets half the share, so the window comes first; against other programs' busy
threads it still gets half a core's share, and best-effort I/O at a lower level.
- The SCHED_IDLE class tried first gave it almost nothing under another program's load:
  a 1 GB clip crawled at 2.3 MB/s beside two busy loops, and the download's speed floor
  could fail a paid clip as "too slow" (#29, P3b).
- Nice 10 still starved it: the same clip took 6x its idle time beside two busy loops
  (nice 5: 2.3x; nice 3: 1.5x, the target being 2x), while P2 (the window's lateness
  during a download) showed no difference between nice 0, 3, 5 and 10 beyond its
  run-to-run noise (docs/PERFORMANCE.md, #29).
Elsewhere Python offers no per-thread priority and the threads keep the normal one.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading

BACKGROUND_NICE = 3


def yield_to_foreground() -> None:
    """Lower the calling thread's priority, where the OS has a per-thread one (Linux)."""
    if not sys.platform.startswith("linux"):
        return  # setpriority there would lower the whole process, the window included
    with contextlib.suppress(OSError):  # refused (a sandbox): the thread keeps its priority
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICE)

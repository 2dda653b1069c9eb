"""Threads whose work nobody waits for take only the CPU time the window does not want.

A clip is written and hashed on a thread of its own while the network reads it on the
event loop. On a two-core machine that thread, the network and the window's own work all
want a core at once, and the window's loop came late by up to 18 ms (#19, P2 200). On
Linux such a thread runs in the SCHED_IDLE class: the window's thread runs the moment it
wakes, and the background thread gets what is left, which on a desktop is nearly all of a
core. Elsewhere Python offers no per-thread priority and the thread keeps the normal one.
"""

from __future__ import annotations

import contextlib
import os


def yield_to_foreground() -> None:
    """Put the calling thread in the background class, where the OS has one."""
    if not hasattr(os, "SCHED_IDLE"):
        return
    with contextlib.suppress(OSError):  # refused (a sandbox): the thread keeps its priority
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))  # 0: this thread

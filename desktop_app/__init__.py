"""Wan Studio: desktop app and command line for Wan 2.6 reference-to-video."""

import sys

# httpx imports its own command line (click, rich, pygments) whenever those happen to be
# installed, ~60 ms at every start (#19). Wan Studio never runs it: its import fails at
# once, and httpx falls back to a stub `httpx.main` (the packaged app excludes them too).
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

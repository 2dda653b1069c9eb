"""A part of a clip: `PATH@12.5-18` on the command line, the trimmer's handles in the
window. Pure: the cut itself is `storage.trim`."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPAN = re.compile(r"^(?P<path>.+)@(?P<start>\d+(?:\.\d+)?)-(?P<end>\d+(?:\.\d+)?)$")


@dataclass(frozen=True)
class Span:
    """From `start` to `end`, in seconds of the source."""

    start: float
    end: float

    @property
    def seconds(self) -> float:
        return self.end - self.start

    def problem(self, shortest: float, longest: float) -> str | None:
        """Why this part cannot be a reference clip of `shortest` to `longest` seconds."""
        if not 0 <= self.start < self.end:
            return f"the part {self.text()} must start before it ends"
        if not shortest <= self.seconds <= longest:
            return (
                f"the part {self.text()} lasts {self.seconds:g} s; a reference clip lasts "
                f"{shortest:g} to {longest:g} s"
            )
        return None

    def text(self) -> str:
        return f"{self.start:g}-{self.end:g} s"


def split_span(text: str) -> tuple[str, Span | None]:
    """`PATH@START-END` as (PATH, its span); anything else as (text, None)."""
    match = _SPAN.match(text.strip())
    if match is None:
        return text, None
    return match["path"], Span(float(match["start"]), float(match["end"]))

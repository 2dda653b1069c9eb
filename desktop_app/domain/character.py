"""A character a creator keeps: a name, its takes (clips, and stills for models that take
them), and a note on how to describe it in a prompt. Used again in job after job; a job
that used a character keeps its own request (deleting a character never touches it)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any

from desktop_app.domain.prompt import IMAGE, VIDEO
from desktop_app.domain.request import reference_url_problem

NAME = re.compile(r"^[\w][\w .'-]{0,39}$")
NAME_RULE = "1 to 40 letters, digits, spaces, dots, dashes or apostrophes"
NOTE_LIMIT = 500
THUMBNAIL_LIMIT = 256 * 1024


@dataclass(frozen=True)
class Take:
    kind: str
    """VIDEO or IMAGE."""
    ref: str
    """A link, or a file on this computer as its file:// URL."""


@dataclass(frozen=True)
class Character:
    name: str
    takes: tuple[Take, ...]
    note: str = ""
    thumbnail_png: bytes | None = None
    """A small picture of its first take (PNG), when one could be made."""

    def problems(self) -> list[str]:
        """Every rule it breaks, in a sentence that names the field."""
        found = []
        if not NAME.match(self.name):
            found.append(f"name: {self.name[:60]!r} must be {NAME_RULE}")
        if not self.takes:
            found.append("takes: a character needs at least one clip or still")
        for n, take in enumerate(self.takes, start=1):
            if take.kind not in (VIDEO, IMAGE):
                found.append(f"take {n}: must be a clip or a still")
            problem = reference_url_problem(take.ref)
            if problem:
                found.append(f"take {n}: its link {problem}")
        if self.thumbnail_png is not None and len(self.thumbnail_png) > THUMBNAIL_LIMIT:
            found.append(f"thumbnail: at most {THUMBNAIL_LIMIT // 1024} KB")
        if len(self.note) > NOTE_LIMIT:
            found.append(f"note: at most {NOTE_LIMIT} characters (has {len(self.note)})")
        return found

    def merged(self, other: Character) -> Character:
        """This character with `other`'s takes after its own (each take once), and its
        note, or `other`'s when it has none."""
        takes = tuple(dict.fromkeys((*self.takes, *other.takes)))
        thumbnail = self.thumbnail_png or other.thumbnail_png
        return replace(self, takes=takes, note=self.note or other.note, thumbnail_png=thumbnail)

    def clips(self) -> tuple[str, ...]:
        return tuple(t.ref for t in self.takes if t.kind == VIDEO)

    def stills(self) -> tuple[str, ...]:
        return tuple(t.ref for t in self.takes if t.kind == IMAGE)

    def takes_json(self) -> str:
        return json.dumps([{"kind": t.kind, "ref": t.ref} for t in self.takes])

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "note": self.note,
                "takes": [{"kind": t.kind, "ref": t.ref} for t in self.takes]}  # fmt: skip

    @classmethod
    def from_row(
        cls, name: str, note: str, takes_json: str, thumbnail_png: bytes | None = None
    ) -> Character:
        """A stored character; takes that do not read are skipped."""
        takes = []
        for item in json.loads(takes_json or "[]"):
            try:
                takes.append(Take(str(item["kind"]), str(item["ref"])))
            except (KeyError, TypeError):
                continue
        return cls(name, tuple(takes), note, thumbnail_png)

"""What the composer tells a creator about a prompt: character tags, slots, lengths.

Pure Python, so the rules are tested without widgets.
"""

from __future__ import annotations

import re

from desktop_app.domain.request import MAX_REFERENCES, PROMPT_LIMIT

TAG = re.compile(r"\bcharacter([1-9])\b")
SOFT_PROMPT_LIMIT = 800
"""Some hosts of the model cut prompts here."""

TYPICAL_SECONDS = {
    ("720p", 5): 120,
    ("720p", 10): 180,
    ("720p", 15): 240,
    ("1080p", 5): 160,
    ("1080p", 10): 260,
    ("1080p", 15): 330,
}
"""Typical wall time of a generation, by resolution and duration (provider: ~4m20s for
10 s at 1080p); progress bars measure elapsed time against it."""


def tag(slot: int) -> str:
    return f"character{slot}"


def mentioned_slots(prompt: str) -> set[int]:
    return {int(m.group(1)) for m in TAG.finditer(prompt)}


def prompt_notes(prompt: str, filled_slots: int) -> tuple[str, ...]:
    """Warnings about the prompt's character tags and length: shown, never blocking."""
    notes = []
    mentioned = mentioned_slots(prompt)
    for slot in sorted(mentioned):
        if slot > filled_slots:
            if slot > MAX_REFERENCES:
                notes.append(f"{tag(slot)}: there are at most {MAX_REFERENCES} reference slots.")
            else:
                notes.append(f"{tag(slot)} is mentioned, but reference slot {slot} is empty.")
    for slot in range(1, filled_slots + 1):
        if slot not in mentioned:
            notes.append(f"Reference {slot} is never mentioned: write {tag(slot)} in the prompt.")
    if SOFT_PROMPT_LIMIT < len(prompt) <= PROMPT_LIMIT:
        notes.append(
            f"The prompt is over {SOFT_PROMPT_LIMIT} characters: "
            "some hosts of this model cut it there."
        )
    return tuple(notes)

"""What the composer tells a creator about a prompt: character tags, slots, lengths.

Pure Python, so the rules are tested without widgets.
"""

from __future__ import annotations

import difflib
import re

from desktop_app.domain.request import MAX_REFERENCES, PROMPT_LIMIT, GenerationRequest

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


def word_changes(before: str, after: str) -> str:
    """What changed between two prompts, word by word: "-sunny +rainy"; empty if nothing."""
    old, new = before.split(), after.split()
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new).get_opcodes():
        if op in ("delete", "replace"):
            parts.append("-" + " ".join(old[i1:i2]))
        if op in ("insert", "replace"):
            parts.append("+" + " ".join(new[j1:j2]))
    return " ".join(parts)


def request_differences(a: GenerationRequest, b: GenerationRequest) -> list[str]:
    """How request `b` differs from `a`, in a creator's words, one line per difference."""
    lines = []
    if a.seed != b.seed:
        lines.append(f"seed {a.seed if a.seed is not None else 'random'} → "
                     f"{b.seed if b.seed is not None else 'random'}")  # fmt: skip
    if a.prompt != b.prompt:
        lines.append(f"prompt: {word_changes(a.prompt, b.prompt)}")
    if (a.negative_prompt or "") != (b.negative_prompt or ""):
        lines.append(f"kept out: {word_changes(a.negative_prompt or '', b.negative_prompt or '')}")
    for name, left, right in (
        ("resolution", a.effective_resolution.value, b.effective_resolution.value),
        ("duration", f"{a.effective_duration} s", f"{b.effective_duration} s"),
        ("shape", str(a.aspect_ratio or "16:9"), str(b.aspect_ratio or "16:9")),
        ("shot", str(a.shot_type or "single"), str(b.shot_type or "single")),
        ("expansion", "on" if a.enhance_prompt is not False else "off",
         "on" if b.enhance_prompt is not False else "off"),
        ("references", " ".join(a.video_urls), " ".join(b.video_urls)),
    ):  # fmt: skip
        if left != right:
            lines.append(f"{name}: {left[:60]} → {right[:60]}")
    return lines

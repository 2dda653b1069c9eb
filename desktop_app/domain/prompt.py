"""What the composer tells a creator about a prompt: how it names the references, which
names it uses, and its length. Each model names references its own way (its spec's
`reference_words`): Wan 2.6 says character1, character2, …; Wan 2.7's upstream hosts say
"Image 1", "Video 1", counted per kind.

Pure Python, so the rules are tested without widgets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from desktop_app.domain.models import WAN_26, ModelSpec

TAG = re.compile(r"\bcharacter([1-9])\b")
KIND_TAG = re.compile(r"\b(Image|Video) ([1-9])\b")
SOFT_PROMPT_LIMIT = 800
"""Some hosts of Wan 2.6 cut prompts here."""
VIDEO, IMAGE = "video", "image"
"""The two kinds of reference: a clip, a still."""

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


def tag_pattern(spec: ModelSpec) -> re.Pattern[str]:
    """How `spec`'s prompts name a reference."""
    return KIND_TAG if spec.reference_words == "kind" else TAG


def slot_names(spec: ModelSpec, kinds: Sequence[str]) -> list[str]:
    """The name each reference has in the prompt, in list order (`kinds`: VIDEO or IMAGE
    for each)."""
    if spec.reference_words != "kind":
        return [tag(slot) for slot in range(1, len(kinds) + 1)]
    counted = {VIDEO: 0, IMAGE: 0}
    names = []
    for kind in kinds:
        counted[kind] += 1
        names.append(f"{kind.capitalize()} {counted[kind]}")
    return names


def mentioned_names(prompt: str, spec: ModelSpec) -> list[str]:
    """The reference names the prompt uses, in order of first use."""
    found = dict.fromkeys(m.group(0) for m in tag_pattern(spec).finditer(prompt))
    return list(found)


def prompt_notes(prompt: str, names: Sequence[str], spec: ModelSpec = WAN_26) -> tuple[str, ...]:
    """Warnings about the prompt's reference names and length (`names`: those of the
    references given): shown, never blocking."""
    notes = []
    for name in mentioned_names(prompt, spec):
        if name in names:
            continue
        number = int(name[-1])
        most = _most(spec, name)
        if number > most:
            notes.append(f"{name}: there are at most {most} reference slots of its kind.")
        elif spec.reference_words == "kind":
            notes.append(f"{name} is mentioned, but there is no such reference.")
        else:
            notes.append(f"{name} is mentioned, but reference slot {number} is empty.")
    if spec.reference_words != "kind":
        # Wan 2.6 knows references only by these names; 2.7 also understands plain words.
        mentioned = set(mentioned_names(prompt, spec))
        for slot, name in enumerate(names, start=1):
            if name not in mentioned:
                notes.append(f"Reference {slot} is never mentioned: write {name} in the prompt.")
        if SOFT_PROMPT_LIMIT < len(prompt) <= spec.prompt_limit:
            notes.append(
                f"The prompt is over {SOFT_PROMPT_LIMIT} characters: "
                "some hosts of this model cut it there."
            )
    return tuple(notes)


def _most(spec: ModelSpec, name: str) -> int:
    if name.startswith("Image"):
        return spec.max_images
    if name.startswith("Video"):
        return spec.max_videos
    return spec.max_references

"""What sets one take apart from another, told for each side in plain words: "Seed
880305902" on one side, "Seed 709499304" on the other; and when the prompts differ, each
side's prompt with the words the other lacks marked."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from desktop_app.domain.request import GenerationRequest

Words = tuple[tuple[str, bool], ...]
"""A text as words, each with True when the other side does not have it there."""


@dataclass(frozen=True)
class TakeSide:
    facts: tuple[str, ...]
    """This side's value of each setting that differs ("Seed 5", "1080p", "10 s")."""
    prompt: Words | None = None
    """This side's prompt, word by word, when the prompts differ."""
    kept_out: Words | None = None
    """This side's negative prompt, word by word, when they differ."""


def _seed(request: GenerationRequest) -> str:
    return f"Seed {request.seed}" if request.seed is not None else "Random seed"


def _facts(request: GenerationRequest) -> dict[str, str]:
    return {
        "model": request.model_name,
        "seed": _seed(request),
        "resolution": request.effective_resolution.value,
        "duration": f"{request.effective_duration} s",
        "shape": f"Shape {request.aspect_ratio or '16:9'}",
        "shot": f"{str(request.shot_type or 'single').capitalize()} shot",
        "expansion": "Prompt expansion " + ("on" if request.enhance_prompt is not False else "off"),
        "references": "References: "
        + ", ".join(url.rsplit("/", 1)[-1][:40] for url in request.video_urls),
        "stills": "Stills: " + ", ".join(url.rsplit("/", 1)[-1][:40] for url in request.image_urls),
        "first frame": "First frame: "
        + (request.first_frame_image or "none").split("?")[0].rsplit("/", 1)[-1][:40],
    }


def marked_words(this: str, other: str) -> tuple[Words, Words]:
    """Both texts as words, each marked where it differs from the other."""
    left, right = this.split(), other.split()
    left_marks, right_marks = [True] * len(left), [True] * len(right)
    for block in difflib.SequenceMatcher(a=left, b=right, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            left_marks[block.a + k] = False
            right_marks[block.b + k] = False
    return tuple(zip(left, left_marks, strict=True)), tuple(zip(right, right_marks, strict=True))


def take_sides(a: GenerationRequest, b: GenerationRequest) -> tuple[TakeSide, TakeSide]:
    """How each of two takes is set apart from the other; no facts: the same request."""
    mine, theirs = _facts(a), _facts(b)
    differing = [key for key in mine if mine[key] != theirs[key]]
    a_prompt = b_prompt = a_out = b_out = None
    if a.prompt != b.prompt:
        a_prompt, b_prompt = marked_words(a.prompt, b.prompt)
    if (a.negative_prompt or "") != (b.negative_prompt or ""):
        a_out, b_out = marked_words(a.negative_prompt or "", b.negative_prompt or "")
    return (
        TakeSide(tuple(mine[k] for k in differing), a_prompt, a_out),
        TakeSide(tuple(theirs[k] for k in differing), b_prompt, b_out),
    )

"""The typed generation request, its local validation, and its JSON form.

Validation happens before anything is sent: every rule the contract states (API.md) is
checked here, and each broken rule is reported with the field it concerns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from desktop_app.domain.errors import InvalidInputError

MODEL_ID = "alibaba/wan-2-6-r2v"
MAX_REFERENCES = 3
PROMPT_LIMIT = 1500
NEGATIVE_PROMPT_LIMIT = 500
SEED_MAX = 2_147_483_647
DURATIONS = (5, 10, 15)
MAX_URL_LENGTH = 2048


class AspectRatio(StrEnum):
    LANDSCAPE = "16:9"
    PORTRAIT = "9:16"
    SQUARE = "1:1"
    CLASSIC = "4:3"
    CLASSIC_PORTRAIT = "3:4"


class Resolution(StrEnum):
    HD = "720p"
    FULL_HD = "1080p"


class ShotType(StrEnum):
    SINGLE = "single"
    MULTI = "multi"


@dataclass(frozen=True)
class Problem:
    """One broken rule: the request field it concerns and the rule, in words."""

    field: str
    rule: str
    advice: str = ""
    """The same in a creator's words, without field names: what to do about it."""

    def __str__(self) -> str:
        return f"{self.field}: {self.rule}"

    def say(self) -> str:
        return self.advice or self.rule


class InvalidRequestError(InvalidInputError):
    """The request breaks local rules; nothing was sent."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


def reference_url_problem(url: str) -> str | None:
    """Why `url` cannot be a reference clip URL, or None when it can."""
    text = url.strip()
    if not text:
        return "must not be blank"
    if len(text) > MAX_URL_LENGTH:
        return f"must be at most {MAX_URL_LENGTH} characters long"
    if not text.isprintable():
        return "must not contain control characters"
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        return "is not a well-formed link (check the brackets and the host)"
    if parts.scheme.lower() == "file" and parts.path:
        return None  # a clip on this computer: uploaded to the creator's storage first
    if parts.scheme.lower() not in ("http", "https"):
        return "must be an http(s) URL the service can fetch, or a clip on this computer"
    if not host:
        return "must name a host"
    if any(ch.isspace() for ch in text):
        return "must not contain spaces"
    return None


def is_local_url(url: str) -> bool:
    """A file:// reference: a clip on this computer, never sent as it is."""
    return url.strip().lower().startswith("file:")


@dataclass(frozen=True)
class GenerationRequest:
    """Everything one generation is asked with. Optional fields are None when unset."""

    prompt: str
    video_urls: tuple[str, ...]
    aspect_ratio: AspectRatio | None = None
    resolution: Resolution | None = None
    duration: int | None = None
    negative_prompt: str | None = None
    shot_type: ShotType | None = None
    seed: int | None = None
    enhance_prompt: bool | None = None
    model: str = field(default=MODEL_ID)

    def problems(self) -> list[Problem]:
        """Every local rule this request breaks; empty when it may be sent."""
        found: list[Problem] = []
        if not self.prompt.strip():
            found.append(
                Problem("prompt", "must not be empty", "Write a prompt that describes the scene.")
            )
        elif len(self.prompt) > PROMPT_LIMIT:
            length = len(self.prompt)
            found.append(
                Problem(
                    "prompt",
                    f"at most {PROMPT_LIMIT} characters (has {length})",
                    f"Shorten the prompt to {PROMPT_LIMIT} characters (it has {length}).",
                )
            )
        if self.negative_prompt is not None and len(self.negative_prompt) > NEGATIVE_PROMPT_LIMIT:
            length = len(self.negative_prompt)
            found.append(
                Problem(
                    "negative_prompt",
                    f"at most {NEGATIVE_PROMPT_LIMIT} characters (has {length})",
                    f"Shorten what to keep out to {NEGATIVE_PROMPT_LIMIT} characters "
                    f"(it has {length}).",
                )
            )
        found.extend(self._url_problems())
        if self.duration is not None and self.duration not in DURATIONS:
            found.append(Problem("duration", f"must be 5, 10 or 15 seconds, not {self.duration}"))
        if self.seed is not None and not 0 <= self.seed <= SEED_MAX:
            found.append(
                Problem(
                    "seed",
                    f"must be a whole number from 0 to {SEED_MAX}",
                    f"The seed must be a whole number from 0 to {SEED_MAX}.",
                )
            )
        if self.model != MODEL_ID:
            found.append(Problem("model", f"must be {MODEL_ID}"))
        return found

    def _url_problems(self) -> list[Problem]:
        if not 1 <= len(self.video_urls) <= MAX_REFERENCES:
            count = len(self.video_urls)
            return [
                Problem(
                    "video_urls",
                    f"needs 1 to {MAX_REFERENCES} reference clips, not {count}",
                    f"Add 1 to {MAX_REFERENCES} reference clips."
                    if count == 0
                    else f"Use at most {MAX_REFERENCES} reference clips (there are {count}).",
                )
            ]
        found = []
        seen: set[str] = set()
        for slot, url in enumerate(self.video_urls, start=1):
            problem = reference_url_problem(url)
            if problem:
                shown = url if len(url) <= 80 else url[:79] + "…"
                found.append(
                    Problem(
                        "video_urls",
                        f"reference {slot} ({shown!r}) {problem}",
                        f"Reference {slot}: its link {problem}.",
                    )
                )
            elif url.strip() in seen:
                found.append(
                    Problem(
                        "video_urls",
                        f"reference {slot} repeats an earlier one",
                        f"Reference {slot} is the same clip as an earlier one.",
                    )
                )
            seen.add(url.strip())
        return found

    def validate(self) -> None:
        problems = self.problems()
        if problems:
            raise InvalidRequestError(problems)

    def validate_for_sending(self) -> None:
        """As `validate`, and every reference is a link the service can fetch: a clip on
        this computer is uploaded (and replaced by its link) before a request is sent."""
        local = [
            Problem(
                "video_urls",
                f"reference {slot} is a clip on this computer, not yet uploaded",
                f"Reference {slot} is a clip on this computer: it must be uploaded first.",
            )
            for slot, url in enumerate(self.video_urls, start=1)
            if is_local_url(url)
        ]
        problems = [*self.problems(), *local]
        if problems:
            raise InvalidRequestError(problems)

    def to_json(self) -> dict[str, Any]:
        """The request body: the model, the required fields, and only the optional ones set."""
        body: dict[str, Any] = {
            "model": self.model,
            "prompt": self.prompt,
            "video_urls": [u.strip() for u in self.video_urls],
        }
        optional: dict[str, Any] = {
            "aspect_ratio": self.aspect_ratio and self.aspect_ratio.value,
            "resolution": self.resolution and self.resolution.value,
            "duration": self.duration,
            "negative_prompt": self.negative_prompt,
            "shot_type": self.shot_type and self.shot_type.value,
            "seed": self.seed,
            "enhance_prompt": self.enhance_prompt,
        }
        body.update({k: v for k, v in optional.items() if v is not None})
        return body

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> GenerationRequest:
        """Rebuild a request from `to_json` output (as kept in the journal and sidecars).

        Raises ValueError for an enum value outside the contract.
        """

        def opt(name: str, kind: Any) -> Any:
            value = body.get(name)
            return None if value is None else kind(value)

        return cls(
            prompt=str(body.get("prompt", "")),
            video_urls=tuple(str(u) for u in body.get("video_urls", ())),
            aspect_ratio=opt("aspect_ratio", AspectRatio),
            resolution=opt("resolution", Resolution),
            duration=opt("duration", int),
            negative_prompt=opt("negative_prompt", str),
            shot_type=opt("shot_type", ShotType),
            seed=opt("seed", int),
            enhance_prompt=opt("enhance_prompt", bool),
            model=str(body.get("model", MODEL_ID)),
        )

    @property
    def effective_resolution(self) -> Resolution:
        return self.resolution or Resolution.FULL_HD

    @property
    def effective_duration(self) -> int:
        return self.duration or 10


MAX_VARIATIONS = 4
_REFERENCE_LINE = re.compile(r"\[video_urls[.\[](\d)\]?\]\s*(.*)")


def references_named(text: str) -> dict[int, str]:
    """The service's validation lines about one reference, by slot (1-based): a line
    "[video_urls.1] Could not fetch" is about reference 2."""
    found: dict[int, str] = {}
    for line in text.splitlines()[:50]:
        match = _REFERENCE_LINE.search(line)
        if match:
            found.setdefault(int(match.group(1)) + 1, match.group(2).strip()[:200])
    return found


def variations(
    request: GenerationRequest, count: int, draw: Callable[[], int]
) -> list[GenerationRequest]:
    """`count` requests that differ only by seed: consecutive from the request's seed when it
    has one, else drawn with `draw` (all distinct, so each take can be made again). One
    request without a seed stays without: the service picks it."""
    if count <= 1:
        return [request]
    if request.seed is not None:
        seeds = [(request.seed + n) % (SEED_MAX + 1) for n in range(count)]
    else:
        drawn: list[int] = []
        while len(drawn) < count:
            seed = draw() % (SEED_MAX + 1)
            if seed not in drawn:
                drawn.append(seed)
        seeds = drawn
    return [replace(request, seed=seed) for seed in seeds]

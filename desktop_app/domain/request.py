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
from desktop_app.domain.models import MODELS, WAN_26, ModelSpec, model_named

MODEL_ID = WAN_26.id
"""The default model's id (requests journaled before models were data are its)."""
MAX_REFERENCES = WAN_26.max_references
PROMPT_LIMIT = WAN_26.prompt_limit
NEGATIVE_PROMPT_LIMIT = WAN_26.negative_prompt_limit
SEED_MAX = 2_147_483_647
DURATIONS = WAN_26.durations
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
    video_urls: tuple[str, ...] = ()
    aspect_ratio: AspectRatio | None = None
    resolution: Resolution | None = None
    duration: int | None = None
    negative_prompt: str | None = None
    shot_type: ShotType | None = None
    seed: int | None = None
    enhance_prompt: bool | None = None
    model: str = field(default=MODEL_ID)
    image_urls: tuple[str, ...] = ()
    """Still images as characters (models that take them)."""
    first_frame_image: str | None = None
    """The clip's first frame (models that take one)."""
    watermark: bool | None = None

    @property
    def spec(self) -> ModelSpec | None:
        """The model this request is for; None for a model Wan Studio does not know."""
        return model_named(self.model)

    @property
    def model_name(self) -> str:
        """The model for people ("Wan 2.7"), or its id when Wan Studio does not know it."""
        spec = self.spec
        return spec.short_name if spec is not None else self.model[:60]

    def problems(self) -> list[Problem]:
        """Every local rule this request breaks for its model; empty when it may be sent."""
        spec = self.spec
        if spec is None:
            known = ", ".join(m.id for m in MODELS)
            return [Problem("model", f"must be one of {known}, not {self.model[:80]!r}")]
        found: list[Problem] = []
        if not self.prompt.strip():
            found.append(
                Problem("prompt", "must not be empty", "Write a prompt that describes the scene.")
            )
        elif len(self.prompt) > spec.prompt_limit:
            length = len(self.prompt)
            found.append(
                Problem(
                    "prompt",
                    f"at most {spec.prompt_limit} characters (has {length})",
                    f"Shorten the prompt to {spec.prompt_limit} characters (it has {length}).",
                )
            )
        limit = spec.negative_prompt_limit
        if self.negative_prompt is not None and len(self.negative_prompt) > limit:
            length = len(self.negative_prompt)
            found.append(
                Problem(
                    "negative_prompt",
                    f"at most {limit} characters (has {length})",
                    f"Shorten what to keep out to {limit} characters (it has {length}).",
                )
            )
        found.extend(self._url_problems(spec))
        found.extend(self._field_problems(spec))
        if self.seed is not None and not 0 <= self.seed <= SEED_MAX:
            found.append(
                Problem(
                    "seed",
                    f"must be a whole number from 0 to {SEED_MAX}",
                    f"The seed must be a whole number from 0 to {SEED_MAX}.",
                )
            )
        return found

    def _field_problems(self, spec: ModelSpec) -> list[Problem]:
        """The optional fields `spec` has, with their values and dependencies."""
        found = []
        if self.duration is not None and self.duration not in spec.durations:
            allowed = ", ".join(str(d) for d in spec.durations)
            found.append(
                Problem("duration", f"must be one of {allowed} seconds, not {self.duration}")
            )
        absent = (
            ("shot_type", self.shot_type is not None and not spec.shot_type),
            ("watermark", self.watermark is not None and not spec.watermark),
            ("image_urls", bool(self.image_urls) and not spec.takes_images),
            ("first_frame_image", self.first_frame_image is not None and not spec.first_frame),
        )
        for name, given in absent:
            if given:
                found.append(
                    Problem(name, f"{spec.short_name} ({spec.id}) has no {name}",
                            f"{spec.short_name} does not take {name.replace('_', ' ')}.")
                )  # fmt: skip
        if self.shot_type is ShotType.MULTI and self.enhance_prompt is False and spec.shot_type:
            found.append(
                Problem(
                    "shot_type",
                    "multi works only with prompt expansion on (enhance_prompt)",
                    "Several cuts (shot type multi) need prompt expansion on.",
                )
            )
        if self.first_frame_image is not None and spec.first_frame:
            problem = reference_url_problem(self.first_frame_image)
            if problem:
                found.append(Problem("first_frame_image", f"the first frame {problem}"))
        return found

    def _url_problems(self, spec: ModelSpec) -> list[Problem]:
        videos, images = len(self.video_urls), len(self.image_urls)
        if spec.takes_images and videos > spec.max_videos:
            return [
                Problem(
                    "video_urls",
                    f"at most {spec.max_videos} reference clips for {spec.short_name}, "
                    f"not {videos}",
                    f"Use at most {spec.max_videos} reference clips (there are {videos}).",
                )
            ]
        if spec.takes_images and images > spec.max_images:
            return [
                Problem(
                    "image_urls",
                    f"at most {spec.max_images} still images for {spec.short_name}, not {images}",
                    f"Use at most {spec.max_images} still images (there are {images}).",
                )
            ]
        if not 1 <= videos + images <= spec.max_references:
            count = videos + images
            what = "reference clips or stills" if spec.takes_images else "reference clips"
            return [
                Problem(
                    "video_urls",
                    f"needs 1 to {spec.max_references} {what}, not {count}",
                    f"Add 1 to {spec.max_references} {what}."
                    if count == 0
                    else f"Use at most {spec.max_references} {what} (there are {count}).",
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
        for slot, url in enumerate(self.image_urls, start=1):
            problem = reference_url_problem(url)
            if problem:
                found.append(
                    Problem("image_urls", f"image {slot} {problem}", f"Image {slot}: {problem}.")
                )
        return found

    def validate(self) -> None:
        problems = self.problems()
        if problems:
            raise InvalidRequestError(problems)

    def validate_for_sending(self) -> None:
        """As `validate`, and every reference is a link the service can fetch: a clip on
        this computer is uploaded (and replaced by its link) before a request is sent."""
        files = [
            *(("video_urls", n, url) for n, url in enumerate(self.video_urls, start=1)),
            *(("image_urls", n, url) for n, url in enumerate(self.image_urls, start=1)),
            *((("first_frame_image", 1, self.first_frame_image),) if self.first_frame_image
              else ()),
        ]  # fmt: skip
        local = [
            Problem(
                field,
                f"{field} {slot} is a file on this computer, not yet uploaded",
                f"{field.replace('_', ' ')} {slot} is a file on this computer: it must be "
                "uploaded first.",
            )
            for field, slot, url in files
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
            "image_urls": [u.strip() for u in self.image_urls] or None,
            "first_frame_image": self.first_frame_image and self.first_frame_image.strip(),
            "aspect_ratio": self.aspect_ratio and self.aspect_ratio.value,
            "resolution": self.resolution and self.resolution.value,
            "duration": self.duration,
            "negative_prompt": self.negative_prompt,
            "shot_type": self.shot_type and self.shot_type.value,
            "seed": self.seed,
            "enhance_prompt": self.enhance_prompt,
            "watermark": self.watermark,
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
            image_urls=tuple(str(u) for u in body.get("image_urls", ()) or ()),
            first_frame_image=opt("first_frame_image", str),
            watermark=opt("watermark", bool),
        )

    def with_link(self, field: str, slot: int, url: str) -> GenerationRequest:
        """This request with `url` in `field` (video_urls, image_urls or
        first_frame_image) at `slot` (1-based)."""
        if field == "first_frame_image":
            return replace(self, first_frame_image=url)
        if field == "image_urls":
            return replace(self, image_urls=_put(self.image_urls, slot, url))
        return replace(self, video_urls=_put(self.video_urls, slot, url))

    @property
    def effective_resolution(self) -> Resolution:
        return self.resolution or Resolution.FULL_HD

    @property
    def effective_duration(self) -> int:
        return self.duration or 10


def _put(links: tuple[str, ...], slot: int, url: str) -> tuple[str, ...]:
    return (*links[: slot - 1], url, *links[slot:])


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

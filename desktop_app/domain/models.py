"""The models Wan Studio can ask for, as data: one `ModelSpec` per model says what it takes
(reference kinds and counts, a first frame, each optional field with its values and
default), how its prompt names references, and its limits. Validation, the request body,
prices, the command line and the simulator read it; adding a model is one entry here.

What each entry says is the provider's documentation (API.md, the models issue), with the
stricter rule where hosts of the same upstream model differ (say so in the README)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelSpec:
    id: str
    short_name: str
    """For people: "Wan 2.6"."""
    aliases: tuple[str, ...]
    """Other names the command line and the catalogue know it by ("2.6", …)."""
    max_videos: int
    max_images: int
    """0: it takes no still images."""
    max_references: int
    """Clips and stills together."""
    first_frame: bool
    """It takes `first_frame_image` (not counted among the references)."""
    prompt_limit: int
    negative_prompt_limit: int
    durations: tuple[int, ...]
    default_duration: int
    shot_type: bool
    """It takes `shot_type` (which works only with prompt expansion on)."""
    watermark: bool
    video_seconds: tuple[float, float]
    """The shortest and longest reference clip it takes."""
    reference_words: str
    """How the prompt names references: "character" (character1, …) or "kind" (Image 1,
    Video 1, counted per kind, as upstream hosts name them)."""

    @property
    def takes_images(self) -> bool:
        return self.max_images > 0

    def names(self) -> tuple[str, ...]:
        return (self.id, *self.aliases)


WAN_26 = ModelSpec(
    id="alibaba/wan-2-6-r2v",
    short_name="Wan 2.6",
    aliases=("2.6", "wan-2.6-r2v", "wan2.6-r2v"),
    max_videos=3,
    max_images=0,
    max_references=3,
    first_frame=False,
    prompt_limit=1500,
    negative_prompt_limit=500,
    durations=(5, 10, 15),
    default_duration=10,
    shot_type=True,
    watermark=False,
    video_seconds=(2.0, 30.0),
    reference_words="character",
)

WAN_27 = ModelSpec(
    id="alibaba/wan-2-7-r2v",
    short_name="Wan 2.7",
    aliases=("2.7", "wan-2.7-r2v", "wan2.7-r2v"),
    max_videos=5,
    max_images=5,
    max_references=5,
    first_frame=True,
    prompt_limit=5000,
    negative_prompt_limit=500,
    durations=(5, 10, 15),
    default_duration=10,
    shot_type=False,
    watermark=True,
    video_seconds=(1.0, 30.0),
    reference_words="kind",
)

MODELS: tuple[ModelSpec, ...] = (WAN_26, WAN_27)
DEFAULT_MODEL = WAN_26


def model_named(name: str) -> ModelSpec | None:
    """The model `name` names (its id or an alias, any case); None for another."""
    wanted = name.strip().lower()
    return next((m for m in MODELS if wanted in (n.lower() for n in m.names())), None)

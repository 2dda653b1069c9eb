"""ComposerState: everything set in the composer, valid or not, as bound properties
(`properties.Property`). The widgets show them and change them (two-way bindings); the
request, the draft and what a loaded request fills in are derived from them here, once, and
not from the widgets.

References are rows of (link, kind) in list order, kind `VIDEO` or `IMAGE`: the order is
how the prompt names them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject

from desktop_app.domain.models import WAN_26, ModelSpec
from desktop_app.domain.prompt import IMAGE, VIDEO
from desktop_app.domain.request import (
    MAX_VARIATIONS,
    SEED_MAX,
    AspectRatio,
    GenerationRequest,
    Resolution,
    ShotType,
)
from desktop_app.qt.properties import Property

Row = tuple[str, str]
"""(link, kind): one reference."""


class ComposerState(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model: Property[ModelSpec] = Property(WAN_26, self)
        self.references: Property[tuple[Row, ...]] = Property((), self)
        self.first_frame: Property[str | None] = Property(None, self)
        self.prompt = Property("", self)
        self.negative = Property("", self)
        self.aspect = Property(AspectRatio.LANDSCAPE, self)
        self.resolution = Property(Resolution.FULL_HD, self)
        self.duration = Property(WAN_26.default_duration, self)
        self.enhance = Property(True, self)
        self.shot_type = Property(ShotType.SINGLE, self)
        self.watermark = Property(False, self)
        self.seed = Property("", self)
        """The seed as typed: empty is random; anything else must be a whole number."""
        self.seed_kept = Property(False, self)
        self.variations = Property(1, self)

    def properties(self) -> tuple[Property[Any], ...]:
        return (self.model, self.references, self.first_frame, self.prompt, self.negative,
                self.aspect, self.resolution, self.duration, self.enhance, self.shot_type,
                self.watermark, self.seed, self.seed_kept, self.variations)  # fmt: skip

    # -- derived -----------------------------------------------------------------------------

    def links(self, kind: str) -> tuple[str, ...]:
        return tuple(link for link, of in self.references.value if of == kind)

    def seed_value(self) -> int | None:
        text = self.seed.value.strip()
        return int(text) if text.isdigit() and int(text) <= SEED_MAX else None

    def seed_problem(self) -> str | None:
        if self.seed.value.strip() and self.seed_value() is None:
            return f"The seed must be a whole number from 0 to {SEED_MAX}."
        return None

    def request(self) -> GenerationRequest:
        """The request the properties make, for their model (fields it does not have are
        left out)."""
        spec = self.model.value
        expansion = self.enhance.value
        return GenerationRequest(
            prompt=self.prompt.value.strip(),
            video_urls=self.links(VIDEO),
            aspect_ratio=self.aspect.value,
            resolution=self.resolution.value,
            duration=self.duration.value,
            negative_prompt=self.negative.value.strip() or None,
            shot_type=self.shot_type.value if spec.shot_type and expansion else None,
            seed=self.seed_value(),
            enhance_prompt=expansion,
            model=spec.id,
            image_urls=self.links(IMAGE),
            first_frame_image=self.first_frame.value if spec.first_frame else None,
            watermark=True if spec.watermark and self.watermark.value else None,
        )

    # -- filled from outside -----------------------------------------------------------------

    def load(self, request: GenerationRequest, spec: ModelSpec) -> None:
        """Every property from a request (run again, Use these settings, a sidecar, a model
        switch), for `spec` (its model's, or the default for a model not known)."""
        self.model.set(spec)
        rows = [(url, VIDEO) for url in request.video_urls]
        self.references.set(tuple(rows + [(url, IMAGE) for url in request.image_urls]))
        self.first_frame.set(request.first_frame_image)
        self.prompt.set(request.prompt)
        self.negative.set(request.negative_prompt or "")
        self.aspect.set(request.aspect_ratio or AspectRatio.LANDSCAPE)
        self.resolution.set(request.effective_resolution)
        duration = request.effective_duration
        self.duration.set(duration if duration in spec.durations else spec.default_duration)
        self.enhance.set(request.enhance_prompt is not False)
        self.shot_type.set(request.shot_type or ShotType.SINGLE)
        self.watermark.set(bool(request.watermark))
        self.seed.set("" if request.seed is None else str(request.seed))

    def draft(self) -> dict[str, Any]:
        """Everything set, valid or not, as JSON-ready data (DraftStore keeps it)."""
        return {
            "request": self.request().to_json(),
            "variations": self.variations.value,
            "seed_kept": self.seed_kept.value,
        }

    def restore(self, draft: dict[str, Any]) -> bool:
        """Every property from `draft`; False (and nothing changed) when it is unusable."""
        try:
            request = GenerationRequest.from_json(draft["request"])
            variations = int(draft.get("variations", 1))
        except (KeyError, TypeError, ValueError, AttributeError):
            return False
        self.load(request, request.spec or WAN_26)
        self.variations.set(max(1, min(MAX_VARIATIONS, variations)))
        self.seed_kept.set(bool(draft.get("seed_kept", False)))
        return True

"""Composer: references, prompt, every parameter, and Generate (Ctrl+Enter), which stays
disabled with its reason shown while the request is invalid."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.job import Job
from desktop_app.domain.models import MODELS, WAN_26, ModelSpec
from desktop_app.domain.money import format_usd
from desktop_app.domain.pricing import Quote
from desktop_app.domain.prompt import mentioned_names, prompt_notes, tag_pattern
from desktop_app.domain.request import (
    MAX_VARIATIONS,
    SEED_MAX,
    GenerationRequest,
    Resolution,
    ShotType,
    variations,
)
from desktop_app.models.plain_text import plain_tooltip
from desktop_app.models.properties import Property
from desktop_app.ui.labels import InfoLabel
from desktop_app.ui.money_text import cost_sentence
from desktop_app.ui.options import AspectRatioPicker, SeedField
from desktop_app.ui.prompt_editor import PromptEditor
from desktop_app.ui.reference_list import ReferenceList, describe_link


def _radio_row(labels: list[tuple[str, str]], group: QButtonGroup) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for index, (text, tip) in enumerate(labels):
        button = QRadioButton(text)
        button.setToolTip(tip)
        group.addButton(button, index)
        layout.addWidget(button)
    layout.addStretch(1)
    return row


QuoteRequests = Callable[[Sequence[GenerationRequest]], Quote]
LeftToday = Callable[[], float | None]
"""Dollars left under today's spending limit; None: no limit."""


def _draw_seed() -> int:
    return random.SystemRandom().randint(0, SEED_MAX)


class Composer(QWidget):
    generate_requested = Signal(list)
    """The valid GenerationRequests (one, or the variations) the creator asked for."""
    edited = Signal()
    """Something the creator set changed (the draft is saved on it)."""
    model_picked = Signal(object)
    """The creator picked another model (a ModelSpec) in the picker: whoever keeps the
    draft switches to it (`switch_model`), with undo."""

    def __init__(
        self,
        references: ReferenceList,
        quote: QuoteRequests | None = None,
        left_today: LeftToday = lambda: None,
        sending: Property[bool] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """Without `quote` (the first frame, before the engine) the draft is shown and
        edited, and Generate waits for `attach`."""
        super().__init__(parent)
        self.references = references
        self._quote = quote
        self._left_today = left_today
        self._sending = sending if sending is not None else Property(False, self)
        """A Generate is on its way (the window's view state): the button is inert."""
        # One activation, one job: after a click the button stays inert at least as long
        # as a double click lasts, however fast the service answers.
        self._inert = QTimer(self)
        self._inert.setSingleShot(True)
        self._inert.setInterval(QGuiApplication.styleHints().mouseDoubleClickInterval())
        self._inert.timeout.connect(self.refresh)
        self.model_spec: Property[ModelSpec] = Property(WAN_26, self)
        """The model the request is for: everything below offers what it takes."""
        self.continuing: str | None = None
        """The job whose last frame this request continues (Continue from last frame)."""
        self.model = QComboBox()
        self.model.setAccessibleName("Model")
        for spec in MODELS:
            self.model.addItem(spec.short_name, spec.id)
        self.model.setToolTip(
            "Wan 2.6 takes 1 to 3 clips. Wan 2.7 also takes stills as characters (up to 5 "
            "references together) and a first frame."
        )
        self.prompt = PromptEditor("", "Prompt")
        self.chips = QHBoxLayout()
        self.chip_buttons: list[QPushButton] = []
        self.prompt_counter = QLabel()
        self.notes = InfoLabel("Prompt notes")
        self.negative = PromptEditor("What to keep out of the clip (optional)", "Negative prompt")
        self.negative.setMaximumHeight(60)
        self.negative_counter = QLabel()

        self.aspect = AspectRatioPicker()
        self.resolution = QButtonGroup(self)
        resolution_row = _radio_row(
            [("720p", "1280×720 (short side 720)"), ("1080p", "1920×1080 (short side 1080)")],
            self.resolution,
        )
        self.resolution.button(1).setChecked(True)
        self.duration = QButtonGroup(self)
        duration_row = _radio_row(
            [
                ("5 s", "5 seconds"),
                ("10 s", "10 seconds"),
                (
                    "15 s *",
                    "15 seconds. * Not every host of this model accepts 15 s; "
                    "if the service refuses it, its answer is shown.",
                ),
            ],
            self.duration,
        )
        self.duration.button(1).setChecked(True)
        self.aspect_note = InfoLabel("Aspect ratio note")
        self.watermark = QCheckBox("Watermark")
        self.watermark.setToolTip("The service marks the clip as AI-made")
        self.enhance = QCheckBox("Prompt expansion")
        self.enhance.setChecked(True)
        self.enhance.setToolTip("The service rewrites and enriches the prompt")
        self.shot_type = QComboBox()
        self.shot_type.setAccessibleName("Shot type")
        self.shot_type.addItem("Single shot", ShotType.SINGLE)
        self.shot_type.addItem("Multiple cuts", ShotType.MULTI)
        self.shot_note = InfoLabel("Shot type note")
        self.seed = SeedField()
        self.variations = QSpinBox()
        self.variations.setRange(1, MAX_VARIATIONS)
        self.variations.setAccessibleName("Variations")
        self.variations.setToolTip(
            "How many takes to make of this request, each with its own seed: consecutive "
            "from a kept seed, or random. Each take is billed."
        )

        self.generate_button = QPushButton("Generate")
        self.generate_button.setToolTip("Send this request to the service (Ctrl+Enter)")
        self.generate_button.setAccessibleName("Generate")
        self.generate_button.setDefault(True)
        self.reason = InfoLabel("Why Generate is disabled")
        self.cost = InfoLabel("Cost of the last job")
        self.notice = InfoLabel("Model notice")
        self.notice.setStyleSheet("color:#9d0208;font-weight:bold")
        self.notice.setVisible(False)

        form = self.form = QFormLayout()
        form.addRow("Aspect ratio", self.aspect)
        form.addRow("", self.aspect_note)
        form.addRow("Resolution", resolution_row)
        form.addRow("Duration", duration_row)
        form.addRow("", self.enhance)
        form.addRow("Shot type", self.shot_type)
        form.addRow("", self.shot_note)
        form.addRow("", self.watermark)
        form.addRow("Seed", self.seed)
        form.addRow("Variations", self.variations)
        self.samples_button = QPushButton("Add sample references")
        self.samples_button.setToolTip("Demo: three short sample clips served by the simulator")
        self.samples_button.setVisible(False)
        body = QWidget()
        fields = QVBoxLayout(body)
        model_row = QHBoxLayout()
        model_row.addWidget(QLabel("<b>Model</b>"))
        model_row.addWidget(self.model, 1)
        fields.addLayout(model_row)
        heading = QHBoxLayout()
        self.references_title = title = QLabel()
        title.setWordWrap(True)  # it never keeps the composer wider than its pane
        heading.addWidget(title, 1)
        heading.addWidget(self.samples_button)
        fields.addLayout(heading)
        fields.addWidget(self.references, 1)
        fields.addWidget(QLabel("<b>Prompt</b>"))
        fields.addLayout(self.chips)
        fields.addWidget(self.prompt, 1)
        counters = QHBoxLayout()
        counters.addWidget(self.notes, 1)
        counters.addWidget(self.prompt_counter, 0, Qt.AlignmentFlag.AlignTop)
        fields.addLayout(counters)
        negative_row = QHBoxLayout()
        negative_row.addWidget(self.negative, 1)
        negative_row.addWidget(self.negative_counter, 0, Qt.AlignmentFlag.AlignTop)
        fields.addLayout(negative_row)
        fields.addLayout(form)
        self.fields_area = scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        action = QHBoxLayout()
        action.addWidget(self.reason, 1)
        action.addWidget(self.generate_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.notice)
        layout.addWidget(scroll, 1)
        layout.addLayout(action)
        layout.addWidget(self.cost)

        self.references.references_changed.connect(self._on_references_references_changed)
        self.references.first_frame.changed.connect(self._on_first_frame_changed)
        self.model.activated.connect(self._on_model_activated)
        self.watermark.toggled.connect(self.refresh)
        self.prompt.textChanged.connect(self.refresh)
        self.negative.textChanged.connect(self.refresh)
        self.enhance.toggled.connect(self.refresh)
        self.seed.changed.connect(self.refresh)
        self.variations.valueChanged.connect(self.refresh)
        self.seed.lock.toggled.connect(lambda *_: self.refresh())
        # Every parameter can change the price on the button.
        self.aspect.changed.connect(self.refresh)
        self.resolution.idToggled.connect(lambda *_: self.refresh())
        self.duration.idToggled.connect(lambda *_: self.refresh())
        self.shot_type.currentIndexChanged.connect(lambda *_: self.refresh())
        self.generate_button.clicked.connect(self._on_generate_button_clicked)
        self._sending.changed.connect(lambda _sending: self.refresh())
        self.model_spec.bind(self._show_model)

    # -- the request -------------------------------------------------------------------------

    def request(self) -> GenerationRequest:
        spec = self.model_spec.value
        negative = self.negative.toPlainText().strip()
        shot = spec.shot_type and self.enhance.isChecked()
        return GenerationRequest(
            prompt=self.prompt.toPlainText().strip(),
            video_urls=tuple(self.references.videos()),
            aspect_ratio=self.aspect.value(),
            resolution=Resolution.HD if self.resolution.checkedId() == 0 else Resolution.FULL_HD,
            duration=spec.durations[self.duration.checkedId()],
            negative_prompt=negative or None,
            shot_type=ShotType(self.shot_type.currentData()) if shot else None,
            seed=self.seed.value(),
            enhance_prompt=self.enhance.isChecked(),
            model=spec.id,
            image_urls=tuple(self.references.images()),
            first_frame_image=self.references.first_frame.link() if spec.first_frame else None,
            watermark=True if spec.watermark and self.watermark.isChecked() else None,
        )

    def load(self, request: GenerationRequest) -> None:
        """Fill every field from a request (to run a job again). A request for a model
        Wan Studio does not know is loaded for the default model."""
        self.continuing = None
        self.model_spec.set(request.spec or WAN_26)
        self.references.set_references(request.video_urls, request.image_urls)
        self.references.first_frame.set_link(request.first_frame_image)
        self.watermark.setChecked(bool(request.watermark))
        self.prompt.setPlainText(request.prompt)
        self.negative.setPlainText(request.negative_prompt or "")
        if request.aspect_ratio:
            self.aspect.set_value(request.aspect_ratio)
        self.resolution.button(0 if request.resolution is Resolution.HD else 1).setChecked(True)
        durations = self.model_spec.value.durations
        duration = request.effective_duration
        self.duration.button(durations.index(duration) if duration in durations else 1).setChecked(
            True
        )
        self.enhance.setChecked(request.enhance_prompt is not False)
        self.shot_type.setCurrentIndex(1 if request.shot_type is ShotType.MULTI else 0)
        self.seed.field.setText("" if request.seed is None else str(request.seed))
        self.refresh()

    def requests(self) -> list[GenerationRequest]:
        """The request, once or as its variations (each with its own seed)."""
        return variations(self.request(), self.variations.value(), _draw_seed)

    def attach(self, quote: QuoteRequests, left_today: LeftToday) -> None:
        """The engine's prices and today's limit: Generate can be priced and pressed."""
        self._quote, self._left_today = quote, left_today
        self.refresh()

    def quote(self) -> Quote:
        assert self._quote is not None, "priced once the engine is attached"
        return self._quote([self.request()] * self.variations.value())

    def draft(self) -> dict[str, Any]:
        """Everything set in the composer, valid or not, as JSON-ready data."""
        return {
            "request": self.request().to_json(),
            "variations": self.variations.value(),
            "seed_kept": self.seed.lock.isChecked(),
        }

    def restore(self, draft: dict[str, Any]) -> bool:
        """Fill the composer from `draft`; False (and nothing changed) when it is unusable."""
        try:
            request = GenerationRequest.from_json(draft["request"])
            variations = int(draft.get("variations", 1))
            self.load(request)
        except (KeyError, TypeError, ValueError, AttributeError):
            return False
        self.variations.setValue(max(1, min(MAX_VARIATIONS, variations)))
        self.seed.lock.setChecked(bool(draft.get("seed_kept", False)))
        return True

    def concerns(self) -> list[str]:
        """What looks wrong with the request itself, worth one question before paying."""
        concerns = []
        failed = self.references.failed_references()
        if failed:
            slots = ", ".join(str(slot) for slot in failed)
            concerns.append(
                f"Reference {slots} failed its check from this computer: the service may "
                "not be able to fetch it either, and a failed clip can still cost time."
            )
        names = self.references.names()
        spec = self.model_spec.value
        empty = [n for n in mentioned_names(self.prompt.toPlainText(), spec) if n not in names]
        if empty:
            concerns.append(
                f"The prompt names {', '.join(empty)}, but there is no reference for it."
            )
        return concerns

    def problems(self) -> list[str]:
        found = [p.say() for p in self.request().problems()]
        if self.seed.field.text().strip() and self.seed.value() is None:
            found.append(f"The seed must be a whole number from 0 to {SEED_MAX}.")
        return found

    # -- feedback ----------------------------------------------------------------------------

    def refresh(self) -> None:
        spec = self.model_spec.value
        prompt = self.prompt.toPlainText()
        negative = self.negative.toPlainText()
        names = self.references.names()
        self.prompt.highlighter.set_names(tag_pattern(spec), names)
        self.prompt_counter.setText(f"{len(prompt)} / {spec.prompt_limit}")
        self.negative_counter.setText(f"{len(negative)} / {spec.negative_prompt_limit}")
        self.notes.setText("\n".join(prompt_notes(prompt, names, spec)))
        first_frame = spec.first_frame and self.references.first_frame.link() is not None
        self.aspect_note.setText(
            "The first frame sets the picture's shape: the service ignores the aspect ratio."
            if first_frame
            else ""
        )
        expansion = self.enhance.isChecked()
        self.shot_type.setEnabled(expansion)
        self.shot_note.setText(
            "" if expansion else "Shot type only takes effect with prompt expansion on."
        )
        self.edited.emit()
        problems = self.problems()
        ready = self._quote is not None
        self.generate_button.setEnabled(ready and not problems and not self._busy())
        self.reason.setText(" ".join(problems))
        self._label_generate(problems)

    def _label_generate(self, problems: list[str]) -> None:
        count = self.variations.value()
        name = "Generate" if count == 1 else f"Generate {count}"
        if self._busy():
            self.generate_button.setText("Sending…")
            return
        if self._quote is None:
            self.generate_button.setText(name)
            self.generate_button.setToolTip("Wan Studio is starting: a moment.")
            return
        if problems:
            self.generate_button.setText(name)
            self.generate_button.setToolTip("Send this request to the service (Ctrl+Enter)")
            return
        quote = self.quote()
        left_today = self._left_today()  # settings and today's spending: read once
        if _over(quote, left_today):
            left = format_usd(left_today or 0.0)
            self.generate_button.setText(f"Over today's limit · {left} left")
            self.generate_button.setToolTip(
                f"It costs {quote.explain()}, and only {left} is left under your daily "
                "spending limit (Settings): it would be refused, and nothing would be sent."
            )
            return
        self.generate_button.setText(f"{name} · {quote.short()}")
        self.generate_button.setToolTip(
            f"Send this request to the service (Ctrl+Enter). It costs {quote.explain()}."
        )

    def refresh_price(self) -> None:
        """The button's price and limit again (a job was sent, a setting changed)."""
        self._label_generate(self.problems())

    def over_limit(self, quote: Quote) -> bool:
        """Today's limit would refuse a request of this price."""
        return _over(quote, self._left_today())

    def stop_timers(self) -> None:
        """The window closes: nothing of the composer runs after it."""
        self._inert.stop()

    def _busy(self) -> bool:
        return self._sending.value or self._inert.isActive()

    def show_notice(self, text: str) -> None:
        """A notice from the provider about the model (deprecated, superseded, withdrawn)."""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def sent(self) -> None:
        """The request went out: clear the seed unless it is kept."""
        self.seed.after_submit()
        self.continuing = None

    def show_cost(self, job: Job) -> None:
        """The last job's cost, by the one rule the job rows use: it follows the charge."""
        self.cost.setText(f"Last job: {cost_sentence(job)}")

    def _rebuild_chips(self, links: list[str]) -> None:
        for button in self.chip_buttons:
            self.chips.removeWidget(button)
            button.deleteLater()
        self.chip_buttons = []
        for link, tag in zip(links, self.references.names(), strict=True):
            name = describe_link(link)[1]
            # The tag alone: a long file name never widens the composer (it is in the tip).
            chip = QPushButton(tag)
            chip.setToolTip(plain_tooltip(f"Insert {tag} ({name}) into the prompt"))
            chip.setAccessibleName(f"Insert {tag}")
            chip.clicked.connect(lambda _=False, t=tag: self.prompt.insert_tag(t))
            self.chips.addWidget(chip)
            self.chip_buttons.append(chip)

    def _show_model(self, spec: ModelSpec) -> None:
        """Offer what `spec` takes: its references, limits, fields and prompt names."""
        self.model.setCurrentIndex(self.model.findData(spec.id))
        self.references.set_model(spec)
        stills = " clips or stills (up to {0} together)" if spec.takes_images else " clips"
        self.references_title.setText(
            f"<b>References</b>: 1 to {spec.max_references}"
            + stills.format(spec.max_references)
            + ", one character each"
        )
        words = "Image 1, Video 1" if spec.reference_words == "kind" else "character1, character2"
        self.prompt.setPlaceholderText(f"Describe the scene. Name your references {words}, …")
        for index, seconds in enumerate(spec.durations):
            self.duration.button(index).setText(f"{seconds} s")
        self.shot_type.setVisible(spec.shot_type)
        self.form.labelForField(self.shot_type).setVisible(spec.shot_type)
        self.shot_note.setVisible(spec.shot_type)
        self.watermark.setVisible(spec.watermark)
        self._rebuild_chips(self.references.links())
        self.refresh()

    def _on_model_activated(self, index: int) -> None:
        spec = next(m for m in MODELS if m.id == self.model.itemData(index))
        if spec != self.model_spec.value:
            self.model_picked.emit(spec)
        # Whoever switched it (or nobody) decides: the picker shows the model in use.
        self.model.setCurrentIndex(self.model.findData(self.model_spec.value.id))

    def _on_first_frame_changed(self) -> None:
        self.continuing = None  # another first frame is no longer that clip's last
        self.refresh()

    def _on_references_references_changed(self, links: list[str]) -> None:
        self._rebuild_chips(links)
        self.refresh()

    def _on_generate_button_clicked(self) -> None:
        if self._busy() or self.problems():
            self.refresh()
            return
        # The button goes inert: focus would move on to the next widget (the job search),
        # and the creator's next keys would go there. It stays where they write.
        self.prompt.setFocus(Qt.FocusReason.OtherFocusReason)
        self._inert.start()
        self.refresh()
        self.generate_requested.emit(self.requests())


def _over(quote: Quote, left_today: float | None) -> bool:
    """A request of this price would take today past the limit (None: no limit)."""
    return left_today is not None and quote.usd is not None and quote.usd > left_today + 1e-9

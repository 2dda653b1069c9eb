"""Composer: references, prompt, every parameter, and Generate (Ctrl+Enter), which stays
disabled with its reason shown while the request is invalid."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.job import Job
from desktop_app.domain.models import MODELS, WAN_26, ModelSpec
from desktop_app.domain.pricing import Quote
from desktop_app.domain.prompt import mentioned_names, prompt_notes, tag_pattern
from desktop_app.domain.request import (
    SEED_MAX,
    GenerationRequest,
    variations,
)
from desktop_app.qt.composer_state import ComposerState
from desktop_app.qt.plain_text import plain_tooltip
from desktop_app.qt.properties import Property
from desktop_app.ui.bindings import (
    bind,
    bind_text,
)
from desktop_app.ui.labels import InfoLabel
from desktop_app.ui.money_text import cost_sentence, generate_label, over_limit, price_source
from desktop_app.ui.parameters_form import ParametersForm
from desktop_app.ui.prompt_editor import PromptEditor
from desktop_app.ui.reference_list import ReferenceList, describe_link


def _takes(spec: ModelSpec) -> str:
    """What a model takes, for the picker's tip: "Wan 2.7: 1 to 5 clips or stills, and a
    first frame"."""
    kinds = "clips or stills" if spec.takes_images else "clips"
    first = ", and a first frame" if spec.first_frame else ""
    return f"{spec.short_name}: 1 to {spec.max_references} {kinds}{first}"


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
        self.state = ComposerState(self)
        """Everything set here: the widgets show and change it; the request comes from it."""
        self.model_spec = self.state.model
        """The model the request is for: everything below offers what it takes."""
        self.continuing: str | None = None
        """The job whose last frame this request continues (Continue from last frame)."""
        self.model = QComboBox()
        self.model.setAccessibleName("Model")
        for spec in MODELS:
            self.model.addItem(spec.short_name, spec.id)
        self.model.setToolTip("\n".join(_takes(spec) for spec in MODELS))
        self.prompt = PromptEditor("", "Prompt")
        self.chips = QHBoxLayout()
        self.chip_buttons: list[QPushButton] = []
        self.prompt_counter = QLabel()
        self.notes = InfoLabel("Prompt notes")
        self.negative = PromptEditor("What to keep out of the clip (optional)", "Negative prompt")
        self.negative.setMaximumHeight(60)
        self.negative_counter = QLabel()

        self.parameters = ParametersForm(self.state)
        form = self.parameters
        self.aspect, self.aspect_note = form.aspect, form.aspect_note
        self.resolution, self.duration = form.resolution, form.duration
        self.enhance, self.shot_type, self.shot_note = form.enhance, form.shot_type, form.shot_note
        self.watermark, self.seed, self.variations = form.watermark, form.seed, form.variations

        self.generate_button = QPushButton("Generate")
        self.generate_button.setToolTip("Send this request to the service (Ctrl+Enter)")
        self.generate_button.setAccessibleName("Generate")
        self.generate_button.setDefault(True)
        self.reason = InfoLabel("Why Generate is disabled")
        self.cost = InfoLabel("Cost of the last job")
        self.notice = InfoLabel("Model notice")
        self.notice.setStyleSheet("color:#9d0208;font-weight:bold")
        self.notice.setVisible(False)

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
        fields.addWidget(self.parameters)
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

        self._bind()
        self.model.activated.connect(self._on_model_activated)
        self.state.first_frame.changed.connect(self._on_first_frame_changed)
        self.state.references.changed.connect(lambda _rows: self._rebuild_chips())
        self.generate_button.clicked.connect(self._on_generate_button_clicked)
        self._sending.changed.connect(lambda _sending: self.refresh())
        self.state.model.bind(self._show_model)
        # Every property can change the feedback and the price on the button. Connected
        # after the bindings: a slot runs in the order connected, so the widgets show a new
        # value before the feedback reads them.
        for prop in self.state.properties():
            prop.changed.connect(self._on_state_changed)

    def _bind(self) -> None:
        """Each widget shows its property and sets it (`bindings`)."""
        state, references = self.state, self.references
        bind(state.references, references.rows, references.set_rows,
             references.references_changed)  # fmt: skip
        first = references.first_frame
        bind(state.first_frame, first.link, first.set_link, first.changed)
        bind_text(state.prompt, self.prompt)
        bind_text(state.negative, self.negative)

    # -- the request -------------------------------------------------------------------------

    def request(self) -> GenerationRequest:
        return self.state.request()

    def load(self, request: GenerationRequest) -> None:
        """Fill every field from a request (to run a job again). A request for a model
        Wan Studio does not know is loaded for the default model."""
        self.continuing = None
        self.state.load(request, request.spec or WAN_26)

    def requests(self) -> list[GenerationRequest]:
        """The request, once or as its variations (each with its own seed)."""
        return variations(self.request(), self.state.variations.value, _draw_seed)

    def attach(self, quote: QuoteRequests, left_today: LeftToday) -> None:
        """The engine's prices and today's limit: Generate can be priced and pressed."""
        self._quote, self._left_today = quote, left_today
        self.refresh()

    def quote(self) -> Quote:
        assert self._quote is not None, "priced once the engine is attached"
        return self._quote([self.request()] * self.state.variations.value)

    def draft(self) -> dict[str, Any]:
        """Everything set in the composer, valid or not, as JSON-ready data."""
        return self.state.draft()

    def restore(self, draft: dict[str, Any]) -> bool:
        """Fill the composer from `draft`; False (and nothing changed) when it is unusable."""
        return self.state.restore(draft)

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
        seed = self.state.seed_problem()
        return [*found, seed] if seed else found

    # -- feedback ----------------------------------------------------------------------------

    def refresh(self) -> None:
        state = self.state
        spec, prompt, negative = state.model.value, state.prompt.value, state.negative.value
        names = self.references.names()
        self.prompt.highlighter.set_names(tag_pattern(spec), names)
        # Counted as the validator counts: what is sent, without the edges' spaces.
        for counter, text, limit in (
            (self.prompt_counter, prompt, spec.prompt_limit),
            (self.negative_counter, negative, spec.negative_prompt_limit),
        ):
            length = len(text.strip())
            counter.setText(f"{length} / {limit}")
            counter.setStyleSheet("color:#d62828;font-weight:bold" if length > limit else "")
        self.notes.setText("\n".join(prompt_notes(prompt, names, spec)))
        self.parameters.show_feedback(state)
        problems = self.problems()
        ready = self._quote is not None
        self.generate_button.setEnabled(ready and not problems and not self._busy())
        self.reason.setText(" ".join(problems))
        self._label_generate(problems)

    def _label_generate(self, problems: list[str]) -> None:
        ready = self._quote is not None and not problems and not self._busy()
        quote = self.quote() if ready else None
        text, tip = generate_label(
            self.state.variations.value,
            busy=self._busy(),
            starting=self._quote is None,
            quote=quote,
            left_today=self._left_today() if quote is not None else None,
        )
        self.generate_button.setText(text)
        self.generate_button.setToolTip(tip)
        if quote is not None:
            self.reason.setText(price_source(quote))  # where the price comes from, beside it

    def refresh_price(self) -> None:
        """The button's price and limit again (a job was sent, a setting changed)."""
        self._label_generate(self.problems())

    def over_limit(self, quote: Quote) -> bool:
        """Today's limit would refuse a request of this price."""
        return over_limit(quote, self._left_today())

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
        if not self.state.seed_kept.value:
            self.state.seed.set("")
        self.continuing = None

    def show_cost(self, job: Job) -> None:
        """The last job's cost, by the one rule the job rows use: it follows the charge."""
        self.cost.setText(f"Last job: {cost_sentence(job)}")

    def _rebuild_chips(self) -> None:
        links = self.references.links()
        for button in self.chip_buttons:
            self.chips.removeWidget(button)
            button.deleteLater()
        self.chip_buttons = []
        offers: list[tuple[str, str]] = []
        for link, tag in zip(links, self.references.names(), strict=True):
            name = describe_link(link)[1]
            # The tag, and whose take it is: a long file name never widens the composer
            # (it is in the tip).
            character = self.references.names_of(link)
            if character:
                offers.append((tag, character))
            chip = QPushButton(f"{tag} · {character[:20]}" if character else tag)
            chip.setToolTip(plain_tooltip(f"Insert {tag} ({name}) into the prompt"))
            chip.setAccessibleName(f"Insert {tag}")
            chip.clicked.connect(lambda _=False, t=tag: self.prompt.insert_tag(t))
            self.chips.addWidget(chip)
            self.chip_buttons.append(chip)
        self.prompt.set_offers(offers)

    def show_names(self) -> None:
        """The kept characters changed: the chips say whose takes they are again."""
        self._rebuild_chips()

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
        self.parameters.show_model(spec)
        self._rebuild_chips()
        self.refresh()

    def _on_model_activated(self, index: int) -> None:
        spec = next(m for m in MODELS if m.id == self.model.itemData(index))
        if spec != self.model_spec.value:
            self.model_picked.emit(spec)
        # Whoever switched it (or nobody) decides: the picker shows the model in use.
        self.model.setCurrentIndex(self.model.findData(self.model_spec.value.id))

    def _on_state_changed(self, _value: object) -> None:
        self.refresh()
        self.edited.emit()

    def _on_first_frame_changed(self, _link: str | None) -> None:
        self.continuing = None  # another first frame is no longer that clip's last

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

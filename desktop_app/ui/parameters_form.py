"""ParametersForm: the composer's settings under the prompt (shape, resolution, duration,
prompt expansion, shot type or watermark, seed, variations), each bound to its property of
the `ComposerState`, and showing only what the chosen model has."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from desktop_app.domain.models import ModelSpec
from desktop_app.domain.request import MAX_VARIATIONS, Resolution, ShotType
from desktop_app.qt.composer_state import ComposerState
from desktop_app.ui.bindings import (
    bind,
    bind_checked,
    bind_choice,
    bind_group,
    bind_line,
    bind_spin,
)
from desktop_app.ui.labels import InfoLabel
from desktop_app.ui.options import AspectRatioPicker, SeedField


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


class ParametersForm(QWidget):
    def __init__(self, state: ComposerState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.aspect = AspectRatioPicker()
        self.aspect_note = InfoLabel("Aspect ratio note")
        self.resolution = QButtonGroup(self)
        resolution_row = _radio_row(
            [("720p", "1280×720 (short side 720)"), ("1080p", "1920×1080 (short side 1080)")],
            self.resolution,
        )
        self.duration = QButtonGroup(self)
        duration_row = _radio_row(
            [
                ("5 s", "5 seconds"),
                ("10 s", "10 seconds"),
                (
                    "15 s",
                    "15 seconds. Not every host of this model accepts 15 s; "
                    "if the service refuses it, its answer is shown.",
                ),
            ],
            self.duration,
        )
        self.enhance = QCheckBox("Prompt expansion")
        self.enhance.setToolTip("The service rewrites and enriches the prompt")
        self.shot_type = QComboBox()
        self.shot_type.setAccessibleName("Shot type")
        self.shot_type.addItem("Single shot", ShotType.SINGLE)
        self.shot_type.addItem("Multiple cuts", ShotType.MULTI)
        self.shot_note = InfoLabel("Shot type note")
        self.watermark = QCheckBox("Watermark")
        self.watermark.setToolTip("The service marks the clip as AI-made")
        self.seed = SeedField()
        self.variations = QSpinBox()
        self.variations.setRange(1, MAX_VARIATIONS)
        self.variations.setAccessibleName("Variations")
        self.variations.setToolTip(
            "How many takes to make of this request, each with its own seed: consecutive "
            "from a kept seed, or random. Each take is billed."
        )
        form = self.form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
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

        bind(state.aspect, self.aspect.value, self.aspect.set_value, self.aspect.changed)
        bind_group(state.resolution, self.resolution, lambda: tuple(Resolution))
        bind_group(state.duration, self.duration, lambda: state.model.value.durations)
        bind_checked(state.enhance, self.enhance)
        bind_choice(state.shot_type, self.shot_type, ShotType)
        bind_checked(state.watermark, self.watermark)
        bind_line(state.seed, self.seed.field)
        bind_checked(state.seed_kept, self.seed.lock)
        bind_spin(state.variations, self.variations)

    def show_model(self, spec: ModelSpec) -> None:
        """Only the settings `spec` has, with its values."""
        for index, seconds in enumerate(spec.durations):
            self.duration.button(index).setText(f"{seconds} s")
        for part in (self.shot_type, self.form.labelForField(self.shot_type), self.shot_note):
            part.setVisible(spec.shot_type)
        self.watermark.setVisible(spec.watermark)

    def show_feedback(self, state: ComposerState) -> None:
        """What the settings mean together: the first frame sets the shape; the shot type
        needs prompt expansion."""
        spec = state.model.value
        first_frame = spec.first_frame and state.first_frame.value is not None
        self.aspect_note.setText(
            "The first frame sets the picture's shape: the service ignores the aspect ratio."
            if first_frame
            else ""
        )
        expansion = state.enhance.value
        self.shot_type.setEnabled(expansion)
        self.shot_note.setText(
            "" if expansion else "Shot type only takes effect with prompt expansion on."
        )

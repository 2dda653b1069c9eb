"""Small option pickers of the composer: aspect-ratio buttons that show the frame's
shape, and the seed field with its dice and lock."""

from __future__ import annotations

import random

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QIntValidator, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QWidget,
)

from desktop_app.domain.request import SEED_MAX, AspectRatio


def frame_icon(ratio: AspectRatio, colour: QColor, size: int = 32) -> QIcon:
    """A rectangle of the ratio's shape, centred in a square icon."""
    width, height = (int(x) for x in ratio.value.split(":"))
    scale = (size - 6) / max(width, height)
    w, h = width * scale, height * scale
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(colour, 2))
    painter.drawRoundedRect(QRectF((size - w) / 2, (size - h) / 2, w, h), 2, 2)
    painter.end()
    return QIcon(pixmap)


class AspectRatioPicker(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group = QButtonGroup(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        colour = self.palette().color(QPalette.ColorRole.WindowText)
        self.buttons: dict[AspectRatio, QToolButton] = {}
        for ratio in AspectRatio:
            button = QToolButton()
            button.setCheckable(True)
            button.setIcon(frame_icon(ratio, colour))
            button.setIconSize(QSize(32, 32))
            button.setText(ratio.value)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            button.setAccessibleName(f"Aspect ratio {ratio.value}")
            button.setToolTip(f"{ratio.value} frame")
            self.group.addButton(button)
            self.buttons[ratio] = button
            layout.addWidget(button)
        layout.addStretch(1)
        # The chosen shape is marked with the palette's selection colours, light or dark.
        self.setStyleSheet(
            "QToolButton:checked { background: palette(highlight);"
            " color: palette(highlighted-text); border-radius: 3px; }"
        )
        self.buttons[AspectRatio.LANDSCAPE].setChecked(True)
        self.group.buttonToggled.connect(lambda *_: self.changed.emit())

    def value(self) -> AspectRatio:
        return next(r for r, b in self.buttons.items() if b.isChecked())

    def set_value(self, ratio: AspectRatio) -> None:
        self.buttons[ratio].setChecked(True)


class SeedField(QWidget):
    """Empty means random. The dice draws one; the lock keeps it for the next runs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = QLineEdit()
        self.field.setPlaceholderText("random")
        self.field.setValidator(QIntValidator(0, SEED_MAX, self))
        self.field.setAccessibleName("Seed")
        self.field.setToolTip(f"Same seed + same request gives similar results (0 to {SEED_MAX}).")
        self.dice = QToolButton()
        self.dice.setText("Roll")
        self.dice.setAccessibleName("Random seed")
        self.dice.setToolTip("Draw a random seed")
        self.dice.clicked.connect(self.roll)
        self.lock = QCheckBox("Keep")
        self.lock.setAccessibleName("Keep seed")
        self.lock.setToolTip("Keep this seed for the next runs (otherwise it clears after each)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.field, 1)
        layout.addWidget(self.dice)
        layout.addWidget(self.lock)

    def roll(self) -> None:
        self.field.setText(str(random.randint(0, SEED_MAX)))

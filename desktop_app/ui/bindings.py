"""Two-way bindings between the composer's properties and its widgets: the widget shows the
property, and what the creator does in the widget sets the property. A value the property
pushes is written into the widget only when it differs (a text field keeps its cursor and
its own undo), and a change the widget made is not pushed back into it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
)

from desktop_app.qt.properties import Property

T = TypeVar("T")


def bind(
    prop: Property[T], read: Callable[[], T], write: Callable[[T], object], notify: SignalInstance
) -> None:
    """`prop` shown by a widget (`write`) and set from it (`read` when `notify` fires)."""
    writing = False

    def to_widget(value: T) -> None:
        nonlocal writing
        if read() == value:
            return
        writing = True
        try:
            write(value)
        finally:
            writing = False

    def from_widget(*_args: object) -> None:
        if not writing:
            prop.set(read())

    prop.bind(to_widget)
    notify.connect(from_widget)


def bind_text(prop: Property[str], editor: QPlainTextEdit) -> None:
    bind(prop, editor.toPlainText, editor.setPlainText, editor.textChanged)


def bind_line(prop: Property[str], field: QLineEdit) -> None:
    bind(prop, field.text, field.setText, field.textChanged)


def bind_checked(prop: Property[bool], button: QAbstractButton) -> None:
    bind(prop, button.isChecked, button.setChecked, button.toggled)


def bind_spin(prop: Property[int], spin: QSpinBox) -> None:
    bind(prop, spin.value, spin.setValue, spin.valueChanged)


def bind_choice(prop: Property[T], combo: QComboBox, kind: Callable[[Any], T]) -> None:
    """A combo box whose items carry the values as their data (Qt hands a string enum back
    as a plain string: `kind` makes it the value again)."""

    def write(value: T) -> None:
        combo.setCurrentIndex(max(0, combo.findData(value)))

    bind(prop, lambda: kind(combo.currentData()), write, combo.currentIndexChanged)


def bind_group(prop: Property[T], group: QButtonGroup, values: Callable[[], Sequence[T]]) -> None:
    """Radio buttons, button n for `values()[n]` (the values may change with the model)."""

    def read() -> T:
        return values()[max(0, group.checkedId())]

    def write(value: T) -> None:
        choices = values()
        if value in choices:
            group.button(list(choices).index(value)).setChecked(True)

    bind(prop, read, write, group.idToggled)

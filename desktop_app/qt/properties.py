"""Observable view properties: a value with a changed signal, and the helpers that bind
one to a widget, in the spirit of krita-ai-diffusion's `properties.py`.

A widget reads the property it shows and follows its changes; whoever owns a piece of
state sets the property, never the widget. Two-way bindings guard against echo: a value
set by the widget is not pushed back into it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import QObject, Signal, SignalInstance

T = TypeVar("T")


class Property(QObject, Generic[T]):
    """One value of view state. `changed` carries the new value, and fires only on a
    change."""

    changed = Signal(object)

    def __init__(self, value: T, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._value = value

    @property
    def value(self) -> T:
        return self._value

    def set(self, value: T) -> None:
        if value == self._value:
            return
        self._value = value
        self.changed.emit(value)

    def bind(self, apply: Callable[[T], object]) -> None:
        """Call `apply` with the value now and after every change (one way: to a widget)."""
        apply(self._value)
        self.changed.connect(apply)


def bind_two_way(prop: Property[T], apply: Callable[[T], object], edited: SignalInstance) -> None:
    """A widget that shows `prop` (through `apply`) and changes it (its `edited` signal
    carries the new value)."""
    pushing = False

    def to_widget(value: T) -> None:
        nonlocal pushing
        pushing = True
        try:
            apply(value)
        finally:
            pushing = False

    def from_widget(value: T) -> None:
        if not pushing:
            prop.set(value)

    prop.bind(to_widget)
    edited.connect(from_widget)

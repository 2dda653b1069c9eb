"""View properties, directly: a change is told once and only when it is one; a one-way
binding shows the value now and after; a two-way binding with a real spin box neither
echoes nor loops."""

from __future__ import annotations

from PySide6.QtWidgets import QSpinBox
from pytestqt.qtbot import QtBot

from desktop_app.qt.properties import Property, bind_two_way


def test_a_change_is_told_once_and_the_same_value_is_not_a_change(qtbot: QtBot) -> None:
    prop = Property(3)
    told: list[int] = []
    prop.changed.connect(told.append)
    prop.set(3)
    prop.set(4)
    prop.set(4)
    prop.set(5)
    assert told == [4, 5] and prop.value == 5


def test_a_one_way_binding_shows_the_value_now_and_after_each_change(qtbot: QtBot) -> None:
    prop = Property("first")
    shown: list[str] = []
    prop.bind(shown.append)
    prop.set("second")
    assert shown == ["first", "second"]


def test_two_way_binding_with_a_spin_box_follows_both_ways_without_echo(qtbot: QtBot) -> None:
    prop = Property(10)
    box = QSpinBox()
    qtbot.addWidget(box)
    box.setRange(0, 100)
    sets: list[int] = []
    prop.changed.connect(sets.append)
    bind_two_way(prop, box.setValue, box.valueChanged)
    assert box.value() == 10  # shown at once
    prop.set(20)
    assert box.value() == 20 and sets == [20]  # the box's own valueChanged was not echoed
    box.setValue(30)  # as a person's arrow key would
    assert prop.value == 30 and sets == [20, 30]

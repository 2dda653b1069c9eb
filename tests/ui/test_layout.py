"""The window fits: at 1024×700, 1280×800 and 1920×1080, and at 200% scale, with three
references, every control of the composer is reachable (it scrolls, nothing sticks out
sideways); a dark palette keeps the choices visible. Pictures go to .screenshots/."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.exceptions import TimeoutError
from pytestqt.qtbot import QtBot

from desktop_app.ui.main_window import MainWindow
from tests.cli.test_cli import cli_env
from tests.ui.conftest import WindowFactory
from tests.ui.test_screenshots import SHOTS, assert_real_picture

LONG = "?name=a-very-long-reference-clip-file-name-straight-from-the-camera-0001.mp4"


def controls(window: MainWindow) -> list[QWidget]:
    composer, refs = window.composer, window.references
    return [
        refs.add_button, refs.remove_button, refs.url_field, *composer.chip_buttons,
        composer.prompt_counter, composer.negative_counter, composer.seed.field,
        composer.seed.lock, composer.variations, composer.shot_type,
        *composer.aspect.buttons.values(),
    ]  # fmt: skip


def mean_lightness(widget: QWidget) -> float:
    image = widget.grab().toImage()
    values = [image.pixelColor(x, y).lightness() for x in range(0, image.width(), 2)
              for y in range(0, image.height(), 2)]  # fmt: skip
    return sum(values) / len(values)


def sticks_out(widget: QWidget, viewport: QWidget) -> bool:
    right = widget.mapTo(viewport, QPoint(widget.width(), 0)).x()
    left = widget.mapTo(viewport, QPoint(0, 0)).x()
    return left < 0 or right > viewport.width() + 1


@pytest.mark.parametrize("size", [(1024, 700), (1280, 800), (1920, 1080)])
def test_every_control_is_reachable(
    qtbot: QtBot, windows: WindowFactory, sample_links: list[str], size: tuple[int, int]
) -> None:
    window = windows()
    window.resize(*size)
    window.references.set_links([link + LONG for link in sample_links])
    window.composer.prompt.setPlainText("character1 and character2 meet character3")
    qtbot.waitUntil(lambda: len(window.composer.chip_buttons) == 3)
    viewport = window.composer.fields_area.viewport()

    def out() -> list[str]:
        return [type(w).__name__ + ":" + w.accessibleName() for w in controls(window)
                if sticks_out(w, viewport)]  # fmt: skip

    # Layouts settle through queued events: they get the time they take, then are judged.
    with contextlib.suppress(TimeoutError):
        qtbot.waitUntil(lambda: out() == [], timeout=5_000)
    assert out() == []
    generate = window.composer.generate_button
    assert generate.isVisible() and not sticks_out(generate, window.composer)
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"layout-{size[0]}x{size[1]}.png"
    assert window.grab().save(str(path))
    assert_real_picture(path, (size[0] - 10, size[1] - 10))


def test_a_dark_palette_keeps_the_choices_visible(
    qtbot: QtBot, windows: WindowFactory, sample_links: list[str]
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    old_palette, old_style = app.palette(), app.style().name()
    dark = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#2b2b2b"), (QPalette.ColorRole.WindowText, "#e8e8e8"),
        (QPalette.ColorRole.Base, "#1e1e1e"), (QPalette.ColorRole.Text, "#e8e8e8"),
        (QPalette.ColorRole.Button, "#353535"), (QPalette.ColorRole.ButtonText, "#e8e8e8"),
        (QPalette.ColorRole.Highlight, "#3d7bd9"), (QPalette.ColorRole.HighlightedText, "#ffffff"),
        (QPalette.ColorRole.PlaceholderText, "#8a8a8a"),
    ):  # fmt: skip
        dark.setColor(role, QColor(colour))
    app.setStyle("Fusion")
    app.setPalette(dark)
    try:
        window = windows()
        window.resize(1280, 800)
        window.references.set_links(sample_links[:2])
        qtbot.wait(300)
        picker = window.composer.aspect
        chosen = next(b for b in picker.buttons.values() if b.isChecked())
        other = next(b for b in picker.buttons.values() if not b.isChecked())
        image = chosen.grab().toImage()
        lights = {image.pixelColor(x, y).lightness() for x in range(image.width())
                  for y in range(image.height())}  # fmt: skip
        assert max(lights) - min(lights) > 80  # its frame icon stands out from its face
        assert abs(mean_lightness(chosen) - mean_lightness(other)) > 20  # the choice shows
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / "layout-dark-1280x800.png"
        assert window.grab().save(str(path))
        assert_real_picture(path)
    finally:
        app.setPalette(old_palette)
        app.setStyle(old_style)


def test_at_200_percent_scale_the_window_opens_whole(tmp_path: Path) -> None:
    """A 2560×1600 screen at 200%: the window opens at 1280×800 logical pixels."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / "layout-200pct.png"
    screen = tmp_path / "screen.json"
    screen.write_text(
        '{"screens": [{"name": "hidpi", "x": 0, "y": 0, "width": 2560, "height": 1600,'
        ' "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}'
    )
    result = subprocess.run(
        [sys.executable, "-m", "desktop_app", "--home", str(tmp_path), "--demo",
         "--screenshot", str(path)],
        env=cli_env(QT_QPA_PLATFORM=f"offscreen:configfile={screen}", QT_SCALE_FACTOR="2",
                    QT_LOGGING_RULES="qt.multimedia.*=false"),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert_real_picture(path, (2048, 1400))
    assert os.path.getsize(path) > 10_000

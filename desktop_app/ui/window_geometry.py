"""Where the window was: its size, place and splitters, kept between starts. It never opens
smaller than its minimum usable size (nor larger than the screen), and the first time it
opens at 1280×800 with room for at least four job rows."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, QSize
from PySide6.QtWidgets import QMainWindow, QSplitter

MINIMUM = QSize(960, 640)
FIRST = QSize(1280, 800)
FIRST_MAIN = [520, 760]
"""Composer and the right side."""
FIRST_RIGHT = [300, 450]
"""Player and job panel."""


class WindowGeometry:
    def __init__(
        self, window: QMainWindow, main: QSplitter, right: QSplitter, state: QSettings
    ) -> None:
        self._window = window
        self._splitters = {"main_splitter": main, "right_splitter": right}
        self._state = state
        self._restored = QSize()

    def restore(self) -> None:
        window = self._window
        screen = window.screen().availableGeometry()
        window.setMinimumSize(MINIMUM.boundedTo(screen.size()))
        geometry = self._state.value("geometry")
        if isinstance(geometry, QByteArray) and window.restoreGeometry(geometry):
            window.resize(window.size().expandedTo(window.minimumSize()))
        else:
            window.resize(FIRST.boundedTo(screen.size()))
            self._splitters["main_splitter"].setSizes(FIRST_MAIN)
            self._splitters["right_splitter"].setSizes(FIRST_RIGHT)
        for key, splitter in self._splitters.items():
            saved = self._state.value(key)
            if isinstance(saved, QByteArray):
                splitter.restoreState(saved)
        self._restored = window.size()

    def fit_on_screen(self) -> None:
        """Once shown, with the window manager's frame known: the frame too stays on the
        screen (a 1280×800 window on a 1280×800 screen would lose its status bar)."""
        window = self._window
        screen = window.screen().availableGeometry()
        frame = window.frameGeometry()
        extra = QSize(frame.width() - window.width(), frame.height() - window.height())
        resized = window.size() != self._restored  # by the creator since: theirs
        if resized or screen.contains(frame) or window.isMaximized() or window.isFullScreen():
            return
        fitted = window.size().boundedTo(screen.size() - extra)
        window.resize(fitted.expandedTo(window.minimumSize().boundedTo(fitted)))
        window.move(
            max(screen.left(), min(frame.left(), screen.right() - frame.width() + 1)),
            max(
                screen.top(),
                min(frame.top(), screen.bottom() - (fitted.height() + extra.height()) + 1),
            ),
        )

    def save(self) -> None:
        self._state.setValue("geometry", self._window.saveGeometry())
        for key, splitter in self._splitters.items():
            self._state.setValue(key, splitter.saveState())
        self._state.sync()

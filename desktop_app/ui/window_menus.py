"""The main window's menus, keys and tab order: every command with its key, in one place."""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from desktop_app.meta import APP_NAME
from desktop_app.ui.dialogs import KEYS_PAGE, open_link, show_about

if TYPE_CHECKING:
    from desktop_app.ui.main_window import MainWindow


PLAY_NEWEST_KEYS = "Ctrl+Shift+P"
"""Plays the clip that arrived while the creator was looking at another."""


def build_menus(window: MainWindow) -> None:
    basics, jobs, player = window.basics, window.jobs, window.player
    file_menu = window.menuBar().addMenu("&File")
    file_menu.addAction("&New request", QKeySequence.StandardKey.New, window.drafts.new_request)
    if basics.demo:
        file_menu.addAction("Add &sample references", window.add_sample_references)
    file_menu.addAction("Open &library folder", window.open_library)
    file_menu.addSeparator()
    settings = file_menu.addAction("&Settings…", window.open_settings)
    # The platform's Preferences key is empty on some Linux desktops: Ctrl+, always works.
    settings.setShortcuts(
        [QKeySequence("Ctrl+,"), *QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences)]
    )
    file_menu.addSeparator()
    file_menu.addAction("&Quit", QKeySequence.StandardKey.Quit, window.close)

    edit_menu = window.menuBar().addMenu("&Edit")
    edit_menu.addAction(window.drafts.undo_action)
    edit_menu.addSeparator()
    edit_menu.addAction(
        "&Paste reference link", QKeySequence("Ctrl+Shift+V"), window.references.paste
    )
    edit_menu.addAction("&Remove selected reference", window.references.remove_selected)
    edit_menu.addAction(
        "&Generate", QKeySequence("Ctrl+Return"), window.composer.generate_button.click
    )
    edit_menu.addAction("&Copy clip", QKeySequence("Ctrl+Shift+C"), window.copy_selected_clip)
    edit_menu.addAction(
        "&Keep selected reference as a character…", lambda: window.keep_selected_reference()
    )

    view_menu = window.menuBar().addMenu("&View")
    view_menu.addAction("Play selected &job", QKeySequence("Ctrl+P"), jobs.play_selected)
    view_menu.addAction(
        "Play the &newest clip", QKeySequence(PLAY_NEWEST_KEYS), window.play_newest_clip
    )
    view_menu.addAction("Refresh &balance", window.refresh_balance)
    view_menu.addAction(window.characters_dock.toggleViewAction())
    view_menu.addAction(
        "Focus &references", QKeySequence("Ctrl+1"), window.references.list.setFocus
    )
    view_menu.addAction("Focus &prompt", QKeySequence("Ctrl+2"), window.composer.prompt.setFocus)
    view_menu.addAction("Focus &jobs", QKeySequence("Ctrl+3"), jobs.view.setFocus)
    view_menu.addAction("Focus the pla&yer", QKeySequence("Ctrl+4"), player.setFocus)
    view_menu.addAction("&Fullscreen player", QKeySequence("F11"), player.toggle_fullscreen)

    help_menu = window.menuBar().addMenu("&Help")
    help_menu.addAction(
        "Get an API &key", lambda: open_link(window, KEYS_PAGE, "the page of API keys")
    )
    help_menu.addAction(
        "Open &log folder",
        lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(basics.logs))),
    )
    help_menu.addAction(f"&About {APP_NAME}", lambda: show_about(window))


def chain_tab_order(window: MainWindow) -> None:
    """Tab goes as the eye reads: the composer top to bottom, then the jobs, then the
    player."""
    refs, composer, jobs = window.references, window.composer, window.jobs
    chain: list[QWidget] = [
        refs.list, refs.url_field, refs.add_button, refs.remove_button,
        composer.prompt, composer.negative, *composer.aspect.buttons.values(),
        *composer.resolution.buttons(), *composer.duration.buttons(), composer.enhance,
        composer.shot_type, composer.seed.field, composer.seed.dice, composer.seed.lock,
        composer.variations, composer.generate_button,
        jobs.filters.search, jobs.filters.sort, jobs.filters.grid, jobs.filters.state,
        jobs.filters.date, jobs.filters.resolution, jobs.filters.duration,
        jobs.filters.aspect, jobs.view, jobs.play_button, jobs.stop_button,
        jobs.resend_button, jobs.forget_button, jobs.compare_button, window.player,
    ]  # fmt: skip
    for before, after in pairwise(chain):
        QWidget.setTabOrder(before, after)


def add_keys(window: MainWindow) -> None:
    """With a job selected, the player's keys work from the job list too; Esc in the
    composer stops an upload."""
    player = window.player
    for keys, slot in (
        ("Space", player.toggle_play),
        (",", lambda: player.step(-1)),
        (".", lambda: player.step(1)),
    ):
        shortcut = QShortcut(QKeySequence(keys), window.jobs.view)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(slot)
    stop_upload = QShortcut(QKeySequence("Esc"), window.composer)
    stop_upload.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    stop_upload.activated.connect(window.cancel_upload)

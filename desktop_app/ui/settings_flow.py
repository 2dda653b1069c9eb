"""The API key and Settings, as the window asks for them: the first-run dialog, Replace
and Remove key, a refused key, and the Settings dialog (on the value at fault when a
setting stopped a Generate, on its Storage part when storage is needed)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QStatusBar, QWidget

from desktop_app.secrets.active_key import ActiveKey
from desktop_app.secrets.keystore import KeyringUnavailableError
from desktop_app.secrets.storage_keys import StorageKeys
from desktop_app.settings import Settings, SettingsError, SettingsFile
from desktop_app.tasks import TaskGroup
from desktop_app.ui.dialogs import show_error
from desktop_app.ui.key_dialog import KeyDialog, VerifyKey, show_key_refused
from desktop_app.ui.settings_dialog import SettingsDialog
from desktop_app.ui.storage_settings import CheckStorage, StorageBox


class SettingsFlow:
    def __init__(
        self,
        parent: QWidget,
        status: QStatusBar,
        keys: ActiveKey,
        verify_key: VerifyKey,
        settings_file: SettingsFile,
        storage_keys: StorageKeys,
        check_storage: CheckStorage,
        tasks: TaskGroup,
        library: Path,
        *,
        demo_address: str | None,
        on_saved: Callable[[], None],
        on_demo_chosen: Callable[[], None],
    ) -> None:
        self._parent = parent
        self._status = status
        self._keys = keys
        self._verify_key = verify_key
        self._settings_file = settings_file
        self._storage_keys = storage_keys
        self._check_storage = check_storage
        self._tasks = tasks
        self._library = library
        self._demo_address = demo_address
        self._on_saved = on_saved
        self._on_demo_chosen = on_demo_chosen

    def open_settings(self, problem: SettingsError | str | None = None) -> None:
        """The Settings dialog; with `problem`, on the value at fault (a SettingsError) or
        on its Storage part (a sentence about storage), saying what it is."""
        settings = self._settings_file.load()
        storage = self._storage_box(settings)
        dialog = SettingsDialog(
            settings, self._keys.status().describe(), str(self._library), self._parent,
            storage=storage, demo_address=self._demo_address,
        )  # fmt: skip
        if isinstance(problem, SettingsError):
            dialog.show_problem(problem)
        elif isinstance(problem, str):
            storage.show_problem(problem)
        dialog.replace_key.clicked.connect(self.replace_key)
        dialog.remove_key.clicked.connect(lambda: self._remove_key(dialog))
        if not dialog.exec():
            return
        keys = storage.new_keys()
        try:
            if keys is not None:
                self._storage_keys.set(*keys)
        except KeyringUnavailableError as error:
            show_error(self._parent, "The storage keys were not stored", str(error))
        self._settings_file.save(dialog.settings(settings))
        self._on_saved()
        self._status.showMessage(
            "Settings saved. Demo mode keeps talking to the simulator; the Base URL and the "
            "check interval apply outside demo mode, from the next start."
            if self._demo_address is not None
            else "Settings saved. Base URL and check interval apply from the next start.",
            8000,
        )

    def _storage_box(self, settings: Settings) -> StorageBox:
        keys = self._storage_keys

        def stored() -> tuple[str, str] | None:
            found = keys.get()
            return (found.key_id, found.secret) if found else None

        return StorageBox(settings, stored, self._check_storage, self._tasks)

    def _remove_key(self, dialog: SettingsDialog) -> None:
        try:
            removed = self._keys.remove()
        except KeyringUnavailableError as error:
            dialog.key_status.setText(str(error))
            return
        dialog.key_status.setText(
            "The stored key was removed." if removed else "No key was stored."
        )

    def replace_key(self) -> None:
        """Ask for a new key (a slot: it returns nothing to Qt)."""
        self.ask_for_key(welcome=False)

    def welcome(self) -> None:
        """The first-run dialog (a slot: it returns nothing to Qt)."""
        self.ask_for_key(welcome=True)

    def ask_for_key(self, *, welcome: bool) -> bool:
        dialog = KeyDialog(
            self._keys, self._verify_key, self._tasks, welcome=welcome, parent=self._parent
        )
        if not dialog.exec():
            return False
        if dialog.demo_chosen:
            self._on_demo_chosen()
            return False
        self._status.showMessage("The API key is ready.", 5000)
        return True

    def key_ready(self) -> bool:
        """A key to send with, asked for now when there is none."""
        return self._keys.available() or (
            self.ask_for_key(welcome=False) and self._keys.available()
        )

    def key_refused(self, message: str) -> None:
        """A 401: say so, where the key comes from, and offer to replace it."""
        from_environment = self._keys.from_environment and self._demo_address is None
        show_key_refused(self._parent, message, from_environment, self.replace_key)

"""Dialogs: the welcome/key dialog, settings, About, and the copyable error message."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.api.errors import ApiError
from desktop_app.api.secret import ApiKey, InvalidKeyError
from desktop_app.domain.base_url import InvalidBaseUrlError, parse_base_url
from desktop_app.meta import APP_ID, APP_NAME, app_version
from desktop_app.secrets.active_key import ActiveKey
from desktop_app.secrets.keystore import KeyringUnavailableError
from desktop_app.settings import DEFAULT_BASE_URL, Settings, SettingsError
from desktop_app.tasks import TaskGroup
from desktop_app.ui.labels import InfoLabel
from desktop_app.ui.storage_settings import StorageBox

KEYS_PAGE = "https://aimlapi.com/app/keys"


def show_error(parent: QWidget | None, title: str, sentence: str) -> None:
    """A failure told as a sentence; the text (with any request id) can be copied."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(sentence)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    copy = box.addButton("Copy text", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    copy.clicked.disconnect()
    copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(f"{title}: {sentence}"))
    box.open()


def show_key_refused(
    parent: QWidget, message: str, from_environment: bool, replace_key: Callable[[], object]
) -> None:
    """The service refused the key: the sentence, where the key comes from, and a button
    to replace it (which calls `replace_key`)."""
    text = message
    if from_environment:
        text += (
            "\n\nThis key comes from the AIMLAPI_KEY environment variable: change it there "
            "for the next start, or replace it for this session."
        )
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("The API key was refused")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    replace = box.addButton("Replace key…", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Close)

    def on_finished(_result: int) -> None:
        # A slot must return nothing: PySide mishandles a Python bool handed back to Qt.
        if box.clickedButton() is replace:
            replace_key()

    box.finished.connect(on_finished)
    box.open()


def show_about(parent: QWidget | None) -> None:
    QMessageBox.about(
        parent,
        f"About {APP_NAME}",
        f"<b>{APP_NAME}</b> {app_version()}<br>{APP_ID}<br><br>"
        "Short clips with Alibaba's Wan 2.6 reference-to-video model through AI/ML API.",
    )


VerifyKey = Callable[[ApiKey], Awaitable[None]]


class KeyDialog(QDialog):
    """Asks for the API key, checks it with a free request, and stores it in the keyring;
    without a working keyring, offers to use it for this session only. The key accepted
    is sent from the very next request on."""

    def __init__(
        self,
        keys: ActiveKey,
        verify: VerifyKey,
        tasks: TaskGroup,
        *,
        welcome: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Welcome to {APP_NAME}" if welcome else "API key")
        self.demo_chosen = False
        self._keys = keys
        self._verify = verify
        self._tasks = tasks
        intro = QLabel(
            (
                "Wan Studio makes clips with Wan 2.6 through AI/ML API. Paste your API key: it is "
                "checked with a request that costs nothing and kept in your system keyring. "
                if welcome
                else "Paste the API key to use. "
            )
            + f'Keys are made at <a href="{KEYS_PAGE}">{KEYS_PAGE}</a>.'
        )
        intro.setWordWrap(True)
        intro.setOpenExternalLinks(True)
        self.field = QLineEdit()
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setAccessibleName("API key")
        self.field.setPlaceholderText("API key")
        self.status = InfoLabel("Key status")
        self.save_button = QPushButton("Check and save")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.session_button = QPushButton("Use for this session only")
        self.session_button.setToolTip("Keep the key in memory until Wan Studio closes")
        self.session_button.clicked.connect(self._on_session_button_clicked)
        self.session_button.setVisible(False)
        self.demo_button = QPushButton("Try the demo")
        self.demo_button.setToolTip("A built-in simulator: no key, no cost, no internet")
        self.demo_button.clicked.connect(self._on_demo_button_clicked)
        self.demo_button.setVisible(welcome)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        buttons.addWidget(self.session_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.field)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        status = keys.status()
        if status.keyring_problem:
            self._no_keyring(status.keyring_problem)

    def _no_keyring(self, message: str) -> None:
        self.status.setText(message)
        self.session_button.setVisible(True)

    def _key(self) -> ApiKey | None:
        if not self.field.text().strip():
            self.status.setText("Paste a key first.")
            return None
        try:
            return ApiKey(self.field.text(), source="This key")
        except InvalidKeyError as error:
            self.status.setText(str(error))
            return None

    async def _checked(self, key: ApiKey) -> bool:
        self.status.setText("Checking the key…")
        self.save_button.setEnabled(False)
        try:
            await self._verify(key)
        except ApiError as error:
            self.status.setText(error.explain())
            return False
        finally:
            self.save_button.setEnabled(True)
        return True

    def _on_save_button_clicked(self) -> None:
        self._tasks.spawn(self._save())

    def _on_session_button_clicked(self) -> None:
        self._tasks.spawn(self._use_for_session())

    async def _save(self) -> None:
        key = self._key()
        if key is None or not await self._checked(key):
            return
        try:
            self._keys.use(key, remember=True)
        except KeyringUnavailableError as error:
            self._no_keyring(str(error))
            return
        self.accept()

    async def _use_for_session(self) -> None:
        key = self._key()
        if key is not None and await self._checked(key):
            self._keys.use(key, remember=False)
            self.accept()

    def _on_demo_button_clicked(self) -> None:
        self.demo_chosen = True
        self.accept()


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: Settings,
        key_status: str,
        default_library: str,
        parent: QWidget | None = None,
        *,
        storage: StorageBox | None = None,
        demo_address: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self._demo = demo_address is not None
        self.storage = storage
        self.key_status = InfoLabel("API key status", key_status)
        self.replace_key = QPushButton("Replace key…")
        self.remove_key = QPushButton("Remove key")
        self.base_url = QLineEdit(settings.base_url)
        self.base_url.setAccessibleName("Base URL")
        self.base_url.setToolTip(
            "The API's address: change it for a proxy, a staging host or a local test server"
        )
        self.library = QLineEdit(settings.library)
        self.library.setPlaceholderText(default_library)
        self.library.setAccessibleName("Library folder")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._on_browse_clicked)
        library_row = QHBoxLayout()
        library_row.addWidget(self.library, 1)
        library_row.addWidget(browse)
        self.poll_interval = QDoubleSpinBox()
        self.poll_interval.setRange(2, 300)
        self.poll_interval.setDecimals(0)
        self.poll_interval.setSuffix(" s")
        self.poll_interval.setValue(settings.poll_interval)
        self.poll_interval.setAccessibleName("Check running jobs every")
        self.poll_interval.setToolTip(
            "How often Wan Studio asks the service about jobs that are still queued or "
            "generating (a finished clip is downloaded as soon as it is seen)."
        )
        self.daily_limit = _dollars(settings.daily_spend_limit_usd, "Daily spending limit")
        self.daily_limit.setSpecialValueText("off")
        self.daily_limit.setToolTip(
            "No Generate may take today's spending past this amount; it is refused before "
            "anything is sent. 0 turns the limit off."
        )
        self.confirm_above = _dollars(settings.confirm_above_usd, "Confirm above")
        self.confirm_above.setSpecialValueText("always ask")
        self.confirm_above.setToolTip("Ask before a Generate that costs more than this.")
        key_row = QHBoxLayout()
        key_row.addWidget(self.replace_key)
        key_row.addWidget(self.remove_key)
        key_row.addStretch(1)
        form = QFormLayout()
        form.addRow("API key", self.key_status)
        form.addRow("", key_row)
        form.addRow("Base URL", self.base_url)
        form.addRow("Library folder", library_row)
        form.addRow("Check running jobs every", self.poll_interval)
        form.addRow("Daily spending limit", self.daily_limit)
        form.addRow("Confirm a Generate above", self.confirm_above)
        note = QLabel("Base URL and check interval apply from the next start.")
        if demo_address is not None:
            self._show_demo(demo_address)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        self.problem = InfoLabel("Settings problem")
        self.problem.setStyleSheet("color:#d62828")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if storage is not None:
            layout.addWidget(storage)
        layout.addWidget(self.problem)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def _show_demo(self, address: str) -> None:
        """Demo mode talks to the built-in simulator and uses no key of the creator's."""
        self.key_status.setText("Demo mode: the simulator needs no API key, and none is used.")
        for button in (self.replace_key, self.remove_key):
            button.setEnabled(False)
            button.setToolTip("Not in demo mode: start Wan Studio without --demo to use a key.")
        self.base_url.setText(address)
        self.base_url.setReadOnly(True)
        self.base_url.setToolTip(
            "Demo mode: the built-in simulator on this computer. The address you saved for "
            "the real service is kept, and used again outside demo mode."
        )

    def show_problem(self, problem: SettingsError) -> None:
        """Say why nothing was sent, and put the cursor on the value at fault."""
        self.problem.setText(problem.explain())
        fields = {"confirm_above_usd": self.confirm_above}
        fields.get(problem.key or "", self.daily_limit).setFocus()

    def _on_buttons_accepted(self) -> None:
        try:
            if not self._demo:
                parse_base_url(self.base_url.text() or DEFAULT_BASE_URL)
        except InvalidBaseUrlError as error:
            self.problem.setText(error.explain())
            self.base_url.setFocus()
            return
        storage_problem = self.storage.problem() if self.storage else None
        if self.storage is not None and storage_problem:
            self.storage.show_problem(storage_problem)
            return
        self.accept()

    def _on_browse_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Library folder", self.library.text())
        if folder:
            self.library.setText(folder)

    def settings(self, current: Settings) -> Settings:
        base_url = current.base_url if self._demo else self.base_url.text().strip()
        changed = current.with_changes(
            base_url=base_url or current.base_url,
            library=self.library.text().strip(),
            poll_interval=float(self.poll_interval.value()),
            daily_spend_limit_usd=float(self.daily_limit.value()),
            confirm_above_usd=float(self.confirm_above.value()),
        )
        if self.storage is None:
            return changed
        config = self.storage.config()
        return changed.with_changes(
            storage_endpoint=config.endpoint, storage_bucket=config.bucket,
            storage_region=config.region, storage_prefix=config.prefix,
            storage_link_hours=config.link_hours,
        )  # fmt: skip


def _dollars(value: float, name: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(0, 100_000)
    box.setDecimals(2)
    box.setPrefix("$")
    box.setValue(value)
    box.setAccessibleName(name)
    return box

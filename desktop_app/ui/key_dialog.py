"""The welcome/key dialog, and what is said when the service refuses the key."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
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
from desktop_app.meta import APP_NAME
from desktop_app.secrets.active_key import ActiveKey
from desktop_app.secrets.keystore import KeyringUnavailableError
from desktop_app.tasks import TaskGroup
from desktop_app.ui.dialogs import KEYS_PAGE
from desktop_app.ui.labels import InfoLabel


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

"""StorageBox: the Storage part of Settings, for reference clips from this computer: the
creator's S3-compatible endpoint, bucket, region, prefix and link lifetime, the two keys
(kept in the system keyring, never shown again), and a Test button that makes one
harmless signed request."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from desktop_app.domain.errors import WanStudioError
from desktop_app.secrets.keystore import KeyringUnavailableError
from desktop_app.settings import Settings
from desktop_app.tasks import TaskGroup
from desktop_app.ui.labels import InfoLabel
from desktop_app.uploads.config import StorageConfig

CheckStorage = Callable[[StorageConfig, str, str], Awaitable[None]]
StoredKeys = Callable[[], tuple[str, str] | None]
"""The keys stored (read from the keyring when needed, on a worker thread)."""
"""One harmless signed request with these settings and keys (raises when refused)."""

KEYS_KEPT = "Stored in the system keyring; leave empty to keep them."


class StorageBox(QGroupBox):
    def __init__(
        self,
        settings: Settings,
        stored_keys: StoredKeys,
        check: CheckStorage,
        tasks: TaskGroup,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Storage for clips from this computer", parent)
        self._stored_keys = stored_keys
        self._check = check
        self._tasks = tasks
        self.endpoint = self._field(settings.storage_endpoint, "Storage endpoint",
                                    "https://s3.us-east-1.amazonaws.com")  # fmt: skip
        self.bucket = self._field(settings.storage_bucket, "Storage bucket", "my-clips")
        self.region = self._field(settings.storage_region, "Storage region", "us-east-1")
        self.prefix = self._field(settings.storage_prefix, "Object prefix", "wan-studio/")
        self.link_hours = QSpinBox()
        self.link_hours.setRange(1, 168)
        self.link_hours.setSuffix(" h")
        self.link_hours.setValue(settings.storage_link_hours)
        self.link_hours.setAccessibleName("Link lifetime in hours")
        self.key_id = self._field("", "Access key id", KEYS_KEPT)
        self.secret = self._field("", "Secret key", KEYS_KEPT)
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.test = QPushButton("Test")
        self.test.setAccessibleName("Test the storage")
        self.test.clicked.connect(self._on_test_clicked)
        self.status = InfoLabel("Storage status")
        form = QFormLayout(self)
        form.addRow("Endpoint", self.endpoint)
        form.addRow("Bucket", self.bucket)
        form.addRow("Region", self.region)
        form.addRow("Prefix", self.prefix)
        form.addRow("Links work for", self.link_hours)
        form.addRow("Access key id", self.key_id)
        form.addRow("Secret key", self.secret)
        form.addRow(self.test, self.status)

    @staticmethod
    def _field(value: str, name: str, placeholder: str) -> QLineEdit:
        field = QLineEdit(value)
        field.setAccessibleName(name)
        field.setPlaceholderText(placeholder)
        return field

    def config(self) -> StorageConfig:
        return StorageConfig(
            self.endpoint.text().strip(), self.bucket.text().strip(),
            self.region.text().strip() or "us-east-1", self.prefix.text(),
            self.link_hours.value(),
        )  # fmt: skip

    def new_keys(self) -> tuple[str, str] | None:
        """The keys typed in (both), to store; None: keep the stored ones."""
        key_id, secret = self.key_id.text().strip(), self.secret.text().strip()
        return (key_id, secret) if key_id and secret else None

    def problem(self) -> str | None:
        config = self.config()
        if not config.endpoint and not config.bucket:
            return None  # no storage: fine until a local clip is sent
        return config.problem()

    def show_problem(self, sentence: str) -> None:
        self.status.setText(sentence)
        self.endpoint.setFocus()

    def _on_test_clicked(self) -> None:
        problem = self.config().problem()
        if problem:
            self.status.setText(problem)
            return
        self.status.setText("Testing…")
        self.test.setEnabled(False)
        self._tasks.spawn(self._test(self.config(), self.new_keys()))

    async def _test(self, config: StorageConfig, typed: tuple[str, str] | None) -> None:
        try:
            # The keyring may take a while (or ask the desktop): never on the GUI thread.
            keys = typed or await asyncio.to_thread(self._stored_keys)
            if keys is None:
                self.status.setText("Type the access key id and the secret key first.")
                return
            await self._check(config, *keys)
        except (WanStudioError, KeyringUnavailableError) as error:
            self.status.setText(error.explain())
        else:
            self.status.setText("The storage accepts the keys.")
        finally:
            self.test.setEnabled(True)

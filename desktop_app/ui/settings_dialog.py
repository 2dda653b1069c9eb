"""The Settings dialog: the key, the base URL, the library, the check interval, the money
settings and the creator's storage."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.base_url import InvalidBaseUrlError, parse_base_url
from desktop_app.settings import DEFAULT_BASE_URL, Settings, SettingsError
from desktop_app.ui.labels import InfoLabel
from desktop_app.ui.storage_settings import StorageBox


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

"""Job panel choices, the keyboard-only path, and the key dialog with a real keyring."""

from __future__ import annotations

import sys

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.domain.job import JobState
from desktop_app.meta import APP_ID
from desktop_app.secrets.active_key import ActiveKey
from desktop_app.secrets.keystore import ACCOUNT, KeyStore
from desktop_app.simulator import Fault, Simulator
from desktop_app.ui.key_dialog import KeyDialog
from desktop_app.ui.settings_dialog import SettingsDialog
from desktop_app.window_engine import install_exception_hook
from tests.conftest import TEST_KEY
from tests.ui.conftest import WindowFactory, compose_and_generate, first_job, wait_for_state


def test_an_unknown_job_is_explained_settled_from_the_log_and_can_be_sent_again(
    qtbot: QtBot, windows: WindowFactory, sample_links: list[str], sim: Simulator
) -> None:
    sim.add_fault(Fault("create", drop=True))  # sent, but the service never got it
    window = windows()
    compose_and_generate(window, sample_links[:1], "character1 jumps")
    wait_for_state(qtbot, window, JobState.UNKNOWN)
    window.jobs.view.setCurrentIndex(window.services.model.index(0))
    details = window.jobs.details.text()
    assert "may or may not have received it" in details
    assert "request log" in details and "never sent twice" in details
    assert first_job(window).client_request_id in details  # type: ignore[union-attr]
    assert window.jobs.resend_button.isEnabled()
    assert window.jobs.forget_button.isEnabled()
    assert not window.jobs.play_button.isEnabled()

    wait_for_state(qtbot, window, JobState.REJECTED)  # not in the log after the grace period
    assert "Send again is safe" in window.jobs.details.text()
    assert sim.count("POST", "/v2/video/generations") == 1
    window.jobs.resend_button.click()
    wait_for_state(qtbot, window, JobState.DONE)
    assert window.services.model.rowCount() == 2  # the rejected one stays in the history
    assert sim.count("POST", "/v2/video/generations") == 2


def test_keyboard_only_path(qtbot: QtBot, windows: WindowFactory, sample_links: list[str]) -> None:
    window = windows()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.references.list.hasFocus()
    qtbot.keyClick(window.references.list, Qt.Key.Key_Tab)
    field = window.references.url_field
    assert field.hasFocus()
    qtbot.keyClicks(field, sample_links[0])
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert window.references.links() == sample_links[:1]
    for _ in range(3):  # Add, Remove, then the prompt: the order the eye reads
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert window.composer.prompt.hasFocus()
    qtbot.keyClicks(window.composer.prompt, "character1 bows")
    qtbot.keyClick(window.composer.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_for_state(qtbot, window, JobState.DONE)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    view = window.jobs.view
    assert view.hasFocus()
    qtbot.keyClick(view, Qt.Key.Key_Home)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    job = first_job(window)
    assert job is not None
    qtbot.waitUntil(lambda: window.player.player.source().toLocalFile() == str(job.file_path))


def test_key_dialog_checks_and_stores_in_a_real_secret_service(
    qtbot: QtBot, windows: WindowFactory, secret_service: KeyringBackend
) -> None:
    window = windows()
    store = KeyStore(backend=secret_service, environ={})
    keys = ActiveKey(store, environ={})
    services = window.services
    dialog = KeyDialog(keys, services.verify_key, services.tasks, welcome=True, parent=window)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.keyClicks(dialog.field, "sk-not-the-right-key")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "refused the API key" in dialog.status.text(), timeout=10_000)
    assert secret_service.get_password(APP_ID, ACCOUNT) is None
    dialog.field.clear()
    qtbot.keyClicks(dialog.field, TEST_KEY)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.save_button.click()
    assert secret_service.get_password(APP_ID, ACCOUNT) == TEST_KEY
    assert keys.status().describe() == "The API key is stored in the system keyring."
    assert keys().reveal() == TEST_KEY


def test_without_a_keyring_the_key_can_serve_this_session(
    qtbot: QtBot, windows: WindowFactory
) -> None:
    window = windows()
    keys = ActiveKey(KeyStore(backend=fail.Keyring(), environ={}), environ={})
    services = window.services
    dialog = KeyDialog(keys, services.verify_key, services.tasks, welcome=False, parent=window)
    qtbot.addWidget(dialog)
    dialog.open()
    assert dialog.session_button.isVisible()
    assert "No system keyring" in dialog.status.text()
    qtbot.keyClicks(dialog.field, TEST_KEY)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.session_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert keys().reveal() == TEST_KEY


def test_settings_dialog_saves_what_was_chosen(qtbot: QtBot, windows: WindowFactory) -> None:
    window = windows()
    settings_file = window.services.settings_file
    dialog = SettingsDialog(settings_file.load(), "No API key is set.", "/videos", window)
    qtbot.addWidget(dialog)
    dialog.base_url.setText("http://127.0.0.1:9/proxy")
    dialog.poll_interval.setValue(30)
    dialog.library.setText(str(windows.home / "clips"))
    settings_file.save(dialog.settings(settings_file.load()))
    saved = settings_file.load()
    assert saved.base_url == "http://127.0.0.1:9/proxy"
    assert saved.poll_interval == 30.0
    assert saved.library == str(windows.home / "clips")


def test_an_unexpected_error_is_logged_and_told_in_a_sentence(
    qtbot: QtBot, windows: WindowFactory, caplog: pytest.LogCaptureFixture
) -> None:
    window = windows()
    install_exception_hook(window, "/tmp/wan-studio.log")
    try:
        raise ValueError("boom")
    except ValueError as error:
        sys.excepthook(ValueError, error, error.__traceback__)
    finally:
        sys.excepthook = sys.__excepthook__
    assert "unexpected error" in caplog.text
    boxes = [w for w in window.findChildren(QMessageBox) if w.isVisible()]
    assert boxes
    assert "Your jobs are safe" in boxes[-1].text()
    assert "Traceback" not in boxes[-1].text()

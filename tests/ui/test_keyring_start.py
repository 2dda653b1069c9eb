"""The start never waits on a hidden keyring prompt: the window is up and says what it
waits for while the keyring is asked on a thread of its own; a keyring that never answers
becomes a sentence, not a frozen window.

A real gnome-keyring cannot be made to hold its unlock prompt open here (without a full
desktop session its prompter is dismissed at once: tests/secrets/test_keyring_peek.py covers
the real locked collection), so the keyring below waits as a prompt does: until answered."""

from __future__ import annotations

import asyncio
import threading

import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from desktop_app.secrets.active_key import MissingKeyError
from desktop_app.secrets.keystore import KeyStore
from desktop_app.window_engine import say_waiting
from tests.ui.conftest import WindowFactory

KEY = "sk-in-the-keyring-0123456789"


class PromptingKeyring(KeyringBackend):
    """A keyring whose every read waits, as a desktop's password prompt does, until the
    test answers it (`answer`), or 30 s."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.answer = threading.Event()
        self.asked = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.asked += 1
        return KEY if self.answer.wait(30) else None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise AssertionError("nothing is stored here")

    def delete_password(self, service: str, username: str) -> None:
        raise AssertionError("nothing is removed here")


def test_the_window_is_up_and_says_what_it_waits_for_while_the_keyring_prompts(
    qtbot: QtBot, windows: WindowFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    keyring = PromptingKeyring()
    windows.environ.pop("AIMLAPI_KEY")
    window = windows(key_store=KeyStore(backend=keyring, environ={}), start=False)
    keys = windows.runtime_of(window).keys
    reading = asyncio.ensure_future(
        keys.read_now(lambda text: say_waiting(window, text), notice_after_s=0.2)
    )
    qtbot.waitUntil(lambda: "Waiting for the system keyring" in window.statusBar().currentMessage())
    assert "Wan Studio: Waiting for the system keyring" in capsys.readouterr().err
    ticked: list[bool] = []
    QTimer.singleShot(0, lambda: ticked.append(True))
    qtbot.waitUntil(lambda: ticked == [True])  # the window's loop runs on
    assert window.isVisible()
    with pytest.raises(MissingKeyError, match="Waiting for the system keyring"):
        keys()  # a Generate now is told, and the keyring is not asked a second time
    keyring.answer.set()
    qtbot.waitUntil(reading.done)
    assert keys().reveal() == KEY
    assert keyring.asked == 1


def test_a_keyring_that_never_answers_is_a_sentence(qtbot: QtBot, windows: WindowFactory) -> None:
    keyring = PromptingKeyring()
    windows.environ.pop("AIMLAPI_KEY")
    window = windows(key_store=KeyStore(backend=keyring, environ={}), start=False)
    keys = windows.runtime_of(window).keys
    reading = asyncio.ensure_future(
        keys.read_now(lambda text: None, notice_after_s=0.1, give_up_after_s=0.5)
    )
    qtbot.waitUntil(reading.done, timeout=5_000)
    with pytest.raises(MissingKeyError) as raised:
        keys()
    assert "The system keyring did not answer within 0.5 s" in str(raised.value)
    assert "AIMLAPI_KEY environment variable" in str(raised.value)
    keyring.answer.set()  # the prompt's thread ends

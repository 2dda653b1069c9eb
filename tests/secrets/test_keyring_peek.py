"""Asking whether the key is stored never unlocks a locked Secret Service collection (the
desktop would prompt): against a real gnome-keyring on a private session bus."""

from __future__ import annotations

import secretstorage
from keyring.backend import KeyringBackend

from desktop_app.meta import APP_ID
from desktop_app.secrets.keyring_peek import peek
from desktop_app.secrets.keystore import ACCOUNT, KEYRING_LOCKED, KeySource, KeyStore


def lock_default_collection() -> None:
    connection = secretstorage.dbus_init()
    try:
        secretstorage.Collection(connection).lock()
    finally:
        connection.close()


def default_collection_locked() -> bool:
    connection = secretstorage.dbus_init()
    try:
        return secretstorage.Collection(connection).is_locked()
    finally:
        connection.close()


def test_a_locked_keyring_is_looked_at_not_unlocked(secret_service: KeyringBackend) -> None:
    store = KeyStore(backend=secret_service, environ={})
    nothing = peek(secret_service, APP_ID, ACCOUNT)
    assert nothing is not None and not nothing.stored
    assert store.status().source is KeySource.NONE
    secret_service.set_password(APP_ID, ACCOUNT, "sk-stored-0123456789")
    lock_default_collection()

    status = store.status()
    assert status.source is KeySource.KEYRING
    assert status.keyring_problem == KEYRING_LOCKED
    assert "is stored in the system keyring" in status.describe()
    assert store.would_prompt()
    assert default_collection_locked()  # looked at, never unlocked

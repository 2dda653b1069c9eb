"""The active key: AIMLAPI_KEY means the keyring is never asked; otherwise the keyring is
read once, and a key given or removed applies to the next request."""

from __future__ import annotations

import pytest
from keyring.backend import KeyringBackend

from desktop_app.api.secret import ApiKey
from desktop_app.meta import APP_ID
from desktop_app.secrets.active_key import ActiveKey, MissingKeyError
from desktop_app.secrets.keystore import ACCOUNT, KeySource, KeyStore


class PromptingKeyring(KeyringBackend):
    """A locked desktop keyring: any question to it would pop up a password prompt."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise AssertionError("the keyring was asked: a locked one would prompt now")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise AssertionError("the keyring was asked: a locked one would prompt now")

    def delete_password(self, service: str, username: str) -> None:
        raise AssertionError("the keyring was asked: a locked one would prompt now")


def test_with_aimlapi_key_set_the_keyring_is_never_asked() -> None:
    environ = {"AIMLAPI_KEY": "sk-from-env-0123456789"}
    keys = ActiveKey(KeyStore(backend=PromptingKeyring(), environ=environ), environ)
    assert keys().reveal() == "sk-from-env-0123456789"
    assert keys.available()
    assert keys.status().source is KeySource.ENVIRONMENT
    assert KeyStore(backend=PromptingKeyring(), environ=environ).status().keyring_problem is None


def test_the_keyring_is_read_once_and_changes_apply_at_once(
    secret_service: KeyringBackend,
) -> None:
    secret_service.set_password(APP_ID, ACCOUNT, "sk-stored-0123456789")
    changes: list[str] = []
    keys = ActiveKey(KeyStore(backend=secret_service, environ={}), {})
    keys.on_change(lambda: changes.append("changed"))
    assert keys().reveal() == "sk-stored-0123456789"
    secret_service.set_password(APP_ID, ACCOUNT, "sk-changed-behind-our-back")
    assert keys().reveal() == "sk-stored-0123456789"  # read once, not per request

    keys.use(ApiKey("sk-replaced-0123456789"), remember=True)
    assert keys().reveal() == "sk-replaced-0123456789"
    assert secret_service.get_password(APP_ID, ACCOUNT) == "sk-replaced-0123456789"

    assert keys.remove()
    assert secret_service.get_password(APP_ID, ACCOUNT) is None
    with pytest.raises(MissingKeyError, match="No API key is set"):
        keys()
    assert changes == ["changed", "changed"]

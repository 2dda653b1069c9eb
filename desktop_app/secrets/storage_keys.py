"""StorageKeys: the access key id and secret of the creator's bucket, in the OS keyring
beside the API key (service org.wanstudio.WanStudio), overridden by AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY. Never written anywhere else, never shown."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from desktop_app.secrets.keystore import KeyStore

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

ID_ENV, SECRET_ENV = "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"
ID_ACCOUNT, SECRET_ACCOUNT = "storage-access-key-id", "storage-secret-access-key"


@dataclass(frozen=True)
class StorageCredentials:
    key_id: str
    secret: str = field(repr=False)
    source: str
    """Where they come from, in words."""


class StorageKeys:
    def __init__(
        self, backend: KeyringBackend | None = None, environ: Mapping[str, str] | None = None
    ) -> None:
        self._keys = KeyStore(backend, environ)
        self._environ = environ if environ is not None else {}

    def from_environment(self) -> StorageCredentials | None:
        key_id = self._environ.get(ID_ENV, "").strip()
        secret = self._environ.get(SECRET_ENV, "").strip()
        if key_id and secret:
            return StorageCredentials(key_id, secret, f"the {ID_ENV} and {SECRET_ENV} variables")
        return None

    def get(self) -> StorageCredentials | None:
        """The environment's pair first, then the keyring's; None when neither has both."""
        found = self.from_environment()
        if found is not None:
            return found
        key_id = self._keys.read_secret(ID_ACCOUNT)
        secret = self._keys.read_secret(SECRET_ACCOUNT)
        if key_id and secret:
            return StorageCredentials(key_id, secret, "the system keyring")
        return None

    def set(self, key_id: str, secret: str) -> None:
        self._keys.write_secret(ID_ACCOUNT, key_id)
        self._keys.write_secret(SECRET_ACCOUNT, secret)

    def clear(self) -> bool:
        """Remove the stored pair; False when there was none."""
        removed = [self._keys.delete_secret(account) for account in (ID_ACCOUNT, SECRET_ACCOUNT)]
        return any(removed)

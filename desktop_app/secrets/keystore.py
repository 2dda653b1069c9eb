"""KeyStore: the API key in the OS keyring (service org.wanstudio.WanStudio), overridden
by AIMLAPI_KEY. It is never written anywhere else.

`keyring` (with the packages it loads: ~15 ms) is imported the first time a keyring is
asked, not with this module: with AIMLAPI_KEY set, a start never asks one (#19)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from desktop_app.api.secret import ApiKey
from desktop_app.domain.errors import InvalidInputError
from desktop_app.meta import APP_ID
from desktop_app.secrets.keyring_peek import peek

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

ENV_VAR = "AIMLAPI_KEY"
ACCOUNT = "aimlapi"

NO_KEYRING_HELP = (
    "No system keyring is available to store the API key. On Linux install and start a "
    "Secret Service such as GNOME Keyring (Debian/Ubuntu: apt install gnome-keyring) or "
    "KWallet. Meanwhile, set the AIMLAPI_KEY environment variable to your key."
)


class KeySource(StrEnum):
    ENVIRONMENT = "environment"
    KEYRING = "keyring"
    DEMO = "demo"
    NONE = "none"


KEYRING_LOCKED = (
    "The system keyring is locked: Wan Studio reads the key once the window is up, and your "
    "desktop asks for the keyring's password then."
)


class KeyringUnavailableError(InvalidInputError):
    def __init__(self, cause: str = "") -> None:
        self.cause = cause
        super().__init__(f"{cause} {NO_KEYRING_HELP}" if cause else NO_KEYRING_HELP)


def keyring_failure(error: Exception) -> KeyringUnavailableError:
    """A keyring's exception as a sentence a creator understands (never its class name)."""
    from keyring.errors import InitError, KeyringLocked, NoKeyringError

    if isinstance(error, NoKeyringError):
        return KeyringUnavailableError()
    if isinstance(error, KeyringLocked):
        cause = "The system keyring stayed locked (its password prompt was dismissed)."
    elif isinstance(error, InitError):
        cause = (
            "The system keyring could not be opened (its prompt was dismissed, or it has "
            "no collection and none could be made)."
        )
    else:
        cause = "The system keyring did not answer as expected."
    return KeyringUnavailableError(cause)


@dataclass(frozen=True)
class KeyStatus:
    source: KeySource
    keyring_problem: str | None = None

    def describe(self) -> str:
        if self.source is KeySource.ENVIRONMENT:
            text = f"The API key comes from the {ENV_VAR} environment variable."
        elif self.source is KeySource.KEYRING:
            text = "The API key is stored in the system keyring."
        elif self.source is KeySource.DEMO:
            text = "Demo mode: the built-in simulator's key is used and nothing is billed."
        else:
            text = "No API key is set."
        if self.keyring_problem:
            text += " " + self.keyring_problem
        return text


class KeyStore:
    def __init__(
        self, backend: KeyringBackend | None = None, environ: Mapping[str, str] | None = None
    ) -> None:
        self._backend = backend
        self._environ = environ if environ is not None else {}

    @property
    def backend(self) -> KeyringBackend | None:
        """The keyring it was given (None: the system's)."""
        return self._backend

    def _keyring(self) -> KeyringBackend:
        backend = self._backend
        if backend is None:
            import keyring

            backend = keyring.get_keyring()
        if _is_unusable(backend):
            raise KeyringUnavailableError()
        return backend

    def get(self) -> ApiKey | None:
        """The key to use: AIMLAPI_KEY first, then the keyring. None when neither has one."""
        from_env = self._environ.get(ENV_VAR, "").strip()
        if from_env:
            return ApiKey(from_env, source=f"The {ENV_VAR} environment variable")
        stored = self._read_keyring()
        return ApiKey(stored, source="The key in the system keyring") if stored else None

    def _read_keyring(self) -> str | None:
        return self.read_secret(ACCOUNT)

    def set(self, key: ApiKey) -> None:
        self.write_secret(ACCOUNT, key.reveal())

    def clear(self) -> bool:
        """Remove the stored key; False when there was none."""
        return self.delete_secret(ACCOUNT)

    # -- any secret of the app's, by account name -------------------------------------------

    def read_secret(self, account: str) -> str | None:
        """The secret; None when none is stored. A keyring with no collection yet is not
        made to create one (no prompt): it holds nothing."""
        try:
            backend = self._keyring()
            found = peek(backend, APP_ID, account)
            if found is not None and not found.stored:
                return None
            return backend.get_password(APP_ID, account)
        except KeyringUnavailableError:
            raise
        except _keyring_errors() as error:
            raise keyring_failure(error) from None

    def would_prompt(self, account: str = ACCOUNT) -> bool:
        """Reading the secret would make the desktop ask for the keyring's password (a
        locked Secret Service collection that holds it)."""
        try:
            found = peek(self._keyring(), APP_ID, account)
        except KeyringUnavailableError:
            return False
        return found is not None and found.stored and found.locked

    def write_secret(self, account: str, value: str) -> None:
        try:
            self._keyring().set_password(APP_ID, account, value)
        except KeyringUnavailableError:
            raise
        except _keyring_errors() as error:
            raise keyring_failure(error) from None

    def delete_secret(self, account: str) -> bool:
        """Remove a stored secret; False when there was none."""
        from keyring.errors import PasswordDeleteError

        try:
            self._keyring().delete_password(APP_ID, account)
        except PasswordDeleteError:
            return False
        except KeyringUnavailableError:
            raise
        except _keyring_errors() as error:
            raise keyring_failure(error) from None
        return True

    def status(self) -> KeyStatus:
        """Where the key comes from. With AIMLAPI_KEY set the keyring is not touched, and a
        locked keyring is not unlocked (nor one without a collection given one)."""
        if self._environ.get(ENV_VAR, "").strip():
            return KeyStatus(KeySource.ENVIRONMENT)
        if self.would_prompt():
            return KeyStatus(KeySource.KEYRING, KEYRING_LOCKED)
        try:
            stored = self._read_keyring()
        except KeyringUnavailableError as error:
            return KeyStatus(KeySource.NONE, str(error))
        return KeyStatus(KeySource.KEYRING if stored else KeySource.NONE)


def _keyring_errors() -> tuple[type[Exception], ...]:
    """What a keyring raises when it cannot be used (read only once one was asked)."""
    from keyring.errors import KeyringError

    return (KeyringError, RuntimeError, OSError)


def _is_unusable(backend: KeyringBackend) -> bool:
    # The fail backend raises on every call; a chainer with no members is no better.
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if name == "keyring.backends.fail.Keyring":
        return True
    backends = getattr(backend, "backends", None)
    return isinstance(backends, list) and not backends

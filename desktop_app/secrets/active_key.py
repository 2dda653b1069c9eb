"""ActiveKey: the API key this process sends, asked for by every request.

AIMLAPI_KEY, when set, is the key, and the keyring is then never touched (a locked keyring
would otherwise prompt before the window appears). Otherwise the keyring is read once, on
the first request that needs it. A key replaced or removed in the window applies to the
very next request.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Mapping

from desktop_app.api.secret import ApiKey, InvalidKeyError
from desktop_app.domain.errors import InvalidInputError
from desktop_app.logs import SecretRedactor
from desktop_app.secrets.keystore import (
    ENV_VAR,
    KeyringUnavailableError,
    KeySource,
    KeyStatus,
    KeyStore,
)

WAITING_FOR_KEYRING = (
    "Waiting for the system keyring: your desktop may be asking for its password (look for "
    "its dialog). Jobs and prices follow once it answers; the AIMLAPI_KEY environment "
    "variable avoids the keyring."
)
KEYRING_SILENT = (
    "The system keyring did not answer within {seconds:g} s (its password prompt may be "
    "hidden or dismissed). Start Wan Studio again to be asked again, or set the AIMLAPI_KEY "
    "environment variable to your key."
)


class MissingKeyError(InvalidInputError):
    """There is no API key to send; nothing was sent."""


class ActiveKey:
    def __init__(
        self,
        store: KeyStore,
        environ: Mapping[str, str],
        redactor: SecretRedactor | None = None,
        *,
        demo_key: ApiKey | None = None,
    ) -> None:
        self._store = store
        self._redactor = redactor
        self._demo = demo_key is not None
        self._env_problem: InvalidKeyError | None = None
        from_env = environ.get(ENV_VAR, "").strip()
        try:
            env_key = ApiKey(from_env, source=f"The {ENV_VAR} environment variable")
        except InvalidKeyError as error:
            env_key, self._env_problem = None, error if from_env else None
        self._from_env = demo_key or env_key
        self._key: ApiKey | None = self._from_env
        self._read = self._from_env is not None
        self._keyring_problem: str | None = None
        self._reading = False
        """The keyring is being asked on a thread of its own (`read_now`)."""
        self._listeners: list[Callable[[], None]] = []
        if self._from_env is not None:
            self._redact(self._from_env)

    def __call__(self) -> ApiKey:
        """The key to send now; raises MissingKeyError (saying what to do) without one, or
        InvalidKeyError for a key that breaks the key rules."""
        if self._env_problem is not None and self._key is None:
            raise self._env_problem
        if self._reading:
            raise MissingKeyError(WAITING_FOR_KEYRING)
        if not self._read:
            # Read once: a keyring that fails is not asked again until a key is given.
            self._read = True
            try:
                self._key = self._store.get()
            except (KeyringUnavailableError, InvalidKeyError) as error:
                self._keyring_problem = str(error)
            if self._key is not None:
                self._redact(self._key)
        if self._key is None and self._keyring_problem:
            raise MissingKeyError(f"No API key is set. {self._keyring_problem}")
        if self._key is None:
            raise MissingKeyError("No API key is set.")
        return self._key

    @property
    def unread(self) -> bool:
        """The keyring has not been asked yet (the first request that needs a key would)."""
        return not self._read and not self._reading

    async def read_now(
        self,
        waiting: Callable[[str], None],
        *,
        notice_after_s: float = 1.0,
        give_up_after_s: float = 120.0,
    ) -> None:
        """Ask the keyring once, on a thread of its own, so that the window is never held by
        the desktop's password prompt. Past `notice_after_s`, `waiting` is told what is
        waited on; past `give_up_after_s` the keyring counts as unavailable (the thread is a
        daemon: a prompt never answered does not hold the exit)."""
        if not self.unread:
            return
        loop = asyncio.get_running_loop()
        answered: asyncio.Future[tuple[ApiKey | None, str | None]] = loop.create_future()

        def settle(result: tuple[ApiKey | None, str | None]) -> None:
            if not answered.done():
                answered.set_result(result)

        def read() -> None:
            try:
                result: tuple[ApiKey | None, str | None] = (self._store.get(), None)
            except (KeyringUnavailableError, InvalidKeyError) as error:
                result = (None, str(error))
            loop.call_soon_threadsafe(settle, result)

        self._reading = True
        threading.Thread(target=read, name="keyring", daemon=True).start()
        try:
            try:
                key, problem = await asyncio.wait_for(asyncio.shield(answered), notice_after_s)
            except TimeoutError:
                waiting(WAITING_FOR_KEYRING)
                try:
                    key, problem = await asyncio.wait_for(
                        answered, max(0.0, give_up_after_s - notice_after_s)
                    )
                except TimeoutError:
                    key, problem = None, KEYRING_SILENT.format(seconds=give_up_after_s)
        finally:
            self._reading = False
        self._read, self._key, self._keyring_problem = True, key, problem
        if key is not None:
            self._redact(key)

    def available(self) -> bool:
        try:
            self()
        except (MissingKeyError, InvalidKeyError):
            return False
        return True

    @property
    def from_environment(self) -> bool:
        """The key is fixed for this process (AIMLAPI_KEY, or demo mode)."""
        return self._from_env is not None

    def status(self) -> KeyStatus:
        if self._demo:
            return KeyStatus(KeySource.DEMO)
        if self._from_env is not None:
            return KeyStatus(KeySource.ENVIRONMENT)
        return self._store.status()

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call `listener` whenever the key is replaced or removed."""
        self._listeners.append(listener)

    def use(self, key: ApiKey, *, remember: bool) -> None:
        """Send `key` from the next request on; with `remember`, store it in the keyring
        (raises KeyringUnavailableError, and then nothing changes)."""
        if remember:
            self._store.set(key)
        self._redact(key)
        self._key, self._read = key, True
        self._changed()

    def remove(self) -> bool:
        """Remove the stored key and stop sending it; False when none was stored."""
        removed = self._store.clear()
        self._key, self._read = self._from_env, True
        self._changed()
        return removed

    def _redact(self, key: ApiKey) -> None:
        if self._redactor is not None:
            self._redactor.add(key.reveal())

    def _changed(self) -> None:
        for listener in self._listeners:
            listener()

"""What a Secret Service keyring holds, found without creating or unlocking anything.

Reading a secret through `keyring` makes the desktop prompt: "Choose password for new
keyring" when there is no default collection yet (it creates one), or its unlock dialog
when the collection is locked. A start, `key status` and the choice of demo mode must not
wait on such a prompt. The Secret Service answers a search by attributes without unlocking
(the spec: SearchItems returns locked items too), so whether the key is stored, and whether
reading it would prompt, is known first.

Other keyrings (macOS, Windows, KWallet through its own backend) are read as they are."""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend


@dataclass(frozen=True)
class Peek:
    stored: bool
    locked: bool
    """Reading it would prompt the desktop for the keyring's password."""


def peek(backend: KeyringBackend, service: str, account: str) -> Peek | None:
    """Whether `backend` (a Secret Service keyring) holds the secret, and whether it is
    locked; None for another kind of keyring, or when the Secret Service cannot be asked
    (then the caller reads as usual, and says what failed)."""
    from keyring.backends import SecretService

    if not isinstance(backend, SecretService.Keyring) or hasattr(backend, "preferred_collection"):
        return None
    import secretstorage
    from secretstorage.exceptions import ItemNotFoundException, SecretStorageException

    try:
        connection = secretstorage.dbus_init()
    except SecretStorageException:
        return None
    with closing(connection):
        try:
            # The default collection, if there is one: never created here.
            collection = secretstorage.Collection(connection)
        except ItemNotFoundException:
            return Peek(stored=False, locked=False)
        except SecretStorageException:
            return None
        try:
            found = list(collection.search_items(backend._query(service, account)))
            locked = collection.is_locked() or any(item.is_locked() for item in found)
        except SecretStorageException:
            return None
    return Peek(stored=bool(found), locked=locked)

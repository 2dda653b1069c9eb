"""The API key as a value that cannot leak through repr, str or a log line by accident."""

from __future__ import annotations

from desktop_app.domain.errors import InvalidInputError

KEY_LENGTHS = (8, 512)


class InvalidKeyError(InvalidInputError, ValueError):
    """A key that cannot be a key; the message names the rule and never shows the key."""


class ApiKey:
    __slots__ = ("_value",)

    def __init__(self, value: str, *, source: str = "The API key") -> None:
        value = value.strip()
        if not value:
            raise InvalidKeyError(f"{source} is empty.")
        shortest, longest = KEY_LENGTHS
        printable_ascii = all("!" <= c <= "~" for c in value)
        if not printable_ascii or not shortest <= len(value) <= longest:
            raise InvalidKeyError(
                f"{source} is not a valid key: a key is {shortest} to {longest} printable "
                "ASCII characters, with no spaces, line breaks or other control characters. "
                "(The key is not shown here.)"
            )
        self._value = value

    def reveal(self) -> str:
        """The key itself: only for the Authorization header and the keyring."""
        return self._value

    def __repr__(self) -> str:
        return "ApiKey(<hidden>)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ApiKey) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

"""What the store says when a job someone named is not there, or not only one is."""

from __future__ import annotations

from desktop_app.domain.errors import InvalidInputError


class JobNotFoundError(InvalidInputError, LookupError):
    pass


class AmbiguousJobError(InvalidInputError, LookupError):
    pass

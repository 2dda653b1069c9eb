"""ModelHealth: whether a model is deprecated, superseded or withdrawn, from the
provider's deprecation feed, read at most once a day and cached with its ETag."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from desktop_app.api.account import Deprecation, deprecation_of
from desktop_app.api.client import ApiClient
from desktop_app.api.response import MalformedBodyError
from desktop_app.billing import disk_cache
from desktop_app.domain.errors import WanStudioError
from desktop_app.domain.models import DEFAULT_MODEL

log = logging.getLogger(__name__)

REVALIDATE_EVERY = 24 * 3600.0


class ModelHealth:
    def __init__(
        self, client: ApiClient, cache_file: Path, *, clock: Callable[[], float] = time.time
    ) -> None:
        self._client = client
        self._cache_file = cache_file
        self._clock = clock
        self._cached = disk_cache.load(cache_file)

    def deprecation(self, model_id: str) -> Deprecation | None:
        if self._cached is None:
            return None
        try:
            return deprecation_of(self._cached.body, model_id)
        except MalformedBodyError:
            return None

    def warning(self, model_id: str = DEFAULT_MODEL.id) -> str | None:
        """A sentence for the creator when `model_id` is going away, else None."""
        found = self.deprecation(model_id)
        if found is None:
            return None
        text = f"The model {model_id} is {found.status} at the provider."
        if found.shutdown_at:
            text += f" It stops working on {found.shutdown_at}."
        if found.replaced_by:
            text += f" Its replacement is {found.replaced_by}."
        if found.reason:
            text += f" ({found.reason})"
        return text

    async def refresh(self) -> None:
        now = self._clock()
        cached = self._cached
        if cached and cached.fresh(now, REVALIDATE_EVERY):
            return
        try:
            answer = await self._client.deprecations(cached.etag if cached else None)
        except WanStudioError as error:
            log.info("deprecation feed not reachable: %s", error.explain())
            return
        body = cached.body if answer.body is None and cached else answer.body
        self._cached = disk_cache.CachedAnswer(body, answer.etag, now)
        disk_cache.save(self._cache_file, self._cached)

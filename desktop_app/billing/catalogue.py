"""PriceCatalogue: the model's price from the provider's public catalogue, cached on disk
with its ETag, revalidated at most once an hour, used offline; and quotes from it, or
from the creator's history when the catalogue cannot say."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from desktop_app.api.account import price_table
from desktop_app.api.client import ApiClient
from desktop_app.api.response import MalformedBodyError
from desktop_app.billing import disk_cache
from desktop_app.domain.errors import WanStudioError
from desktop_app.domain.pricing import PriceSource, PriceTable, Quote
from desktop_app.domain.request import MODEL_ID, GenerationRequest
from desktop_app.store.queries import HistoryQueries

log = logging.getLogger(__name__)

REVALIDATE_EVERY = 3600.0


class PriceCatalogue:
    def __init__(
        self,
        client: ApiClient,
        cache_file: Path,
        history: HistoryQueries,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._cache_file = cache_file
        self._history = history
        self._clock = clock
        self._cached = disk_cache.load(cache_file)
        self._table = self._parse(self._cached.body) if self._cached else None

    @property
    def table(self) -> PriceTable | None:
        return self._table

    async def refresh(self, *, force: bool = False) -> None:
        """Revalidate the cached price (If-None-Match) when it is an hour old, or dated in
        the future (the file's own date is not trusted). A failure
        keeps the cached one: the app goes on with it, or with "price unknown"."""
        now = self._clock()
        cached = self._cached
        if cached is not None and (self._table is None or not self._table.follows_the_rules):
            cached = None  # a cached body that fails the price rules: asked for anew, whole
        if cached and not force and cached.fresh(now, REVALIDATE_EVERY):
            return
        try:
            answer = await self._client.catalogue(MODEL_ID, cached.etag if cached else None)
        except WanStudioError as error:
            log.info("price catalogue not reachable: %s", error.explain())
            return
        body = cached.body if answer.body is None and cached else answer.body
        table = self._parse(body)
        if table is None and answer.body is not None:
            return  # a catalogue that does not list the model: keep what we had
        self._cached = disk_cache.CachedAnswer(body, answer.etag, now)
        self._table = table
        disk_cache.save(self._cache_file, self._cached)

    @staticmethod
    def _parse(body: object) -> PriceTable | None:
        try:
            return price_table(body, MODEL_ID)
        except MalformedBodyError:
            return None

    def quote(self, request: GenerationRequest, count: int = 1) -> Quote:
        """The catalogue's price; else an estimate from earlier jobs like it; else unknown."""
        usd = self._table.usd_for(request) if self._table else None
        if usd is not None:
            return Quote(usd * count, PriceSource.CATALOGUE, count)
        average = self._history.average_cost_usd(
            request.effective_resolution.value, request.effective_duration
        )
        if average is not None:
            return Quote(average * count, PriceSource.HISTORY, count)
        return Quote.unknown(count)

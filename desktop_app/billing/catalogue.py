"""PriceCatalogue: the model's price from the provider's public catalogue, cached on disk
with its ETag, revalidated at most once an hour, used offline; and quotes from it, or
from the creator's history when the catalogue cannot say."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Collection
from pathlib import Path

from desktop_app.api.account import price_table
from desktop_app.api.client import ApiClient
from desktop_app.api.response import MalformedBodyError
from desktop_app.billing import disk_cache
from desktop_app.domain.errors import WanStudioError
from desktop_app.domain.models import DEFAULT_MODEL, MODELS, ModelSpec
from desktop_app.domain.pricing import PriceSource, PriceTable, Quote
from desktop_app.domain.request import GenerationRequest
from desktop_app.journal.queries import HistoryQueries

log = logging.getLogger(__name__)

REVALIDATE_EVERY = 3600.0


class PriceCatalogue:
    """The price list of every model (`domain/models.py`), each cached in a file of its own
    (Wan 2.6's keeps the name it had before models were data: `catalogue.json`)."""

    def __init__(
        self,
        client: ApiClient,
        cache_file: Path,
        history: HistoryQueries,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._history = history
        self._prices = {
            model.id: ModelPrices(client, model.id, _cache_file(cache_file, model), clock)
            for model in MODELS
        }

    def table(self, model_id: str) -> PriceTable | None:
        prices = self._prices.get(model_id)
        return prices.table if prices else None

    async def refresh(self, *, force: bool = False, models: Collection[str] = ()) -> None:
        """Revalidate the cached price lists of `models` (all of them when none is named;
        see ModelPrices.refresh)."""
        wanted = [p for m, p in self._prices.items() if not models or m in models]
        await asyncio.gather(*(prices.refresh(force=force) for prices in wanted))

    def quote(self, request: GenerationRequest, count: int = 1) -> Quote:
        """The catalogue's price for the request's model; else an estimate from earlier
        jobs like it (same model, resolution and duration); else unknown."""
        table = self.table(request.model)
        usd = table.usd_for(request) if table else None
        if usd is not None:
            return Quote(usd * count, PriceSource.CATALOGUE, count)
        average = self._history.average_cost_usd(
            request.model, request.effective_resolution.value, request.effective_duration
        )
        if average is not None:
            return Quote(average * count, PriceSource.HISTORY, count)
        return Quote.unknown(count)


def _cache_file(default_file: Path, model: ModelSpec) -> Path:
    if model is DEFAULT_MODEL:
        return default_file
    slug = model.id.rsplit("/", 1)[-1]
    return default_file.with_name(f"{default_file.stem}-{slug}{default_file.suffix}")


class ModelPrices:
    """One model's catalogue entry with pricing, cached on disk with its ETag."""

    def __init__(
        self, client: ApiClient, model_id: str, cache_file: Path, clock: Callable[[], float]
    ) -> None:
        self._client = client
        self._model_id = model_id
        self._cache_file = cache_file
        self._clock = clock
        self._cached = disk_cache.load(cache_file)
        self.table = self._parse(self._cached.body) if self._cached else None

    async def refresh(self, *, force: bool = False) -> None:
        """Revalidate the cached price (If-None-Match) when it is an hour old, or dated in
        the future (the file's own date is not trusted). A failure keeps the cached one:
        the app goes on with it, or with "price unknown"."""
        now = self._clock()
        cached = self._cached
        if cached is not None and (self.table is None or not self.table.follows_the_rules):
            cached = None  # a cached body that fails the price rules: asked for anew, whole
        if cached and not force and cached.fresh(now, REVALIDATE_EVERY):
            return
        try:
            answer = await self._client.catalogue(self._model_id, cached.etag if cached else None)
        except WanStudioError as error:
            log.info("price catalogue not reachable: %s", error.explain())
            return
        body = cached.body if answer.body is None and cached else answer.body
        table = self._parse(body)
        if table is None and answer.body is not None:
            return  # a catalogue that does not list the model: keep what we had
        self._cached = disk_cache.CachedAnswer(body, answer.etag, now)
        self.table = table
        disk_cache.save(self._cache_file, self._cached)

    def _parse(self, body: object) -> PriceTable | None:
        try:
            return price_table(body, self._model_id)
        except MalformedBodyError:
            return None

"""What the service runs on, wired once at start-up: the served index, the answer cache, the
reindex thread, and the one embedder they share.

>>> service = Service.start(settings)  # doctest: +SKIP
>>> service.holder.refresh(); service.asker.ask("Wat is een CSG?")  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

from app.asking import Asker
from app.cache import AnswerCache
from app.reindexer import Reindexer
from app.serving import IndexHolder
from index.batching import BatchingEmbedder
from index.builder import reindex
from index.embedders import Embedder, make_embedder
from ingest.lang import warm_up
from vraagbaak.settings import Settings


@dataclass(frozen=True)
class Service:
    """The parts of the running service (wiring only; each part holds its own logic)."""

    settings: Settings
    embedder: BatchingEmbedder
    holder: IndexHolder
    cache: AnswerCache
    asker: Asker
    reindexer: Reindexer

    @classmethod
    def start(cls, settings: Settings, embedder: Embedder | None = None) -> Service:
        """Build the parts; ``embedder`` replaces the configured one (tests)."""
        warm_up()
        # concurrent questions share embedding batches; reindexing embeds through it too
        shared = BatchingEmbedder(embedder or make_embedder(settings.embedder))
        holder = IndexHolder(settings, shared)
        cache = AnswerCache(settings.query_cache_size)
        reindexer = Reindexer(
            lambda: reindex(settings, shared), on_done=holder.refresh, index_dir=settings.index_dir
        )
        return cls(settings, shared, holder, cache, Asker(holder, cache, settings), reindexer)

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
from qa.writer import AnswerWriter, ChatWriter
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
    writer: AnswerWriter | None = None  # writes the chat answer (VRAAGBAAK_LLM_URL)

    @classmethod
    def start(
        cls,
        settings: Settings,
        embedder: Embedder | None = None,
        writer: AnswerWriter | None = None,
    ) -> Service:
        """Build the parts; ``embedder`` and ``writer`` replace the configured ones (tests)."""
        warm_up()
        # concurrent questions share embedding batches; reindexing embeds through it too
        shared = BatchingEmbedder(embedder or make_embedder(settings.embedder))
        holder = IndexHolder(settings, shared)
        cache = AnswerCache(settings.query_cache_size)
        reindexer = Reindexer(
            lambda: reindex(settings, shared), on_done=holder.refresh, index_dir=settings.index_dir
        )
        if writer is None and settings.llm_url:
            key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
            writer = ChatWriter(
                settings.llm_url,
                settings.llm_model,
                key,
                settings.llm_timeout_s,
                settings.llm_max_tokens,
            )
        asker = Asker(holder, cache, settings)
        return cls(settings, shared, holder, cache, asker, reindexer, writer)

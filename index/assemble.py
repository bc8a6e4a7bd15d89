"""Passages to a searchable index in memory: the one build the reindex (which then saves it)
and the evaluation (which compares variants of it) share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from index import layout
from index.cache import EmbeddingCache, embed_with_background
from index.embedders import Embedder
from index.lexical import Lexical, LexicalIndex
from index.manifest import Manifest
from index.passages import WINDOW_CHARS, dense_units, retrieval_text, vector_documents
from index.search import Snapshot
from index.store import FaissStore, VectorStore
from ingest.models import Chunk

if TYPE_CHECKING:
    from index.qdrant import Qdrant


@dataclass(frozen=True)
class QdrantTarget:
    """Build into this Qdrant collection instead of FAISS and bm25s files."""

    qdrant: Qdrant
    collection: str


@dataclass
class Assembled:
    """The parts of an index version, before they are saved or served."""

    chunks: list[Chunk]
    store: VectorStore
    owners: np.ndarray
    lexical: Lexical
    background: np.ndarray
    computed: int  # texts embedded now (not found in the cache)

    def snapshot(self, manifest: Manifest) -> Snapshot:
        """Served straight from memory (the evaluation's variants)."""
        return Snapshot(
            manifest.name,
            manifest,
            self.chunks,
            self.store,
            self.lexical,
            self.owners,
            self.background,
        )

    def save(self, folder: Path) -> None:
        """The version's files, except its manifest (written last, by the builder)."""
        import json

        with open(folder / layout.CHUNKS, "w", encoding="utf-8") as fh:
            for c in self.chunks:
                fh.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
        np.save(folder / layout.OWNERS, self.owners)
        np.save(folder / layout.BACKGROUND, self.background)
        if isinstance(self.store, FaissStore) and isinstance(self.lexical, LexicalIndex):
            self.store.save(folder / layout.VECTORS)
            self.lexical.save(folder / layout.BM25)
        else:  # Qdrant: the points are in the collection; the vocabulary is kept here
            from index.qdrant import LEXICAL, QdrantLexical

            assert isinstance(self.lexical, QdrantLexical)
            self.lexical.save(folder / LEXICAL)

    def close(self) -> None:
        """Let go of the collection (local mode: its folder's lock), once saved."""
        from index.qdrant import QdrantStore

        if isinstance(self.store, QdrantStore):
            self.store.close()


def assemble(
    chunks: list[Chunk],
    embedder: Embedder,
    cache: EmbeddingCache,
    background: list[str],
    *,
    ann_threshold: int,
    with_section: bool = True,
    window: int = WINDOW_CHARS,
    progress: Callable[[int], None] | None = None,
    target: QdrantTarget | None = None,
) -> Assembled:
    """Embed (through the cache) and index the passages, their sentence windows and the
    background texts, in FAISS and bm25s or (``target``) in a Qdrant collection;
    ``progress`` is called with the number of texts done."""
    texts, owners = dense_units(chunks, with_section, window)
    vectors, background_vectors, computed = embed_with_background(
        texts, background, embedder, cache, progress=progress
    )
    passages = [retrieval_text(c, with_section) for c in chunks]
    store: VectorStore
    lexical: Lexical
    if target is None:
        store = FaissStore.build(vectors, ann_threshold, vector_documents(chunks, owners))
        lexical = LexicalIndex.build(passages, vector_documents(chunks))
    else:
        from index import qdrant

        store, lexical = qdrant.build(
            target.qdrant, target.collection, vectors, owners, chunks, passages
        )
    return Assembled(
        chunks=chunks,
        store=store,
        owners=owners,
        lexical=lexical,
        background=background_vectors,
        computed=computed,
    )


def units_to_embed(chunks: list[Chunk], background: list[str]) -> int:
    """How many texts :func:`assemble` embeds or finds cached (for a progress bar)."""
    return len(dense_units(chunks)[0]) + len(background)

"""Passages to a searchable index in memory: the one build the reindex (which then saves it)
and the evaluation (which compares variants of it) share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index import layout
from index.cache import EmbeddingCache, embed_with_background
from index.embedders import Embedder
from index.lexical import LexicalIndex
from index.manifest import Manifest
from index.passages import WINDOW_CHARS, dense_units, retrieval_text
from index.search import Snapshot
from index.store import FaissStore
from ingest.models import Chunk


@dataclass
class Assembled:
    """The parts of an index version, before they are saved or served."""

    chunks: list[Chunk]
    store: FaissStore
    owners: np.ndarray
    lexical: LexicalIndex
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
        self.store.save(folder / layout.VECTORS)
        np.save(folder / layout.OWNERS, self.owners)
        np.save(folder / layout.BACKGROUND, self.background)
        self.lexical.save(folder / layout.BM25)


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
) -> Assembled:
    """Embed (through the cache) and index the passages, their sentence windows and the
    background texts; ``progress`` is called with the number of texts done."""
    texts, owners = dense_units(chunks, with_section, window)
    vectors, background_vectors, computed = embed_with_background(
        texts, background, embedder, cache, progress=progress
    )
    return Assembled(
        chunks=chunks,
        store=FaissStore.build(vectors, ann_threshold),
        owners=owners,
        lexical=LexicalIndex.build([retrieval_text(c, with_section) for c in chunks]),
        background=background_vectors,
        computed=computed,
    )


def units_to_embed(chunks: list[Chunk], background: list[str]) -> int:
    """How many texts :func:`assemble` embeds or finds cached (for a progress bar)."""
    return len(dense_units(chunks)[0]) + len(background)

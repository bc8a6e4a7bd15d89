"""Embeddings cached by (embedder, text) hash: unchanged passages are never embedded again."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np

from index.embedders import Embedder


def text_key(embedder_name: str, text: str) -> str:
    return hashlib.sha1(f"{embedder_name}\x00{text}".encode()).hexdigest()


class EmbeddingCache:
    """A small SQLite table of float32 vectors keyed by content hash."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=30)
        self._db.execute("CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, vec BLOB)")

    def close(self) -> None:
        self._db.close()

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            part = keys[i : i + 500]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(f"SELECT key, vec FROM emb WHERE key IN ({marks})", part)
            found.update((k, np.frombuffer(v, dtype=np.float32)) for k, v in rows)
        return found

    def add_missing(self, items: dict[str, np.ndarray]) -> None:
        """Store the entries the cache does not hold; those it holds are kept."""
        rows = [(k, np.asarray(v, np.float32).tobytes()) for k, v in items.items()]
        with self._db:
            self._db.executemany("INSERT OR IGNORE INTO emb VALUES (?, ?)", rows)

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        rows = [(k, np.asarray(v, np.float32).tobytes()) for k, v in items.items()]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO emb VALUES (?, ?)", rows)


def embed_with_cache(
    texts: list[str],
    embedder_name: str,
    embed: Callable[[list[str]], np.ndarray],
    cache: EmbeddingCache,
    dim: int,
    batch: int = 16,
    progress: Callable[[int], None] | None = None,
) -> tuple[np.ndarray, int]:
    """Vectors for ``texts``, computing only those not cached; returns (vectors, computed)."""
    keys = [text_key(embedder_name, t) for t in texts]
    have = cache.get_many(list(dict.fromkeys(keys)))
    missing = list(dict.fromkeys(k for k in keys if k not in have))
    if progress and len(keys) > len(missing):
        progress(len(keys) - len(missing))  # the cached ones are done already
    by_key = {k: t for k, t in zip(keys, texts, strict=True)}
    for i in range(0, len(missing), batch):
        part = missing[i : i + batch]
        vecs = embed([by_key[k] for k in part])
        new = dict(zip(part, vecs, strict=True))
        cache.put_many(new)  # saved per batch: a killed reindex keeps what it embedded
        have.update(new)
        if progress:
            progress(len(part))
    out = np.vstack([have[k] for k in keys]) if keys else np.zeros((0, dim), np.float32)
    return out.astype(np.float32), len(missing)


def embed_with_background(
    texts: list[str],
    background: list[str],
    embedder: Embedder,
    cache: EmbeddingCache,
    progress: Callable[[int], None] | None = None,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Passage vectors and background vectors (see index.background), embedded alike in one
    pass through the cache; returns (vectors, background vectors, computed)."""
    vectors, computed = embed_with_cache(
        texts + background,
        embedder.name,
        embedder.embed_passages,
        cache,
        embedder.dim,
        progress=progress,
    )
    return vectors[: len(texts)], vectors[len(texts) :], computed

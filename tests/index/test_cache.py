"""The embedding cache: only texts not cached yet are embedded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from index.cache import EmbeddingCache, embed_with_cache, text_key
from index.embedders import FakeEmbedder


class Recorder:
    """An embed function that records every batch it is asked for."""

    def __init__(self) -> None:
        self.inner = FakeEmbedder(dim=32)
        self.batches: list[list[str]] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.batches.append(list(texts))
        return self.inner.embed_passages(texts)

    @property
    def embedded(self) -> list[str]:
        return [t for b in self.batches for t in b]


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[EmbeddingCache]:
    c = EmbeddingCache(tmp_path / "sub" / "embeddings.sqlite")
    yield c
    c.close()


def test_text_key_depends_on_embedder_and_text() -> None:
    assert text_key("a", "x") == text_key("a", "x")
    assert text_key("a", "x") != text_key("b", "x")
    assert text_key("a", "x") != text_key("a", "y")


def test_only_missing_texts_are_embedded(cache: EmbeddingCache) -> None:
    rec = Recorder()
    first = ["een", "twee", "drie"]
    vecs, computed = embed_with_cache(first, "fake", rec, cache, dim=32)
    assert computed == 3
    assert rec.embedded == first
    assert vecs.shape == (3, 32) and vecs.dtype == np.float32

    rec.batches.clear()
    second = ["twee", "vier", "een", "vijf", "vier"]
    vecs2, computed2 = embed_with_cache(second, "fake", rec, cache, dim=32)
    assert computed2 == 2
    assert rec.embedded == ["vier", "vijf"]  # each missing text once, cached ones never
    assert vecs2.shape == (5, 32)
    np.testing.assert_allclose(vecs2, rec.inner.embed_passages(second), rtol=1e-6)
    np.testing.assert_array_equal(vecs2[0], vecs[1])  # "twee" came from the cache


def test_all_cached_embeds_nothing(cache: EmbeddingCache) -> None:
    rec = Recorder()
    embed_with_cache(["a b", "c d"], "fake", rec, cache, dim=32)
    rec.batches.clear()
    _, computed = embed_with_cache(["c d", "a b"], "fake", rec, cache, dim=32)
    assert computed == 0 and rec.batches == []
    empty, none = embed_with_cache([], "fake", rec, cache, dim=32)
    assert empty.shape == (0, 32) and none == 0


def test_other_embedder_name_is_a_miss(cache: EmbeddingCache) -> None:
    rec = Recorder()
    embed_with_cache(["tekst"], "model-a", rec, cache, dim=32)
    _, computed = embed_with_cache(["tekst"], "model-b", rec, cache, dim=32)
    assert computed == 1
    assert rec.embedded == ["tekst", "tekst"]


def test_batches_and_progress(cache: EmbeddingCache) -> None:
    rec = Recorder()
    done: list[int] = []
    texts = [f"tekst {i}" for i in range(10)]
    _, computed = embed_with_cache(texts, "fake", rec, cache, dim=32, batch=4, progress=done.append)
    assert computed == 10
    assert [len(b) for b in rec.batches] == [4, 4, 2]
    assert done == [4, 4, 2]


def test_cache_persists_across_connections(tmp_path: Path) -> None:
    path = tmp_path / "embeddings.sqlite"
    rec = Recorder()
    first = EmbeddingCache(path)
    vecs, _ = embed_with_cache(["blijft bewaard"], "fake", rec, first, dim=32)
    first.close()
    second = EmbeddingCache(path)
    try:
        again, computed = embed_with_cache(["blijft bewaard"], "fake", rec, second, dim=32)
    finally:
        second.close()
    assert computed == 0
    np.testing.assert_array_equal(again, vecs)

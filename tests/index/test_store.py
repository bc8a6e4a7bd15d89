"""FAISS store: exact flat search, HNSW past the threshold (recall vs exact), save/load."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.store import FaissStore


def unit_rows(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    x = rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_flat_search_is_exact() -> None:
    rng = np.random.default_rng(1)
    vectors = unit_rows(rng, 200, 16)
    queries = unit_rows(rng, 5, 16)
    store = FaissStore.build(vectors, ann_threshold=1000)
    assert store.kind == "flat"
    assert len(store) == 200
    scores, ids = store.search(queries, 10)
    assert scores.shape == ids.shape == (5, 10)
    exact = queries @ vectors.T
    want = np.argsort(-exact, axis=1, kind="stable")[:, :10]
    np.testing.assert_array_equal(ids, want)
    np.testing.assert_allclose(scores, np.take_along_axis(exact, want, axis=1), rtol=1e-5)


def test_flat_search_of_itself_and_k_clamped() -> None:
    store = FaissStore.build(np.eye(3, dtype=np.float32), ann_threshold=10)
    scores, ids = store.search(np.eye(3, dtype=np.float32)[1], 50)  # 1-d query, k > size
    assert ids.shape == (1, 3)
    assert ids[0, 0] == 1
    assert sorted(ids[0].tolist()) == [0, 1, 2]
    assert scores[0, 0] == pytest.approx(1.0)


def test_hnsw_only_above_threshold() -> None:
    vectors = unit_rows(np.random.default_rng(2), 50, 8)
    assert FaissStore.build(vectors, ann_threshold=50).kind == "flat"
    assert FaissStore.build(vectors, ann_threshold=49).kind == "hnsw"
    empty = FaissStore.build(np.zeros((0, 8), np.float32), ann_threshold=10)
    assert empty.kind == "flat" and len(empty) == 0


def test_hnsw_recall_at_10_vs_exact() -> None:
    rng = np.random.default_rng(1234)
    vectors = unit_rows(rng, 5000, 64)
    queries = unit_rows(rng, 50, 64)
    store = FaissStore.build(vectors, ann_threshold=1000)
    assert store.kind == "hnsw"
    assert len(store) == 5000
    _, got = store.search(queries, 10)
    exact = np.argsort(-(queries @ vectors.T), axis=1)[:, :10]
    recall = float(np.mean([len(set(g) & set(e)) / 10 for g, e in zip(got, exact, strict=True)]))
    print(f"HNSW recall@10 vs exact on 5000x64, 50 queries: {recall:.3f}")
    assert recall >= 0.95


@pytest.mark.parametrize("threshold", [1000, 10], ids=["flat", "hnsw"])
def test_save_load_round_trip(tmp_path: Path, threshold: int) -> None:
    rng = np.random.default_rng(3)
    vectors = unit_rows(rng, 300, 32)
    queries = unit_rows(rng, 7, 32)
    store = FaissStore.build(vectors, ann_threshold=threshold)
    path = tmp_path / "vectors.faiss"
    store.save(path)
    assert path.stat().st_size > 0
    loaded = FaissStore.load(path)  # memory-mapped, read-only
    assert loaded.kind == store.kind
    assert len(loaded) == len(store) == 300
    s1, i1 = store.search(queries, 5)
    s2, i2 = loaded.search(queries, 5)
    np.testing.assert_array_equal(i1, i2)
    np.testing.assert_allclose(s1, s2, rtol=1e-6)

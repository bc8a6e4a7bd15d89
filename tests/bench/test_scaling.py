"""The scaling benchmark on a tiny corpus: the shape of its result and sane recalls."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bench.scaling import DIM, KINDS, corpus, ivf_nlist, main, measure, recall_at_k, render


@pytest.fixture(scope="module")
def result() -> dict:
    return measure([2000], n_queries=20, threads=1)


def test_shape(result: dict) -> None:
    assert result["dim"] == DIM and result["queries"] == 20 and result["threads"] == 1
    [size] = result["sizes"]
    assert size["n"] == 2000 and size["seconds"] > 0
    assert list(size["indexes"]) == list(KINDS)
    for f in size["indexes"].values():
        assert f["measured"] is True
        assert f["build_s"] >= 0 and f["index_bytes"] > 0
        assert 0 < f["p50_ms"] <= f["p95_ms"]
        assert 0.0 <= f["recall_at_10"] <= 1.0
    # the exact index holds the raw float32 vectors; PQ codes are 48 bytes a vector
    assert size["indexes"]["flat"]["index_bytes"] >= 2000 * DIM * 4
    assert size["indexes"]["ivfpq"]["index_bytes"] < size["indexes"]["flat"]["index_bytes"]


def test_recall(result: dict) -> None:
    indexes = result["sizes"][0]["indexes"]
    assert indexes["flat"]["recall_at_10"] == 1.0
    assert indexes["hnsw"]["recall_at_10"] > 0.9


def test_corpus_is_unit_clustered_and_seeded() -> None:
    v, q = corpus(1000, 10, seed=1)
    assert v.shape == (1000, DIM) and q.shape == (10, DIM) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5)
    assert np.array_equal(v, corpus(1000, 10, seed=1)[0])
    # each query is near a cluster: its best match is far closer than a random vector
    best = (q @ v.T).max(axis=1)
    assert best.min() > 0.4 and abs(float((v[:100] @ v[100:200].T).mean())) < 0.2


def test_recall_at_k_by_hand() -> None:
    truth = np.array([[1, 2, 3, 4], [5, 6, 7, 8]])
    found = np.array([[4, 3, 9, 9], [5, 6, 7, 8]])
    assert recall_at_k(found, truth) == (2 / 4 + 4 / 4) / 2


def test_nlist() -> None:
    assert ivf_nlist(1_000_000) == 4000
    assert ivf_nlist(2000) == 2000 // 39  # never fewer than ~39 training vectors a list


def test_skips_what_would_take_too_long() -> None:
    r = measure([500, 1000], n_queries=5, threads=1, max_build_s=0.0)
    second = r["sizes"][1]["indexes"]
    assert all(not f["measured"] for f in second.values())
    assert second["hnsw"]["note"].startswith("not measured (would take ~")
    assert "from the 500 rate" in second["hnsw"]["note"]
    assert "not measured" in render(r)


def test_main_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "scaling.json"
    main(["--sizes", "500", "--queries", "5", "--out", str(out)])
    assert json.loads(out.read_text())["sizes"][0]["n"] == 500
    assert "| 500 | hnsw |" in capsys.readouterr().out


def test_kinds_always_keep_the_exact_truth() -> None:
    r = measure([500], n_queries=5, threads=1, kinds=["hnsw"])
    assert list(r["sizes"][0]["indexes"]) == ["flat", "hnsw"]

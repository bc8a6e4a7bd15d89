"""The Qdrant store in qdrant-client's local mode: BM25 as sparse vectors scores as bm25s does,
dense search is exact and filters by report, versions are collections that go with their
versions, and every failure says what to do."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from index import layout, qdrant
from index.builder import reindex
from index.embedders import FakeEmbedder
from index.lexical import LexicalIndex, tokenize
from index.passages import retrieval_text, vector_documents
from index.search import SearchConfig, Searcher, Snapshot
from index.sparse import SparseEncoder
from ingest.models import Chunk, Document
from tests.conftest import BOTH_STORES
from vraagbaak.errors import IndexStoreError
from vraagbaak.settings import Settings, get_settings

GOLD = Path(__file__).resolve().parents[2] / "eval" / "gold" / "gold.jsonl"


def unit_rows(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    x = rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def fake_chunks(documents: list[str]) -> list[Chunk]:
    """One tiny passage per entry, of that report."""
    return [
        Chunk(f"c{i}", doc, f"passage {i}", "", 1, 1, False, 0, 1, "nl")
        for i, doc in enumerate(documents)
    ]


def local(tmp_path: Path) -> qdrant.Qdrant:
    return qdrant.Qdrant(None, None, tmp_path / "qdrant")


def collections(settings: Settings) -> list[str]:
    folder = settings.index_dir / "qdrant"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def served_collection(settings: Settings) -> str:
    version = layout.current_dir(settings.index_dir)
    assert version is not None
    return str(json.loads((version / qdrant.REF).read_text())["collection"])


def use_store(monkeypatch: pytest.MonkeyPatch, store: str) -> Settings:
    monkeypatch.setenv("VRAAGBAAK_STORE", store)
    get_settings.cache_clear()
    return get_settings()


@pytest.fixture(scope="module")
def grevio_chunks(grevio_doc: Document) -> list[Chunk]:
    return grevio_doc.chunks


def test_sparse_bm25_scores_are_bm25s_scores(grevio_chunks: list[Chunk], tmp_path: Path) -> None:
    """The same passages and questions: Qdrant's IDF times our saturated term frequencies is
    bm25s's BM25, score for score, and the top 50 are the same passages."""
    texts = [retrieval_text(c) for c in grevio_chunks]
    owners = np.arange(len(texts))
    vectors = unit_rows(np.random.default_rng(0), len(texts), 8)
    docs = vector_documents(grevio_chunks)
    bm25 = LexicalIndex.build(texts, docs)
    _, sparse = qdrant.build(local(tmp_path), "grevio", vectors, owners, grevio_chunks, texts)
    questions = [json.loads(line)["question"] for line in GOLD.read_text().splitlines()][:40]
    questions += ["meldcode meldcode huiselijk geweld", "xqzv", "", "de het een"]
    compared = 0
    for q in questions:
        want, got = bm25.top(q, 50), sparse.top(q, 50)
        assert list(got) == list(want) or sorted(got) == sorted(want), q
        for i, score in want.items():
            assert got[i] == pytest.approx(score, rel=1e-5), (q, i)
        compared += len(want)
    assert compared > 1000
    np.testing.assert_allclose(sparse.scores("opvang"), bm25.scores("opvang"), rtol=1e-5)


def test_sparse_encoder_weights_by_hand(tmp_path: Path) -> None:
    enc = SparseEncoder.fit([["a", "a", "b"], ["c"]])  # avgdl 2
    ids, weights = enc.document(["a", "a", "b"])
    norm = 1.2 * (1 - 0.75 + 0.75 * 3 / 2)
    assert ids == [0, 1]
    assert weights == pytest.approx([2 / (2 + norm), 1 / (1 + norm)])
    assert enc.query(["b", "x", "b", "a"]) == ([0, 1], [1.0, 2.0])
    enc.save(tmp_path / "lexical.json")
    assert SparseEncoder.load(tmp_path / "lexical.json") == enc


def test_dense_search_is_exact_filters_by_report_and_gives_vectors_back(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    n, windows = 30, 50
    vectors = unit_rows(rng, n + windows, 16)
    owners = np.concatenate([np.arange(n), rng.integers(0, n, windows)])
    chunks = fake_chunks(["een"] * 20 + ["twee"] * (n - 20))
    store, _ = qdrant.build(local(tmp_path), "dense", vectors, owners, chunks, [""] * n)
    query = unit_rows(rng, 1, 16)
    exact = (vectors @ query[0]).astype(np.float32)
    scores, ids = store.search(query, 10)
    np.testing.assert_array_equal(ids[0], np.argsort(-exact, kind="stable")[:10])
    np.testing.assert_allclose(scores[0], np.sort(exact)[::-1][:10], rtol=1e-5)
    # a report's vectors only: its passages and their windows
    twee = np.flatnonzero(vector_documents(chunks, owners) == "twee")
    scores, ids = store.search(query, len(twee), document_id="twee")
    assert sorted(ids[0].tolist()) == sorted(twee.tolist())
    _, padded = store.search(query, 200, document_id="twee")  # k above the size is clamped
    assert (padded[0] >= 0).sum() == len(twee)
    np.testing.assert_allclose(store.vectors(np.array([3, 40, 0])), vectors[[3, 40, 0]])
    assert store.vectors(np.array([], dtype=np.int64)).shape == (0, 16)


def test_a_version_served_from_qdrant_ranks_as_faiss(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same corpus indexed in both stores: the same passages, in the same order, with the
    same scores, with and without a document filter."""
    results = {}
    for store in ("faiss", "qdrant"):
        s = use_store(monkeypatch, store)
        assert reindex(s, FakeEmbedder()).changed
        snapshot = Snapshot.load(s.index_dir, FakeEmbedder(), s)
        assert snapshot.store.kind == ("qdrant" if store == "qdrant" else "flat")
        searcher = Searcher(snapshot, FakeEmbedder(), SearchConfig())
        doc = snapshot.manifest.documents[0].document_id
        results[store] = [
            [(h.chunk.id, round(h.score, 5), round(h.dense, 5), round(h.lexical, 4)) for h in hits]
            for hits in (
                searcher.search("Hoeveel Centra Seksueel Geweld zijn er?"),
                searcher.search("opvang slachtoffers mensenhandel", top_k=10),
                searcher.search("meldcode", document_id=doc),
            )
        ]
    assert results["qdrant"] == results["faiss"]


def test_switching_store_builds_a_version_from_the_cache_and_drops_old_collections(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reindex(settings, FakeEmbedder())  # faiss
    s = use_store(monkeypatch, "qdrant")
    emb = FakeEmbedder()
    report = reindex(s, emb)
    assert report.changed and emb.passages_embedded == 0  # every vector from the cache
    assert collections(s) == [served_collection(s)]
    assert reindex(s, FakeEmbedder()).changed is False  # unchanged in Qdrant: a no-op
    s = use_store(monkeypatch, "faiss")
    assert reindex(s, FakeEmbedder()).changed
    for _ in range(layout.KEEP_VERSIONS):
        reindex(s, FakeEmbedder(), force=True)
    assert collections(s) == []  # its version was pruned, and its collection with it
    assert len(list(layout.versions_dir(s.index_dir).iterdir())) == layout.KEEP_VERSIONS + 1


def test_pruned_versions_drop_their_collections(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = use_store(monkeypatch, "qdrant")
    for _ in range(layout.KEEP_VERSIONS + 2):
        reindex(s, FakeEmbedder(), force=True)
    reindex(s, FakeEmbedder(), force=True)  # prunes before it builds
    versions = sorted(p for p in layout.versions_dir(s.index_dir).iterdir())
    kept = sorted(json.loads((v / qdrant.REF).read_text())["collection"] for v in versions)
    assert len(versions) == layout.KEEP_VERSIONS + 1, [v.name for v in versions]
    assert collections(s) == kept


def test_a_killed_builds_collection_is_dropped_by_the_next_reindex(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = use_store(monkeypatch, "qdrant")
    reindex(s, FakeEmbedder())
    served = served_collection(s)
    # what a build killed while it filled its collection leaves: a named, half-full one
    tmp = layout.versions_dir(s.index_dir) / ".tmp-20000101T000000-dead-1"
    tmp.mkdir()
    where = qdrant.Qdrant.from_settings(s)
    name = qdrant.reserve(where, tmp, s.qdrant_prefix, "20000101T000000-dead")
    vectors = unit_rows(np.random.default_rng(1), 3, FakeEmbedder().dim)
    store, _ = qdrant.build(where, name, vectors, np.arange(3), fake_chunks(["x"] * 3), [""] * 3)
    store.close()
    assert sorted(collections(s)) == sorted([served, name])
    reindex(s, FakeEmbedder())  # nothing changed, but the reindex prunes first
    assert collections(s) == [served]
    assert not tmp.exists()


def test_a_missing_or_incomplete_collection_says_to_rebuild(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = use_store(monkeypatch, "qdrant")
    reindex(s, FakeEmbedder())
    version = layout.current_dir(s.index_dir)
    assert version is not None
    manifest = json.loads((version / layout.MANIFEST).read_text())
    manifest["vectors"] += 1
    (version / layout.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(IndexStoreError, match=r"holds \d+ points.*ingest --force"):
        Snapshot.load(s.index_dir, FakeEmbedder())
    qdrant.Qdrant.from_settings(s).drop(served_collection(s))
    with pytest.raises(IndexStoreError, match=r"is missing from local mode.*ingest --force"):
        Snapshot.load(s.index_dir, FakeEmbedder())


def test_a_local_collection_open_in_another_process_says_to_use_a_server(
    tmp_path: Path,
) -> None:
    where = local(tmp_path)
    vectors = unit_rows(np.random.default_rng(2), 2, 4)
    qdrant.build(where, "busy", vectors, np.arange(2), fake_chunks(["x"] * 2), ["a", "b"])[
        0
    ].close()
    holder = textwrap.dedent(
        f"""
        import sys, time
        from qdrant_client import QdrantClient
        client = QdrantClient(path={str(where.local_dir / "busy")!r})
        print("open", flush=True)
        time.sleep(30)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", holder], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "open"
        with pytest.raises(IndexStoreError, match=r"open in another process.*QDRANT_URL"):
            where.open("busy")
    finally:
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + 10
    while True:  # the lock went with the process
        try:
            where.open("busy").close()
            break
        except IndexStoreError:
            assert time.monotonic() < deadline
            time.sleep(0.1)


@pytest.mark.filterwarnings("ignore:Api key is used with an insecure connection")
@pytest.mark.filterwarnings("ignore:Failed to obtain server version")
def test_an_unreachable_server_is_a_clear_error_without_the_key() -> None:
    where = qdrant.Qdrant("http://127.0.0.1:9", "geheim-123", Path("/nonexistent"))
    with pytest.raises(IndexStoreError) as info:
        where.open("vraagbaak-v1")
    for thread in threading.enumerate():  # the client checks the server's version aside
        if getattr(getattr(thread, "_target", None), "__name__", "") == "_check_compatibility":
            thread.join(timeout=10)
    message = str(info.value)
    assert "http://127.0.0.1:9" in message and "VRAAGBAAK_QDRANT_URL" in message
    assert "geheim-123" not in message


@pytest.mark.filterwarnings("ignore:Api key is used with an insecure connection")
def test_store_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VRAAGBAAK_STORE", "qdrant")
    monkeypatch.setenv("VRAAGBAAK_QDRANT_URL", "http://qdrant:6333")
    monkeypatch.setenv("VRAAGBAAK_QDRANT_API_KEY", "geheim")
    s = Settings()
    assert s.store == "qdrant" and s.qdrant_url == "http://qdrant:6333"
    assert "geheim" not in repr(s)
    assert s.qdrant_local_dir == s.index_dir / "qdrant"
    where = qdrant.Qdrant.from_settings(s)
    assert where.where == "http://qdrant:6333" and where.exact(10) is True
    assert qdrant.Qdrant(None, None, Path("/x")).exact(10) is None  # local mode: always exact
    monkeypatch.setenv("VRAAGBAAK_STORE", "elastic")
    with pytest.raises(ValidationError, match="faiss"):
        Settings()


def test_the_tests_run_on_both_stores_exist() -> None:
    """BOTH_STORES names tests by name: a renamed one would silently run on FAISS only."""
    for path, names in BOTH_STORES.items():
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        missing = [n for n in names if not callable(getattr(module, n, None))]
        assert not missing, f"{path} has no {missing}"


def test_tokenize_is_the_analyzer_of_both_stores() -> None:
    """The sparse vectors use the lexical module's analyzer, not Qdrant's."""
    assert qdrant.tokenize is tokenize


def test_equal_scores_go_to_the_lower_id_in_both_stores(tmp_path: Path) -> None:
    """Ten copies of one vector: the cut at k keeps the lowest ids, whichever store."""
    from index.store import FaissStore

    rng = np.random.default_rng(3)
    vectors = np.vstack([np.repeat(unit_rows(rng, 1, 8), 10, axis=0), unit_rows(rng, 5, 8)])
    chunks = fake_chunks(["een"] * len(vectors))
    store, _ = qdrant.build(
        local(tmp_path), "ties", vectors, np.arange(len(vectors)), chunks, [""] * len(vectors)
    )
    faiss = FaissStore.build(vectors, ann_threshold=1000)
    for s in (store, faiss):
        _, ids = s.search(vectors[:1], 4)
        assert ids[0].tolist() == [0, 1, 2, 3], s.kind

"""Vectors shipped beside the corpus (index.seed): a fresh data folder embeds nothing the
seed holds; a broken seed is ignored; the project's own seed is the corpus as read today."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from index.builder import reindex
from index.cache import EmbeddingCache, text_key
from index.embedders import FakeEmbedder, make_embedder
from index.seed import import_seed, seed_path, seed_texts, write_seed
from ingest.pipeline import ingest_with_settings, iter_report_files
from vraagbaak.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _seeded(built_index: Settings) -> int:
    """Write the seed of the small corpus's index into its corpus folder."""
    from index.search import Snapshot

    embedder = FakeEmbedder()
    chunks = list(Snapshot.load(built_index.index_dir, embedder).chunks)
    cache = EmbeddingCache(built_index.index_dir / "embeddings.sqlite")
    try:
        return write_seed(
            cache, embedder.name, seed_texts(chunks, []), seed_path(built_index.corpus_dir)
        )
    finally:
        cache.close()


def test_a_fresh_data_folder_embeds_nothing_the_seed_holds(
    built_index: Settings, tmp_path: Path
) -> None:
    assert _seeded(built_index) > 0
    fresh = built_index.model_copy(update={"data_dir": tmp_path / "fresh"})
    report = reindex(fresh, FakeEmbedder())
    assert report.changed and report.chunks > 0 and report.embedded == 0


def test_without_a_seed_the_texts_are_embedded(built_index: Settings, tmp_path: Path) -> None:
    fresh = built_index.model_copy(update={"data_dir": tmp_path / "fresh"})
    assert reindex(fresh, FakeEmbedder()).embedded > 0


def test_a_broken_seed_is_ignored_with_a_warning(
    built_index: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    seed_path(built_index.corpus_dir).write_bytes(b"not an npz file")
    fresh = built_index.model_copy(update={"data_dir": tmp_path / "fresh"})
    with caplog.at_level(logging.WARNING, logger="index.seed"):
        report = reindex(fresh, FakeEmbedder())
    assert report.embedded > 0 and "seed vectors unreadable" in caplog.text


def test_cached_vectors_win_over_the_seed(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    mine = np.ones(4, np.float32)
    cache.put_many({"k": mine})
    path = tmp_path / "seed.npz"
    np.savez_compressed(path, keys=np.asarray(["k", "j"]), vectors=np.zeros((2, 4), np.float32))
    assert import_seed(cache, path) == 2
    got = cache.get_many(["k", "j"])
    cache.close()
    assert np.array_equal(got["k"], mine) and not got["j"].any()


def test_a_seed_needs_every_text_embedded(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    with pytest.raises(ValueError, match="1 of 1 texts are not embedded"):
        write_seed(cache, "fake", ["tekst"], tmp_path / "seed.npz")
    cache.close()


@pytest.mark.model
def test_the_shipped_seed_is_the_corpus_as_read_today(tmp_path: Path) -> None:
    """Fails when the corpus or how it is read changed without `make seed`."""
    settings = Settings(corpus_dir=ROOT / "corpus", data_dir=tmp_path)
    path = seed_path(settings.corpus_dir)
    assert path.is_file(), "no seed: run `make seed` and commit corpus/.vectors.npz"
    e5 = make_embedder("e5")
    chunks = [
        c
        for p in iter_report_files(settings.corpus_dir)
        for c in ingest_with_settings(p, settings).chunks
    ]
    texts = seed_texts(chunks, [])
    with np.load(path) as data:
        keys = data["keys"].tolist()
        vectors = dict(zip(keys, data["vectors"], strict=True))
    wanted = [text_key(e5.name, t) for t in texts]
    stale = [k for k in wanted if k not in vectors]
    assert not stale, f"{len(stale)} texts not in the seed: run `make seed` and commit it"
    sample = texts[:: max(1, len(texts) // 4)][:4]
    fresh = e5.embed_passages(sample)
    for text, vec in zip(sample, fresh, strict=True):
        assert float(vec @ vectors[text_key(e5.name, text)]) > 0.999

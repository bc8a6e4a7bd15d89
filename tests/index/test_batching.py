"""Concurrent questions share embedding batches and each gets its own vectors back."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from index.batching import BatchingEmbedder
from index.embedders import FakeEmbedder


class SlowFake(FakeEmbedder):
    """A fake whose query embedding takes a while, so that requests pile up."""

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        import time

        time.sleep(0.02)
        return super().embed_queries(texts)


def test_concurrent_calls_are_batched_and_answered_in_order() -> None:
    inner = SlowFake()
    batcher = BatchingEmbedder(inner, max_batch=8)
    questions = [f"vraag nummer {i} over opvang" for i in range(40)]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda q: batcher.embed_queries([q]), questions))
    expected = FakeEmbedder().embed_queries(questions)
    assert np.allclose(np.vstack(results), expected)
    assert batcher.batches < len(questions)  # some calls shared a batch
    assert inner.calls == batcher.batches


def test_errors_reach_every_waiting_caller() -> None:
    class Broken(FakeEmbedder):
        def embed_queries(self, texts: list[str]) -> np.ndarray:
            raise RuntimeError("engine failed")

    batcher = BatchingEmbedder(Broken())
    with pytest.raises(RuntimeError, match="engine failed"):
        batcher.embed_queries(["vraag"])
    with pytest.raises(RuntimeError, match="engine failed"):
        batcher.embed_queries(["nog een vraag"])


def test_passages_go_straight_through() -> None:
    inner = FakeEmbedder()
    batcher = BatchingEmbedder(inner)
    assert batcher.embed_passages(["a", "b"]).shape == (2, inner.dim)
    assert inner.passages_embedded == 2
    assert (batcher.name, batcher.dim) == (inner.name, inner.dim)


class HeldPassages(FakeEmbedder):
    """A fake whose passage embedding waits for the test: a reindex's passage in progress."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.entered.set()
        assert self.release.wait(20), "the test never released the passage"
        return super().embed_passages(texts)


def test_a_question_is_answered_while_a_passage_is_being_embedded() -> None:
    inner = HeldPassages()
    batcher = BatchingEmbedder(inner)
    with ThreadPoolExecutor(2) as pool:
        reindexing = pool.submit(batcher.embed_passages, ["een lange passage"])
        assert inner.entered.wait(20)  # the passage is inside the embedder now
        asked = pool.submit(batcher.embed_queries, ["waar is de opvang?"])
        # the question does not wait for the passage: answered while it is still held
        assert asked.result(timeout=20).shape == (1, inner.dim)
        assert not reindexing.done()
        inner.release.set()
        assert reindexing.result(timeout=20).shape == (1, inner.dim)

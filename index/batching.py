"""Gathering concurrent questions into one embedding batch.

While one batch is being embedded, questions that arrive queue up; the next batch takes up
to ``max_batch`` of them, and the embedder spreads a batch over every core. Two per batch
(one per core here) gave the best throughput and tail latency at concurrency 8 in
``vraagbaak bench``; a lone question is embedded at once, so latency at low load is unchanged.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future

import numpy as np

from index.embedders import Embedder


class BatchingEmbedder:
    """An Embedder whose ``embed_queries`` calls from many threads share batches.

    >>> from index.embedders import FakeEmbedder
    >>> BatchingEmbedder(FakeEmbedder()).embed_queries(["vraag"]).shape
    (1, 256)
    """

    def __init__(self, inner: Embedder, max_batch: int = 2) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.max_batch = max_batch
        self.batches = 0
        self._queue: queue.SimpleQueue[tuple[list[str], Future[np.ndarray]]] = queue.SimpleQueue()
        self._worker = threading.Thread(target=self._run, name="embed-batcher", daemon=True)
        self._worker.start()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        future: Future[np.ndarray] = Future()
        self._queue.put((list(texts), future))
        return future.result()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_passages(texts)

    def _run(self) -> None:
        while True:
            jobs = [self._queue.get()]
            size = len(jobs[0][0])
            while size < self.max_batch:
                try:
                    job = self._queue.get_nowait()
                except queue.Empty:
                    break
                jobs.append(job)
                size += len(job[0])
            texts = [t for job_texts, _ in jobs for t in job_texts]
            try:
                vectors = self.inner.embed_queries(texts) if texts else None
            except Exception as exc:  # every waiting caller gets the error
                for _, future in jobs:
                    future.set_exception(exc)
                continue
            self.batches += 1
            pos = 0
            for job_texts, future in jobs:
                n = len(job_texts)
                out = vectors[pos : pos + n] if vectors is not None else np.zeros((0, self.dim))
                future.set_result(out)
                pos += n

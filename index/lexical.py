"""Dutch BM25 (bm25s) with Snowball stemming (PyStemmer) and Dutch + English stopwords."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

_TOKEN = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_DUTCH, STOPWORDS_EN

    return frozenset(STOPWORDS_DUTCH) | frozenset(STOPWORDS_EN)


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("dutch")


def _bm25s():  # type: ignore[no-untyped-def]
    """bm25s, imported on first use; it sets its own logger to DEBUG on import, so quiet it."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def tokenize(text: str) -> list[str]:
    """Lower-cased, stopword-free, stemmed tokens; numbers are kept as they are."""
    stop = _stopwords()
    words = [w for w in _TOKEN.findall(text.lower()) if w not in stop]
    return list(_stemmer().stemWords(words))


class LexicalIndex:
    """BM25 over the passages; scores for every passage, for fusion.

    >>> idx = LexicalIndex.build(["Veilig Thuis meldingen", "vrouwenopvang"])
    >>> int(idx.scores("meldingen").argmax())
    0
    """

    def __init__(self, retriever: Any, size: int) -> None:
        self._bm25 = retriever
        self._size = size
        self._vocab: dict[str, int] = getattr(retriever, "vocab_dict", {}) or {}

    @classmethod
    def build(cls, texts: list[str]) -> LexicalIndex:
        bm25s = _bm25s()
        if not texts:  # an index with no reports left is empty, not an error
            return cls(None, 0)
        tokens = [tokenize(t) or ["_"] for t in texts]
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        retriever.index(tokens, show_progress=False)
        return cls(retriever, len(texts))

    @classmethod
    def load(cls, path: Path, size: int) -> LexicalIndex:
        bm25s = _bm25s()
        if size == 0:
            return cls(None, 0)
        retriever = bm25s.BM25.load(str(path), mmap=True, show_progress=False)
        return cls(retriever, size)

    def save(self, path: Path) -> None:
        if self._bm25 is None:
            path.mkdir(parents=True, exist_ok=True)
            return
        self._bm25.save(str(path), show_progress=False)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage for the query (zeros when no term is known)."""
        terms = [t for t in tokenize(query) if t in self._vocab]
        if not terms or not self._size:
            return np.zeros(self._size, np.float32)
        return np.asarray(self._bm25.get_scores(terms), dtype=np.float32)

    def known(self, term: str) -> bool:
        return term in self._vocab

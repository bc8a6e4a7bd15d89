"""Dutch BM25 (bm25s) with Snowball stemming (PyStemmer) and Dutch + English stopwords."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from index.sparse import K1, B

_TOKEN = re.compile(r"\w+", re.UNICODE)
# words that turn a question or a sentence around: never dropped as stopwords
NEGATIONS = frozenset(["niet", "geen", "niets", "nooit", "zonder", "not", "no", "never"])


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_DUTCH, STOPWORDS_EN

    return (frozenset(STOPWORDS_DUTCH) | frozenset(STOPWORDS_EN)) - NEGATIONS


def _is_acronym(word: str, shouting: bool) -> bool:
    """``OM``, ``IT``, ``US``: a capitalised abbreviation, unless the whole text is in capitals
    (a heading set in capitals has no acronyms to tell apart)."""
    return not shouting and len(word) >= 2 and word.isupper()


def _shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) > 0.6 * len(letters)


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
    """Lower-cased, stopword-free, stemmed tokens; numbers are kept as they are.

    A stopword is recognised before lower-casing, so an acronym that is spelt like one
    (``OM``, the Openbaar Ministerie; ``IT``; ``US``) is kept; negations are never dropped.

    >>> tokenize("Wat doet het OM niet?")
    ['doet', 'om', 'niet']
    """
    stop = _stopwords()
    shouting = _shouting(text)
    words = [
        w.lower() for w in _TOKEN.findall(text) if w.lower() not in stop or _is_acronym(w, shouting)
    ]
    return list(_stemmer().stemWords(words))


EMPTY = "_"  # the one token of a passage with no terms (bm25s needs one)


def passage_tokens(text: str) -> list[str]:
    """A passage's terms as the lexical index counts them."""
    return tokenize(text) or [EMPTY]


class Lexical(Protocol):
    """BM25 over the passages (ids are passage positions)."""

    def scores(self, query: str) -> np.ndarray:
        """The score of every passage (zeros when no term is known)."""
        ...

    def top(self, query: str, k: int, document_id: str | None = None) -> dict[int, float]:
        """The ``k`` best passages with a positive score (of that report only, with
        ``document_id``); of equal scores the earlier passage."""
        ...

    def known(self, term: str) -> bool: ...


class LexicalIndex:
    """BM25 over the passages (bm25s); scores for every passage, for fusion.

    >>> idx = LexicalIndex.build(["Veilig Thuis meldingen", "vrouwenopvang"])
    >>> int(idx.scores("meldingen").argmax())
    0
    """

    def __init__(self, retriever: Any, size: int, documents: np.ndarray | None = None) -> None:
        self._bm25 = retriever
        self._size = size
        self._vocab: dict[str, int] = getattr(retriever, "vocab_dict", {}) or {}
        self.documents = documents  # the report of each passage, for document filters

    @classmethod
    def build(cls, texts: list[str], documents: np.ndarray | None = None) -> LexicalIndex:
        bm25s = _bm25s()
        if not texts:  # an index with no reports left is empty, not an error
            return cls(None, 0, documents)
        tokens = [passage_tokens(t) for t in texts]
        retriever = bm25s.BM25(k1=K1, b=B)
        retriever.index(tokens, show_progress=False)
        return cls(retriever, len(texts), documents)

    @classmethod
    def load(cls, path: Path, size: int, documents: np.ndarray | None = None) -> LexicalIndex:
        bm25s = _bm25s()
        if size == 0:
            return cls(None, 0, documents)
        retriever = bm25s.BM25.load(str(path), mmap=True, show_progress=False)
        return cls(retriever, size, documents)

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

    def top(self, query: str, k: int, document_id: str | None = None) -> dict[int, float]:
        scores = self.scores(query)
        if document_id is not None:
            if self.documents is None:
                raise ValueError("this index was built without the report of each passage")
            scores = np.where(self.documents == document_id, scores, np.float32(0))
        best = np.argsort(-scores, kind="stable")[:k]
        return {int(i): float(scores[i]) for i in best if scores[i] > 0}

    def known(self, term: str) -> bool:
        return term in self._vocab

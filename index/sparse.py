"""BM25 as sparse vectors: Vraagbaak's Dutch analyzer and term-frequency saturation on our
side, the IDF on the engine's (Qdrant's ``Modifier.IDF``).

A passage's weight for a term is BM25's saturated term frequency,
``tf / (tf + k1 * (1 - b + b * dl / avgdl))``, with k1 and b as :class:`index.lexical.
LexicalIndex` gives bm25s. A query's weight is how often the term occurs in it (bm25s sums a
repeated term twice). The engine multiplies each query term by
``ln(1 + (N - df + 0.5) / (df + 0.5))`` over the points that have the sparse vector, bm25s's
(Lucene's) IDF, so the dot product is the BM25 score bm25s computes, whoever runs it.

>>> enc = SparseEncoder.fit([["meld", "meld", "thuis"], ["opvang"]])
>>> enc.query(["meld", "onbekend", "meld"])
([0], [2.0])
>>> [round(v, 3) for v in enc.document(["meld", "meld", "thuis"])[1]]
[0.548, 0.377]
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

K1 = 1.2
B = 0.75


@dataclass(frozen=True)
class SparseEncoder:
    """Term ids (the vocabulary of one index version) and the length normalisation."""

    vocab: dict[str, int]
    avgdl: float
    k1: float = K1
    b: float = B

    @classmethod
    def fit(cls, passages: list[list[str]], k1: float = K1, b: float = B) -> SparseEncoder:
        """The vocabulary (term ids in sorted order) and mean length of these passages."""
        terms = sorted({t for tokens in passages for t in tokens})
        avgdl = sum(map(len, passages)) / len(passages) if passages else 1.0
        return cls({t: i for i, t in enumerate(terms)}, avgdl or 1.0, k1, b)

    def document(self, tokens: list[str]) -> tuple[list[int], list[float]]:
        """A passage's term ids (ascending) and saturated term frequencies."""
        norm = self.k1 * (1 - self.b + self.b * len(tokens) / self.avgdl)
        counts = Counter(self.vocab[t] for t in tokens if t in self.vocab)
        ids = sorted(counts)
        return ids, [counts[i] / (counts[i] + norm) for i in ids]

    def query(self, tokens: list[str]) -> tuple[list[int], list[float]]:
        """A query's known term ids (ascending) and how often each occurs in it."""
        counts = Counter(self.vocab[t] for t in tokens if t in self.vocab)
        ids = sorted(counts)
        return ids, [float(counts[i]) for i in ids]

    def known(self, term: str) -> bool:
        return term in self.vocab

    def save(self, path: Path) -> None:
        terms = sorted(self.vocab, key=self.vocab.__getitem__)
        data = {"k1": self.k1, "b": self.b, "avgdl": self.avgdl, "terms": terms}
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> SparseEncoder:
        data = json.loads(path.read_text(encoding="utf-8"))
        vocab = {t: i for i, t in enumerate(data["terms"])}
        return cls(vocab, float(data["avgdl"]), float(data["k1"]), float(data["b"]))

"""How common each (stemmed) term is among the indexed passages."""

from __future__ import annotations

import math
from collections import Counter

from index.lexical import tokenize

PREFIX = 5  # words sharing this many first letters count as forms of one another


class TermWeights:
    """Document frequencies of stemmed terms over the indexed passages.

    >>> w = TermWeights(["Centra Seksueel Geweld", "Veilig Thuis"])
    >>> w.known("centrum"), w.known("belgie")
    (True, False)
    """

    def __init__(self, passages: list[str]) -> None:
        df: Counter[str] = Counter()
        for text in passages:
            df.update(set(tokenize(text)))
        self._n = max(1, len(passages))
        self._df = df
        self._prefixes = {t[:PREFIX] for t in df}

    def idf(self, term: str) -> float:
        df = self._df.get(term, 0)
        return math.log(1 + (self._n - df + 0.5) / (df + 0.5))

    def count(self, term: str) -> int:
        """How many passages use the term."""
        return self._df.get(term, 0)

    def share(self, term: str) -> float:
        """The share of the passages that use the term."""
        return self._df.get(term, 0) / self._n

    def known(self, term: str) -> bool:
        """Whether some passage uses the term, or a word starting the same way."""
        return term in self._df or term[:PREFIX] in self._prefixes

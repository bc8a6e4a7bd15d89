"""How common each (stemmed) term is among the indexed passages."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from index.lexical import tokenize
from ingest.models import Chunk
from qa.answertype import AnswerType, holds

_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
STEM = 5  # the least two forms of one word share at their start ...
ENDING = 2  # ... after which each has at most this many letters of its own


def same_word(a: str, b: str) -> bool:
    """Whether two stemmed terms are forms of one word: equal, or differing only in a short
    ending (``centra`` / ``centrum``), never one word inside a longer one (``kinder`` is not
    ``kindertelefoon``).

    >>> same_word("centra", "centrum"), same_word("kinder", "kindertelefoon")
    (True, False)
    """
    if a == b:
        return True
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n >= STEM and len(a) - n <= ENDING and len(b) - n <= ENDING


class Forms:
    """A set of stemmed terms that answers "is a form of this word among them?" quickly.

    >>> Forms(["kinder", "centra"]).has("centrum"), Forms(["kinder"]).has("kindertelefoon")
    (True, False)
    """

    def __init__(self, terms: Iterable[str]) -> None:
        self.terms = frozenset(terms)
        self._by_start: dict[str, list[str]] = {}
        for t in self.terms:
            self._by_start.setdefault(t[:STEM], []).append(t)

    def has(self, term: str) -> bool:
        if term in self.terms:
            return True
        return any(same_word(term, t) for t in self._by_start.get(term[:STEM], ()))


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
        self._forms = Forms(df)
        # every known term's weight, and an unknown term's, worked out once
        self._idf = {term: self._weight(n) for term, n in df.items()}
        self._unknown = self._weight(0)

    def _weight(self, df: int) -> float:
        return math.log(1 + (self._n - df + 0.5) / (df + 0.5))

    def idf(self, term: str) -> float:
        return self._idf.get(term, self._unknown)

    def count(self, term: str) -> int:
        """How many passages use the term."""
        return self._df.get(term, 0)

    def share(self, term: str) -> float:
        """The share of the passages that use the term."""
        return self._df.get(term, 0) / self._n

    def known(self, term: str) -> bool:
        """Whether some passage uses the term, or another form of it (see :func:`same_word`)."""
        return self._forms.has(term)


class PassageTerms:
    """Each passage's terms (with the sentences introducing its table), each of its
    sentences' terms, its sentence windows and its years: worked out once per index version,
    when it is loaded (:meth:`of`), never per question; a passage it was not made with is
    worked out the first time a question needs it."""

    def __init__(self) -> None:
        self._passages: dict[str, Forms] = {}
        self._sentences: dict[str, tuple[frozenset[str], ...]] = {}
        self._windows: dict[str, list[tuple[int, int]]] = {}
        self._years: dict[str, frozenset[str]] = {}
        self._holds: dict[tuple[str, AnswerType], tuple[tuple[bool, ...], tuple[bool, ...]]] = {}

    @classmethod
    def of(cls, chunks: Iterable[Chunk]) -> PassageTerms:
        """Everything the judge reads of these passages, worked out now."""
        known = cls()
        for chunk in chunks:
            known.passage(chunk)
            known.sentences(chunk)
            known.windows(chunk)
            known.years(chunk)
        return known

    def windows(self, chunk: Chunk) -> list[tuple[int, int]]:
        """The passage's sentence windows (see ``index.passages.window_spans``)."""
        found = self._windows.get(chunk.id)
        if found is None:
            from index.passages import window_spans

            found = self._windows[chunk.id] = window_spans(chunk)
        return found

    def years(self, chunk: Chunk) -> frozenset[str]:
        """The years the passage mentions."""
        found = self._years.get(chunk.id)
        if found is None:
            found = self._years[chunk.id] = frozenset(_YEAR.findall(chunk.text))
        return found

    def holds(
        self, chunk: Chunk, kind: AnswerType, spans: Sequence[tuple[int, int]]
    ) -> tuple[tuple[bool, ...], tuple[bool, ...]]:
        """Whether each of ``spans`` (the passage's candidate sentences, always the same for
        one passage) holds an answer of ``kind``, and whether each with the next one does:
        worked out once per passage and kind, the first time a question asks for it."""
        key = (chunk.id, kind)
        found = self._holds.get(key)
        if found is None:
            text = chunk.text
            single = tuple(holds(kind, text[s:e]) for s, e in spans)
            paired = tuple(
                holds(kind, text[s : spans[j + 1][1]]) for j, (s, _) in enumerate(spans[:-1])
            )
            found = self._holds[key] = (single, paired)
        return found

    def passage(self, chunk: Chunk) -> Forms:
        found = self._passages.get(chunk.id)
        if found is None:
            found = self._passages[chunk.id] = Forms(tokenize(f"{chunk.context} {chunk.text}"))
        return found

    def sentences(self, chunk: Chunk) -> tuple[frozenset[str], ...]:
        """The terms of each of ``chunk.sentences``."""
        found = self._sentences.get(chunk.id)
        if found is None:
            found = tuple(frozenset(tokenize(chunk.text[s:e])) for s, e in chunk.sentences)
            self._sentences[chunk.id] = found
        return found

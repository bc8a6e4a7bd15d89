"""The answering sentence inside the returned passages, and how sure we are of it."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from index.lexical import tokenize
from index.search import Hit
from ingest.sentences import sentence_spans
from ingest.structure import parse_heading

_NUMBER_QUESTION = re.compile(
    r"\b(hoeveel|hoe veel|wanneer|welk jaar|in welk|how many|how much|when|what year|aantal|"
    r"percentage|bedrag)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Answer:
    """A span of one passage: ``text == passage.text[start:end]``."""

    text: str
    passage_id: str
    start: int
    end: int
    coverage: float


class TermWeights:
    """Inverse document frequencies of stemmed terms over the indexed passages."""

    def __init__(self, passages: list[str]) -> None:
        df: Counter[str] = Counter()
        for text in passages:
            df.update(set(tokenize(text)))
        self._n = max(1, len(passages))
        self._df = df

    def idf(self, term: str) -> float:
        return math.log(1 + (self._n - self._df.get(term, 0) + 0.5) / (self._df.get(term, 0) + 0.5))


def best_sentence(
    question: str, hits: list[Hit], weights: TermWeights, depth: int = 3
) -> Answer | None:
    """The sentence of the top passages that covers most of the question's (weighted) terms."""
    terms = set(tokenize(question))
    if not hits:
        return None
    total = sum(weights.idf(t) for t in terms) or 1.0
    wants_number = bool(_NUMBER_QUESTION.search(question))
    best: tuple[float, Answer] | None = None
    for rank, hit in enumerate(hits[:depth]):
        text = hit.chunk.text
        for s, e in sentence_spans(text):
            sentence = text[s:e]
            if len(sentence) < 15 or parse_heading(sentence, None) is not None:
                continue
            found = terms & set(tokenize(sentence))
            coverage = sum(weights.idf(t) for t in found) / total
            score = coverage - 0.08 * rank
            if wants_number and re.search(r"\d", sentence):
                score += 0.15
            if best is None or score > best[0]:
                best = (score, Answer(sentence, hit.chunk.id, s, e, coverage))
    return best[1] if best else None


def confidence(
    hits: list[Hit], answer: Answer | None, dense_floor: float, dense_ceil: float
) -> float:
    """0..1 from the top passage's dense similarity and how much of the question it covers."""
    if not hits:
        return 0.0
    top = max(h.dense for h in hits[:3])
    dense = min(1.0, max(0.0, (top - dense_floor) / max(1e-6, dense_ceil - dense_floor)))
    coverage = answer.coverage if answer else 0.0
    return round(0.6 * dense + 0.4 * coverage, 4)

"""The answering sentence inside the returned passages, and how sure we are of it."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from index.lexical import tokenize
from index.passages import sentence_windows
from index.search import Hit, SearchStats
from ingest.sentences import sentence_spans
from ingest.structure import parse_heading

_NUMBER_QUESTION = re.compile(
    r"\b(hoeveel|hoe veel|wanneer|welk jaar|in welk|how many|how much|when|what year|aantal|"
    r"percentage|bedrag)\b",
    re.IGNORECASE,
)


Z_LOW, Z_HIGH = 2.0, 6.0  # dense z-scores mapped onto 0..1
WINDOW_BONUS = 0.2


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
        window = _window_span(hit)
        for s, e in sentence_spans(text):
            sentence = text[s:e]
            if len(sentence) < 15 or parse_heading(sentence, None) is not None:
                continue
            found = terms & set(tokenize(sentence))
            coverage = sum(weights.idf(t) for t in found) / total
            score = coverage - 0.08 * rank
            if window and window[0] <= s and e <= window[1]:
                score += WINDOW_BONUS  # the dense side matched the question here
            if wants_number and re.search(r"\d", sentence):
                score += 0.15
            if best is None or score > best[0]:
                best = (score, Answer(sentence, hit.chunk.id, s, e, coverage))
    return best[1] if best else None


def _window_span(hit: Hit) -> tuple[int, int] | None:
    """Where, in its passage, the sentence window that matched the question best lies."""
    if hit.window < 0:
        return None
    windows = sentence_windows(hit.chunk)
    if hit.window >= len(windows):
        return None
    start = hit.chunk.text.find(windows[hit.window])
    return (start, start + len(windows[hit.window])) if start >= 0 else None


def confidence(stats: SearchStats, answer: Answer | None) -> float:
    """0..1: how far the best passage stands out among the candidates (dense z-score, which
    needs no per-model constants), whether both retrievers agree on it, and how much of the
    question the answering sentence covers."""
    z = min(1.0, max(0.0, (stats.dense_z - Z_LOW) / (Z_HIGH - Z_LOW)))
    coverage = answer.coverage if answer else 0.0
    return round(0.6 * z + 0.25 * float(stats.agree) + 0.15 * coverage, 4)


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
UNSUPPORTED_FACTOR = 0.1
_NUMBER = re.compile(
    r"\d|\b(één|een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|dertien|veertien|"
    r"vijftien|zestien|twintig|honderd|duizend|miljoen|miljard|helft|derde|kwart)\b",
    re.IGNORECASE,
)
JUDGE_DEPTH = 5  # passages retrieved for judging, however few are shown


def missing_years(question: str, hits: list[Hit]) -> list[str]:
    """Years the question asks about that none of the returned passages mention."""
    years = sorted(set(_YEAR.findall(question)))
    text = " ".join(h.chunk.text for h in hits)
    return [y for y in years if y not in text]


def lacks_asked_number(question: str, answer: Answer | None) -> bool:
    """A question asking how many, how much or when, whose answer sentence has no number."""
    wants = bool(_NUMBER_QUESTION.search(question))
    return wants and not (answer and _NUMBER.search(answer.text))


def judge(
    question: str,
    hits: list[Hit],
    stats: SearchStats,
    weights: TermWeights,
    shown: int | None = None,
) -> tuple[Answer | None, float]:
    """The answering sentence (from the first ``shown`` hits) and the confidence in it.

    Two checks of the answer's type keep only a tenth of the confidence, below any threshold
    worth using: a year the question names that the answering passage does not mention (2019
    figures are not in a report on 2016–2017), and a question for a number or date whose
    answering sentence holds none."""
    answer = best_sentence(question, hits[:shown], weights)
    conf = confidence(stats, answer)
    source = [h for h in hits if answer and h.chunk.id == answer.passage_id]
    if missing_years(question, source or hits[:1]) or lacks_asked_number(question, answer):
        conf = round(conf * UNSUPPORTED_FACTOR, 4)
    return answer, conf

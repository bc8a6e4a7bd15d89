"""The one answering function: the service, the CLI and the evaluation all call :func:`answer`.

>>> ready = ReadyIndex.of(searcher)  # doctest: +SKIP
>>> question = "Hoeveel Centra Seksueel Geweld zijn er?"
>>> result = answer(ready, question, threshold=0.17)  # doctest: +SKIP
>>> result.answer.text  # doctest: +SKIP
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np

from index.passages import retrieval_text
from index.search import Hit, Searcher
from ingest.lang import detect_language
from qa.doubt import LOW_CONFIDENCE, Doubt
from qa.judge import JUDGE_DEPTH, Answer, judge, read_question
from qa.terms import PassageTerms, TermWeights
from vraagbaak.errors import QueryError


@dataclass(frozen=True)
class ReadyIndex:
    """One index version made ready for answering: its searcher and the term weights the judge
    reads, computed once when the version is loaded, never per question."""

    searcher: Searcher
    weights: TermWeights
    known: PassageTerms = field(default_factory=PassageTerms)

    @classmethod
    def of(cls, searcher: Searcher) -> ReadyIndex:
        chunks = searcher.snapshot.chunks
        return cls(searcher, TermWeights([retrieval_text(c) for c in chunks]))

    @property
    def version(self) -> str:
        return self.searcher.snapshot.name


@dataclass(frozen=True)
class AskResult:
    """Everything ``POST /ask`` returns, before serialisation."""

    question: str
    language: str
    answerable: bool
    confidence: float
    answer: Answer | None  # the answering sentence, when the reports answer
    hits: list[Hit]
    index_version: str
    took_ms: float
    doubt: Doubt | None = None  # why it counts as not answered
    cached: bool = False
    candidate: Answer | None = None  # the likeliest sentence, whatever the verdict

    def again(self, took_ms: float) -> AskResult:
        """The same result served once more (from a cache)."""
        return replace(self, took_ms=took_ms, cached=True)


def check_question(question: str, max_chars: int) -> str:
    """The question with its whitespace collapsed; an empty or too long one is refused."""
    q = " ".join(question.split())
    if not q:
        raise QueryError("the question is empty; type a question about the reports")
    if len(q) > max_chars:
        raise QueryError(f"the question has {len(q)} characters; the limit is {max_chars}")
    return q


def answer(
    ready: ReadyIndex,
    question: str,
    *,
    threshold: float,
    top_k: int = 5,
    document_id: str | None = None,
    query_vector: np.ndarray | None = None,
) -> AskResult:
    """Search, read the question, choose the answering sentence and decide whether the reports
    answer it (confidence at or above ``threshold``).

    The judge always sees at least ``JUDGE_DEPTH`` passages, however few are shown, so the
    verdict does not depend on ``top_k``. ``query_vector`` may be given when the caller has
    embedded the (expanded) question already."""
    t0 = time.perf_counter()
    language = detect_language(question, default="unknown")
    pool, stats = ready.searcher.search_with_stats(
        question,
        top_k=max(top_k, JUDGE_DEPTH),
        document_id=document_id,
        query_vector=query_vector,
        language=language,
    )
    hits = pool[:top_k]
    asked = read_question(question, ready.searcher, ready.weights, language, document_id)
    verdict = judge(asked, pool, stats, ready.weights, top_k, ready.known)
    answerable = bool(hits) and verdict.confidence >= threshold
    return AskResult(
        question=question,
        language=language,
        answerable=answerable,
        confidence=verdict.confidence,
        answer=verdict.answer if answerable else None,
        doubt=None if answerable else (verdict.doubt or LOW_CONFIDENCE),
        candidate=verdict.answer,
        hits=hits,
        index_version=ready.version,
        took_ms=(time.perf_counter() - t0) * 1000,
    )

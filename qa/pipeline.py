"""The one answering function: the service, the CLI and the evaluation all call :func:`answer`.

>>> ready = ReadyIndex.of(searcher)  # doctest: +SKIP
>>> question = "Hoeveel Centra Seksueel Geweld zijn er?"
>>> result = answer(ready, question)  # doctest: +SKIP
>>> result.answer.text  # doctest: +SKIP
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np

from index.passages import retrieval_text
from index.search import Hit, Searcher
from ingest.lang import question_language
from qa.doubt import LOW_CONFIDENCE, Doubt
from qa.judge import JUDGE_DEPTH, Answer, judge, read_question
from qa.model import JudgeModels
from qa.signals import SENTENCE_DEPTH, VectorMap
from qa.terms import PassageTerms, TermWeights
from vraagbaak.errors import QueryError

# the stages of answering a question, in their order; ``serialise`` is the caller's (the
# service times turning the result into its response)
STAGES = ("language", "embed", "dense", "lexical", "fusion", "judge", "serialise")


@dataclass(frozen=True)
class ReadyIndex:
    """One index version made ready for answering: its searcher and the term weights the judge
    reads, computed once when the version is loaded, never per question."""

    searcher: Searcher
    weights: TermWeights
    known: PassageTerms = field(default_factory=PassageTerms)
    vectors: VectorMap | None = None  # where each passage's window vectors lie

    @classmethod
    def of(cls, searcher: Searcher) -> ReadyIndex:
        chunks = searcher.snapshot.chunks
        weights = TermWeights([retrieval_text(c) for c in chunks])
        return cls(searcher, weights, PassageTerms.of(chunks), VectorMap(searcher.snapshot))

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
    # answered: the sentence is the answer; uncertain: the likeliest sentence, to be checked
    # against its passage; not_found: the reports do not answer (``doubt`` says why)
    status: str = "not_found"
    correct: float = 0.0  # the probability that the shown sentence holds the answer
    searched: str = ""  # what was searched, when not the question (a follow-up made standalone)
    # milliseconds per stage of STAGES (language ... judge) spent answering it; none when cached
    stages: dict[str, float] = field(default_factory=dict, compare=False)

    def again(self, took_ms: float) -> AskResult:
        """The same result served once more (from a cache): no stage was run for it."""
        return replace(self, took_ms=took_ms, cached=True, stages={})


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
    threshold: float | None = None,
    top_k: int = 5,
    document_id: str | None = None,
    query_vector: np.ndarray | None = None,
    models: JudgeModels | None = None,
) -> AskResult:
    """Search, read the question, choose the answering sentence and decide the outcome:
    ``answered``, ``uncertain`` or ``not_found`` (see ``qa.judge``). ``threshold``, when
    given, replaces the calibrated not-found threshold on the confidence.

    The judge always sees at least ``JUDGE_DEPTH`` passages, however few are shown, so the
    verdict does not depend on ``top_k``. ``query_vector`` may be given when the caller has
    embedded the (expanded) question already."""
    t0 = time.perf_counter()
    searcher = ready.searcher
    language = question_language(question)
    t_language = time.perf_counter()
    qv = query_vector
    if qv is None and searcher.config.mode != "lexical" and searcher.snapshot.chunks:
        if document_id:
            searcher.snapshot.check_document(document_id)
        qv = searcher.embed_query(question, document_id)
    t_embed = time.perf_counter()
    pool, stats = searcher.search_with_stats(
        question,
        top_k=max(top_k, JUDGE_DEPTH),
        document_id=document_id,
        query_vector=qv,
        language=language,
    )
    t_search = time.perf_counter()
    hits = pool[:top_k]
    asked = read_question(question, searcher, ready.weights, language, document_id)
    sims = None
    if qv is not None and ready.vectors is not None:
        sims = ready.vectors.similarities(qv, pool[: min(top_k, SENTENCE_DEPTH)])
    verdict = judge(asked, pool, stats, ready.weights, top_k, ready.known, sims, models)
    status = verdict.status if hits else "not_found"
    if threshold is not None and hits:
        if verdict.confidence < threshold:
            status = "not_found"
        elif status == "not_found":
            status = "uncertain"
    shown = status != "not_found"
    t_judge = time.perf_counter()
    stages = {
        "language": (t_language - t0) * 1000,
        "embed": (t_embed - t_language) * 1000 + stats.embed_ms,
        "dense": stats.dense_ms,
        "lexical": stats.lexical_ms,
        "fusion": stats.fusion_ms,  # with the search's own bookkeeping (expansion, the hits)
        "judge": (t_judge - t_search) * 1000,
    }
    return AskResult(
        question=question,
        language=language,
        answerable=shown,
        confidence=verdict.confidence,
        answer=verdict.answer if shown else None,
        doubt=None if status == "answered" else (verdict.doubt or LOW_CONFIDENCE),
        candidate=verdict.answer,
        hits=hits,
        index_version=ready.version,
        took_ms=(t_judge - t0) * 1000,
        status=status,
        correct=verdict.correct,
        stages=stages,
    )

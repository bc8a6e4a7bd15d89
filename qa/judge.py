"""The answering sentence inside the returned passages, how sure we are of it, and what
the answer is: answered, uncertain or not found."""

from __future__ import annotations

from dataclasses import dataclass

from index.search import Hit, Searcher, SearchStats
from qa.asked import Asked
from qa.doubt import LOW_CONFIDENCE, Doubt
from qa.model import JudgeModels, shipped_models
from qa.signals import can_answer, candidates, question_features
from qa.terms import PassageTerms, TermWeights

JUDGE_DEPTH = 5  # passages retrieved for judging, however few are shown


@dataclass(frozen=True)
class Answer:
    """A span of one passage: ``text == passage.text[start:end]``."""

    text: str
    passage_id: str
    start: int
    end: int
    coverage: float
    misfit: Doubt | None = None  # why it cannot be what was asked, when nothing better was found


def read_question(
    question: str,
    searcher: Searcher,
    weights: TermWeights,
    language: str,
    document_id: str | None = None,
) -> Asked:
    """The question as the judge reads it, with the abbreviations the reports (or the one
    report ``document_id``) define."""
    return Asked.read(
        question,
        weights,
        language,
        expanded=searcher.expand(question, document_id),
        abbreviations=searcher.abbreviations(document_id),
    )


@dataclass(frozen=True)
class Verdict:
    """The answering sentence, the calibrated confidence that its passage answers, the
    probability that the sentence itself holds the answer, the outcome, and the main reason
    to doubt it (shown when the outcome is not ``answered``)."""

    answer: Answer | None
    confidence: float
    doubt: Doubt | None = None
    status: str = "not_found"  # answered | uncertain | not_found
    correct: float = 0.0


def judge(
    asked: Asked,
    hits: list[Hit],
    stats: SearchStats,
    weights: TermWeights,
    shown: int | None = None,
    known: PassageTerms | None = None,
    sims: dict[str, list[float]] | None = None,
    models: JudgeModels | None = None,
) -> Verdict:
    """The answering sentence (from the first ``shown`` hits), chosen by the learned ranker
    over generic signals (``qa.signals``), and the calibrated probabilities that decide the
    outcome (``qa.model``). The reason given when it is not answered is the first that
    holds: a name no report uses, a year, value or name the passage lacks, else low
    confidence."""
    models = models or shipped_models()
    known = known or PassageTerms()
    cands = candidates(asked, hits[:shown], weights, known, sims=sims)
    if not cands:
        return Verdict(None, 0.0, LOW_CONFIDENCE)
    scores = [models.sentence.score(c.features) for c in cands]
    order = sorted(range(len(cands)), key=lambda i: -scores[i])
    best = cands[order[0]]
    runner = scores[order[1]] if len(order) > 1 else scores[order[0]] - 5.0
    # the question's signals always from the same depth, as when the models were fitted,
    # however many passages the caller retrieved
    features = question_features(asked, hits[:JUDGE_DEPTH], stats, best, scores[order[0]], runner)
    conf = models.confidence.probability(features)
    correct = models.correct.probability(features)
    status = models.status(conf, correct, can_answer(features))
    text = best.hit.chunk.text[best.start : best.end]
    misfit = asked.misfit(text, best.hit, known.passage(best.hit.chunk))
    answer = Answer(
        text, best.hit.chunk.id, best.start, best.end, best.features["coverage"], misfit
    )
    doubt = None
    if status != "answered":
        if asked.unknown:
            doubt = Doubt("unknown_name", asked.unknown[0])
        else:
            doubt = misfit or LOW_CONFIDENCE
    return Verdict(answer, round(conf, 4), doubt, status, round(correct, 4))

"""The answering sentence inside the returned passages, and how sure we are of it."""

from __future__ import annotations

from dataclasses import dataclass

from index.passages import window_spans
from index.search import Hit, Searcher, SearchStats
from qa.asked import Asked
from qa.doubt import Doubt
from qa.terms import PassageTerms, TermWeights

Z_LOW, Z_HIGH = 2.0, 6.0  # dense z-scores mapped onto 0..1
WINDOW_BONUS = 0.2  # the sentence lies where the dense side matched the question
RANK_COST = 0.08  # per rank of the passage the sentence is in
FIT_MARGIN = 0.4  # how much less a sentence that can answer may cover than the best one
PAIR_COST = 0.1  # a sentence with the next one, when the next holds what was asked
UNSUPPORTED_FACTOR = 0.1  # what is left of the confidence in an answer that cannot be it
JUDGE_DEPTH = 5  # passages retrieved for judging, however few are shown
OFF_TOPIC_MARGIN = 0.0  # a question no nearer to the reports than to the background texts


@dataclass(frozen=True)
class Answer:
    """A span of one passage: ``text == passage.text[start:end]``."""

    text: str
    passage_id: str
    start: int
    end: int
    coverage: float
    misfit: Doubt | None = None  # why it cannot be what was asked, when nothing better was found


def best_sentence(
    asked: Asked,
    hits: list[Hit],
    weights: TermWeights,
    depth: int = 3,
    known: PassageTerms | None = None,
) -> Answer | None:
    """The sentence of the top passages that covers most of the question's (weighted) terms.

    A sentence that can be what was asked (see :meth:`Asked.misfit`) is preferred over a
    better-covering one that cannot, unless it covers far less (``FIT_MARGIN``); a sentence
    may bring the next one along when that one holds the figure asked for. When nothing can
    be the answer, the best-covering sentence is returned with the reason in ``misfit``."""
    known = known or PassageTerms()
    total = sum(weights.idf(t) for t in asked.terms) or 1.0
    best: tuple[float, Answer] | None = None
    best_fit: tuple[float, Answer] | None = None
    for rank, hit in enumerate(hits[:depth]):
        text = hit.chunk.text
        window = _window_span(hit)
        terms = known.passage(hit.chunk) if asked.counted or asked.names else None
        heads = set(hit.chunk.heading_sentences)
        tokens = known.sentences(hit.chunk)
        kept = [i for i, (s, e) in enumerate(hit.chunk.sentences) if e - s >= 15 and i not in heads]
        spans = [hit.chunk.sentences[i] for i in kept]
        for i, (s, e) in enumerate(spans):
            found = asked.terms & tokens[kept[i]]
            coverage = sum(weights.idf(t) for t in found) / total
            score = coverage - RANK_COST * rank
            if window and window[0] <= s and e <= window[1]:
                score += WINDOW_BONUS
            candidates = [(score, e)]
            if i + 1 < len(spans):
                candidates.append((score - PAIR_COST, spans[i + 1][1]))
            for cand_score, end in candidates:
                misfit = asked.misfit(text[s:end], hit, terms)
                answer = Answer(text[s:end], hit.chunk.id, s, end, coverage, misfit)
                if end == e and (best is None or cand_score > best[0]):
                    best = (cand_score, answer)
                if misfit is None and (best_fit is None or cand_score > best_fit[0]):
                    best_fit = (cand_score, answer)
    if best_fit and best and best_fit[0] >= best[0] - FIT_MARGIN:
        return best_fit[1]
    return best[1] if best else None


def _window_span(hit: Hit) -> tuple[int, int] | None:
    """Where, in its passage, the sentence window that matched the question best lies."""
    if hit.window < 0:
        return None
    windows = window_spans(hit.chunk)
    return windows[hit.window] if hit.window < len(windows) else None


def confidence(stats: SearchStats, answer: Answer | None) -> float:
    """0..1: how far the best passage stands out among the candidates (dense z-score, which
    needs no per-model constants), whether both retrievers agree on it, and how much of the
    question the answering sentence covers."""
    z = min(1.0, max(0.0, (stats.dense_z - Z_LOW) / (Z_HIGH - Z_LOW)))
    coverage = answer.coverage if answer else 0.0
    return round(0.6 * z + 0.25 * float(stats.agree) + 0.15 * coverage, 4)


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
    """The answering sentence, the confidence in it, and the main reason to doubt it."""

    answer: Answer | None
    confidence: float
    doubt: Doubt | None = None


def judge(
    asked: Asked,
    hits: list[Hit],
    stats: SearchStats,
    weights: TermWeights,
    shown: int | None = None,
    known: PassageTerms | None = None,
) -> Verdict:
    """The answering sentence (from the first ``shown`` hits) and the confidence in it.

    A question nearer to a text on another subject than to any passage (see
    :mod:`index.background`), about a name no report uses, or whose answer cannot be what was
    asked (see :meth:`Asked.misfit`) keeps a tenth of the confidence: below any threshold
    worth using, while the order among such answers is kept."""
    answer = best_sentence(asked, hits[:shown], weights, known=known)
    conf = confidence(stats, answer)
    doubt = None
    if stats.topic_margin is not None and stats.topic_margin < OFF_TOPIC_MARGIN:
        doubt = Doubt("off_topic")
    elif asked.unknown:
        doubt = Doubt("unknown_name", asked.unknown[0])
    elif answer is not None and answer.misfit:
        doubt = answer.misfit
    if doubt or answer is None:
        conf = round(conf * UNSUPPORTED_FACTOR, 4)
    return Verdict(answer, conf, doubt)

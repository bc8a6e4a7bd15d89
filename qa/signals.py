"""The generic signals the learned judge reads: per candidate sentence, and per question.

None of them depends on a list of words chosen for one report: they measure how much of
the question a sentence covers (weighted by how rare each term is in the reports), where
the dense retriever matched, how a passage stands among the others, whether a value of the
kind asked for is there, and whether the names the question is about occur.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from index.search import Hit, SearchStats, Snapshot
from qa.answertype import AnswerType
from qa.asked import Asked
from qa.terms import PassageTerms, TermWeights

SENTENCE_DEPTH = 3  # passages whose sentences may be the answer
MIN_SENTENCE = 15  # characters: shorter pieces are no answer


@dataclass(frozen=True)
class Candidate:
    """A sentence (with its neighbour, when ``paired``) of one of the top passages."""

    rank: int  # of its passage among the hits
    hit: Hit
    start: int
    end: int
    paired: bool
    features: dict[str, float]


class VectorMap:
    """Where each passage's own vector and its windows' vectors lie in the vector store:
    made once per index version."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.index = {c.id: i for i, c in enumerate(snapshot.chunks)}
        self.windows: dict[int, list[int]] = {}
        for v in range(len(snapshot.chunks), len(snapshot.owners)):
            self.windows.setdefault(int(snapshot.owners[v]), []).append(v)

    def similarities(self, qv: np.ndarray, hits: list[Hit]) -> dict[str, list[float]]:
        """Per hit: the question's similarity to each of its sentence windows (to the
        passage itself when it has no windows)."""
        out: dict[str, list[float]] = {}
        for hit in hits:
            i = self.index.get(hit.chunk.id)
            if i is None:
                continue
            ids = self.windows.get(i) or [i]
            vecs = self.snapshot.store.vectors(np.array(ids, dtype=np.int64))
            out[hit.chunk.id] = (vecs @ qv).astype(float).tolist()
        return out


def _window_sims(
    hit: Hit,
    spans: list[tuple[int, int]],
    sims: dict[str, list[float]] | None,
    windows: list[tuple[int, int]],
) -> list[float] | None:
    """Per sentence span: the similarity of the window it lies in (or of the passage)."""
    if sims is None or hit.chunk.id not in sims:
        return None
    values = sims[hit.chunk.id]
    if not windows or len(values) != len(windows):
        return [values[0]] * len(spans)
    out = []
    for s, _ in spans:
        inside = [k for k, (ws, we) in enumerate(windows) if ws <= s < we]
        out.append(values[inside[0]] if inside else max(values))
    return out


SENTENCE_FEATURES = (
    "window_sim",
    "coverage",
    "coverage_rest",
    "passage_coverage",
    "in_window",
    "window_distance",
    "rank",
    "dense_gap",
    "lexical_share",
    "kind_asked",
    "holds_kind",
    "next_holds_kind",
    "paired",
    "position",
    "first",
    "log_chars",
    "table_row",
    "names",
    "years",
)


def _window_of(
    hit: Hit, spans: list[tuple[int, int]], windows: list[tuple[int, int]]
) -> int | None:
    """Index (into ``spans``) of the first sentence of the window the dense side matched."""
    if hit.window < 0:
        return None
    if hit.window >= len(windows):
        return None
    ws, we = windows[hit.window]
    inside = [i for i, (s, e) in enumerate(spans) if ws <= s and e <= we]
    return inside[0] if inside else None


def _name_share(asked: Asked, text_terms: frozenset[str]) -> float:
    """The share of the question's names of which some form occurs in the text."""
    if not asked.names:
        return 1.0
    found = sum(1 for _, forms in asked.names if forms & text_terms)
    return found / len(asked.names)


def candidates(
    asked: Asked,
    hits: list[Hit],
    weights: TermWeights,
    known: PassageTerms,
    depth: int = SENTENCE_DEPTH,
    sims: dict[str, list[float]] | None = None,
) -> list[Candidate]:
    """Every sentence of the top ``depth`` passages (and each with its next one) with its
    signals; ``sims`` are the question's similarities to the passages' windows."""
    total = sum(weights.idf(t) for t in asked.terms) or 1.0
    top_dense = max((h.dense for h in hits[:depth]), default=0.0)
    top_lexical = max((h.lexical for h in hits[:depth]), default=0.0) or 1.0
    out: list[Candidate] = []
    for rank, hit in enumerate(hits[:depth]):
        chunk = hit.chunk
        heads = set(chunk.heading_sentences)
        tokens = known.sentences(chunk)
        kept = [i for i, (s, e) in enumerate(chunk.sentences) if e - s >= MIN_SENTENCE]
        kept = [i for i in kept if i not in heads]
        spans = [chunk.sentences[i] for i in kept]
        windows = known.windows(chunk)
        window = _window_of(hit, spans, windows)
        passage_terms = known.passage(chunk).terms
        passage_cov = sum(weights.idf(t) for t in asked.terms & passage_terms) / total
        years = 1.0 if asked.years <= known.years(chunk) else 0.0
        wsims = _window_sims(hit, spans, sims, windows)
        kind_asked = asked.kind is not AnswerType.NONE
        holding, pair_holding = known.holds(chunk, asked.kind, spans) if kind_asked else ((), ())
        for j, (s, e) in enumerate(spans):
            terms = tokens[kept[j]]
            cov = sum(weights.idf(t) for t in asked.terms & terms) / total
            text = chunk.text[s:e]
            base = {
                "window_sim": wsims[j] if wsims else hit.dense,
                "coverage": cov,
                "passage_coverage": passage_cov,
                "in_window": 0.0 if window is None else float(window <= j <= window + 2),
                "window_distance": 3.0 if window is None else float(min(abs(j - window), 3)),
                "rank": float(rank),
                "dense_gap": top_dense - hit.dense,
                "lexical_share": hit.lexical / top_lexical,
                "kind_asked": float(kind_asked),
                "holds_kind": float(kind_asked and holding[j]),
                "position": j / max(len(spans) - 1, 1),
                "first": float(j == 0),
                "log_chars": math.log(max(e - s, 1)),
                "table_row": float(" · " in text),
                "names": _name_share(asked, terms),
                "years": years,
            }
            nxt = spans[j + 1] if j + 1 < len(spans) else None
            next_holds = 0.0
            if nxt is not None and kind_asked:
                next_holds = float(holding[j + 1])
            rest = 0.0
            if nxt is not None:
                rest = sum(weights.idf(t) for t in asked.terms & tokens[kept[j + 1]]) / total
            out.append(
                Candidate(
                    rank,
                    hit,
                    s,
                    e,
                    False,
                    {**base, "next_holds_kind": next_holds, "paired": 0.0, "coverage_rest": rest},
                )
            )
            if nxt is not None:  # with its neighbour: an answer often takes two sentences
                paired = {
                    **base,
                    "coverage": max(cov, rest),
                    "coverage_rest": min(cov, rest),
                    "holds_kind": float(kind_asked and pair_holding[j]),
                    "next_holds_kind": next_holds,
                    "paired": 1.0,
                    "log_chars": math.log(max(nxt[1] - s, 1)),
                    "names": _name_share(asked, terms | tokens[kept[j + 1]]),
                }
                out.append(Candidate(rank, hit, s, nxt[1], True, paired))
    top = max((c.features["window_sim"] for c in out), default=0.0)
    for c in out:  # relative to the best window: no per-model constant
        c.features["window_sim"] -= top
    return out


QUESTION_FEATURES = (
    "dense_z",
    "dense_top",
    "dense_margin",
    "agree",
    "lexical_top",
    "sentence_score",
    "sentence_margin",
    "coverage",
    "passage_coverage",
    "kind_asked",
    "holds_kind",
    "names",
    "unknown_names",
    "years",
    "question_terms",
)


def can_answer(features: dict[str, float]) -> bool:
    """Whether the shown sentence may stand as the answer, whatever the models say: it names
    what the question names, and holds a value of the kind asked for (a count, an amount,
    a date, ...). Without them it is at best a likely sentence to check."""
    names = features.get("names", 1.0) >= 1.0
    kind = features.get("kind_asked", 0.0) == 0.0 or features.get("holds_kind", 0.0) == 1.0
    return names and kind


def question_features(
    asked: Asked,
    hits: list[Hit],
    stats: SearchStats,
    best: Candidate | None,
    best_score: float,
    runner_up: float,
) -> dict[str, float]:
    """The signals of how likely the highlighted passage answers the question."""
    dense = sorted((h.dense for h in hits), reverse=True)
    f = best.features if best is not None else {}
    return {
        "dense_z": stats.dense_z,
        "dense_top": dense[0] if dense else 0.0,
        "dense_margin": dense[0] - dense[1] if len(dense) > 1 else 0.0,
        "agree": float(stats.agree),
        "lexical_top": math.log1p(max((h.lexical for h in hits), default=0.0)),
        "sentence_score": best_score,
        "sentence_margin": best_score - runner_up,
        "coverage": f.get("coverage", 0.0),
        "passage_coverage": f.get("passage_coverage", 0.0),
        "kind_asked": float(asked.kind is not AnswerType.NONE),
        "holds_kind": f.get("holds_kind", 0.0),
        "names": f.get("names", 1.0),
        "unknown_names": float(len(asked.unknown)),
        "years": f.get("years", 1.0),
        "question_terms": math.log1p(len(asked.terms)),
    }

"""Fitting the judge's models (``qa.model``) on question sets, with leave-one-set-out
cross-validation, and the figures that show whether they hold on sets they never saw.

For each question: the passages retrieved, the question as read, and every candidate
sentence of the top passages with its signals (``qa.signals``), labelled by the evidence:
a sentence is right when it lies on the evidence span; the highlighted passage is right
when it holds the evidence. Two models are fitted with scikit-learn:

1. the sentence ranker, a logistic regression over the candidates' signals;
2. the confidence, a logistic regression over the question's signals (taken from the
   ranker's choice), calibrated on out-of-fold predictions by the map (none, Platt or
   isotonic) that cross-validation across sets prefers.

Cross-validation is nested where it matters: the confidence for a held-out set is fitted
on features the ranker produced without seeing that set. The thresholds between answered,
uncertain and not found are chosen on the training sets' out-of-fold predictions, calibrated
by maps that did not see the set either.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from eval.gold import GoldItem
from eval.metrics import is_hit
from index.search import Hit, SearchStats
from qa.asked import Asked
from qa.judge import JUDGE_DEPTH, read_question
from qa.model import Calibrated, JudgeModels, Linear
from qa.pipeline import ReadyIndex
from qa.signals import (
    QUESTION_FEATURES,
    SENTENCE_DEPTH,
    SENTENCE_FEATURES,
    Candidate,
    VectorMap,
    can_answer,
    candidates,
    question_features,
)

# the stated precisions the thresholds are chosen for
ANSWERED_PRECISION = 0.90  # of answered questions, the share with the right sentence
NOT_FOUND_PRECISION = 0.90  # of not-found questions, the share truly unanswerable
MAX_LOST = 0.03  # of answerable questions, the most that may end as not found
C = 1.0  # inverse regularisation of both regressions


@dataclass
class Example:
    """One question as the judge sees it, with what is right."""

    item: GoldItem
    asked: Asked
    hits: list[Hit]
    stats: SearchStats
    candidates: list[Candidate]
    right: list[bool]  # per candidate: on the evidence
    holds: list[bool]  # per hit: holds the evidence
    retrieved: list[bool] = field(default_factory=list)  # flags of the top 5 (recall)

    @property
    def set(self) -> str:
        return self.item.set


def collect(
    ready: ReadyIndex,
    items: list[GoldItem],
    where: dict[str, tuple[str, int, int]],
    query_vectors: dict[str, np.ndarray],
    depth: int = SENTENCE_DEPTH,
) -> list[Example]:
    """Retrieve and read every question, and label its candidates."""
    out: list[Example] = []
    searcher = ready.searcher
    vmap = VectorMap(searcher.snapshot)
    for item in items:
        language = _language(item.question)
        text = searcher.expand(item.question)
        qv = query_vectors.get(text)
        pool, stats = searcher.search_with_stats(
            item.question, top_k=JUDGE_DEPTH, query_vector=qv, language=language
        )
        asked = read_question(item.question, searcher, ready.weights, language)
        sims = vmap.similarities(qv, pool[:depth]) if qv is not None else None
        cands = candidates(asked, pool, ready.weights, ready.known, depth, sims)
        target = where.get(item.id)
        right = [_on(c.hit, c.start, c.end, target) for c in cands]
        holds = [_holds(h, target) for h in pool]
        out.append(Example(item, asked, pool, stats, cands, right, holds, holds[:5]))
    return out


def _language(question: str) -> str:
    from ingest.lang import question_language

    return question_language(question)


def _holds(hit: Hit, target: tuple[str, int, int] | None) -> bool:
    if target is None:
        return False
    doc, s, e = target
    c = hit.chunk
    return c.document_id == doc and is_hit((c.char_start, c.char_end), (s, e))


def _on(hit: Hit, start: int, end: int, target: tuple[str, int, int] | None) -> bool:
    """The sentence [start, end) of the hit overlaps the evidence by half the shorter."""
    if target is None:
        return False
    doc, s, e = target
    c = hit.chunk
    if c.document_id != doc:
        return False
    a, b = c.char_start + start, c.char_start + end
    overlap = min(b, e) - max(a, s)
    return overlap > 0 and overlap >= 0.5 * min(b - a, e - s)


# --- fitting ---------------------------------------------------------------------------


def _matrix(rows: Iterable[dict[str, float]], names: tuple[str, ...]) -> np.ndarray:
    return np.array([[r.get(n, 0.0) for n in names] for r in rows], dtype=float)


def fit_linear(x: np.ndarray, y: np.ndarray, names: tuple[str, ...]) -> Linear:
    """A standardised, L2-regularised logistic regression, as plain numbers."""
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    if len(set(y.tolist())) < 2:  # nothing to tell apart: a constant model
        p = float(np.clip(y.mean() if len(y) else 0.5, 1e-3, 1 - 1e-3))
        return Linear(
            names, tuple(mean), tuple(scale), (0.0,) * len(names), float(np.log(p / (1 - p)))
        )
    model = LogisticRegression(C=C, max_iter=2000, class_weight=None)
    model.fit(z, y)
    return Linear(
        names, tuple(mean), tuple(scale), tuple(model.coef_[0].tolist()), float(model.intercept_[0])
    )


def fit_sentence(examples: list[Example]) -> Linear:
    """The sentence ranker, fitted on pairs within a question: a logistic regression on the
    difference of a right and a wrong candidate's signals (no intercept), so it learns
    which of two sentences of one question holds the answer. Every right candidate is paired
    with every wrong one, so the fit depends on no random draw. Questions whose right
    sentence is not among the candidates teach nothing and are left out."""
    from sklearn.linear_model import LogisticRegression

    rows: list[np.ndarray] = []
    labels: list[int] = []
    for ex in examples:
        right = np.array(ex.right, dtype=bool)
        if not ex.item.answerable or not right.any() or right.all():
            continue
        x = _matrix((c.features for c in ex.candidates), SENTENCE_FEATURES)
        for p in np.flatnonzero(right):
            for n in np.flatnonzero(~right):
                rows += [x[p] - x[n], x[n] - x[p]]
                labels += [1, 0]
    names = SENTENCE_FEATURES
    zero = (0.0,) * len(names)
    if not rows:
        return Linear(names, zero, (1.0,) * len(names), zero, 0.0)
    diffs = np.array(rows)
    scale = diffs.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=C, max_iter=3000, fit_intercept=False)
    model.fit(diffs / scale, np.array(labels))
    return Linear(names, zero, tuple(scale.tolist()), tuple(model.coef_[0].tolist()), 0.0)


@dataclass(frozen=True)
class Choice:
    """What the judge shows for one question under a sentence ranker."""

    best: Candidate | None
    right: bool  # the shown sentence lies on the evidence
    passage_right: bool  # the highlighted passage holds the evidence
    features: dict[str, float]


def choose(ranker: Linear, ex: Example) -> Choice:
    """The ranker's sentence, and the question's signals that follow from it."""
    if not ex.candidates:
        feats = question_features(ex.asked, ex.hits, ex.stats, None, -10.0, 0.0)
        return Choice(None, False, False, feats)
    scores = [ranker.score(c.features) for c in ex.candidates]
    order = np.argsort(scores)[::-1]
    i = int(order[0])
    runner = scores[int(order[1])] if len(order) > 1 else scores[i] - 5.0
    best = ex.candidates[i]
    holds = ex.holds[ex.hits.index(best.hit)] if best.hit in ex.hits else False
    feats = question_features(ex.asked, ex.hits, ex.stats, best, scores[i], runner)
    return Choice(best, ex.right[i], holds, feats)


def fit_question(choices: list[Choice], label: str) -> Linear:
    """P(label) from the question's signals; ``label`` is ``passage_right`` (the highlighted
    passage answers) or ``right`` (the shown sentence holds the answer)."""
    x = _matrix((c.features for c in choices), QUESTION_FEATURES)
    y = np.array([getattr(c, label) for c in choices], dtype=int)
    return fit_linear(x, y, QUESTION_FEATURES)


def isotonic(raw: np.ndarray, y: np.ndarray) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """An isotonic map from raw probabilities to observed frequencies, as its knots."""
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
    iso.fit(raw, y)
    return tuple(iso.X_thresholds_.tolist()), tuple(iso.y_thresholds_.tolist())


def thresholds(
    p_sentence: np.ndarray,
    p_passage: np.ndarray,
    answerable: np.ndarray,
    sentence_right: np.ndarray,
    aim: tuple[float, float] = (ANSWERED_PRECISION, NOT_FOUND_PRECISION),
) -> tuple[float, float]:
    """(answered, not_found): the lowest ``answered`` (on the probability that the shown
    sentence is right) from which on every higher threshold's answered questions have the
    right sentence at the precision ``aim[0]``, and the highest ``not_found`` (on the
    probability that the passage answers) below which every lower threshold's not-found
    questions are unanswerable at ``aim[1]``, losing at most ``MAX_LOST`` of the answerable
    ones. Asking it of every stricter threshold too keeps a lucky run of right answers at
    one threshold from setting it."""
    answered = 1.0
    for t in np.unique(np.concatenate([p_sentence, [1.0]]))[::-1]:
        shown = p_sentence >= t
        if shown.sum() < 10:
            continue
        if sentence_right[shown].mean() < aim[0]:
            break
        answered = float(t)
    not_found = 0.0
    for t in np.unique(p_passage):
        below = p_passage < t
        if not below.any():
            continue
        if not refuses_well(below, answerable, aim[1]):
            break
        not_found = float(t)
    return answered, not_found


def refuses_well(refused: np.ndarray, answerable: np.ndarray, precision: float) -> bool:
    """Whether the ``refused`` questions (not found) are unanswerable at ``precision`` while
    at most ``MAX_LOST`` of the answerable ones are among them."""
    lost = (answerable & refused).sum() / max(int(answerable.sum()), 1)
    return bool((~answerable[refused]).mean() >= precision and lost <= MAX_LOST)


# the precisions a threshold may aim at, so that it keeps the stated one on a set it never saw
AIMS = tuple(np.round(np.arange(0.90, 1.0001, 0.01), 2).tolist())


def aims_across_sets(
    p_sentence: np.ndarray,
    p_passage: np.ndarray,
    answerable: np.ndarray,
    sentence_right: np.ndarray,
    groups: np.ndarray,
) -> tuple[float, float]:
    """The precisions the two thresholds aim at on the pooled sets, so that they keep the
    stated ones on a set they were not chosen on. Sets differ: a threshold chosen for 90%
    on some sets gives less on the next. So each set in turn is judged by thresholds
    chosen on the others, and each aim is the lowest that, pooled over those held-out
    sets, keeps its stated precision (``ANSWERED_PRECISION``, ``NOT_FOUND_PRECISION``
    losing at most ``MAX_LOST``); the strictest aim when none does."""
    sets = sorted(set(groups.tolist()))
    if len(sets) < 2:
        return ANSWERED_PRECISION, NOT_FOUND_PRECISION

    def held_out(aim: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
        shown = np.zeros(len(groups), dtype=bool)
        refused = np.zeros(len(groups), dtype=bool)
        for s in sets:
            out = groups == s
            a, n = thresholds(
                p_sentence[~out], p_passage[~out], answerable[~out], sentence_right[~out], aim
            )
            shown[out] = p_sentence[out] >= a
            refused[out] = p_passage[out] < n
        return shown & ~refused, refused

    def answered_holds(aim: float) -> bool:
        shown, _ = held_out((aim, NOT_FOUND_PRECISION))
        return not shown.any() or sentence_right[shown].mean() >= ANSWERED_PRECISION

    def not_found_holds(aim: float) -> bool:
        _, refused = held_out((ANSWERED_PRECISION, aim))
        return not refused.any() or refuses_well(refused, answerable, NOT_FOUND_PRECISION)

    answered = next((a for a in AIMS if answered_holds(a)), AIMS[-1])
    not_found = next((a for a in AIMS if not_found_holds(a)), AIMS[-1])
    return answered, not_found


PLATT_KNOTS = 101  # a Platt map is stored as its curve at this many raw probabilities


def platt(raw: np.ndarray, y: np.ndarray) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """A Platt map (a logistic regression on the raw probability's logit), as the knots of
    its curve, so it is applied like an isotonic one."""
    from sklearn.linear_model import LogisticRegression

    if len(set(y.tolist())) < 2:
        return (), ()
    model = LogisticRegression(C=1e4, max_iter=2000)
    model.fit(_logit(raw).reshape(-1, 1), y)
    xs = np.linspace(0.0, 1.0, PLATT_KNOTS)
    ys = model.predict_proba(_logit(xs).reshape(-1, 1))[:, 1]
    return tuple(xs.tolist()), tuple(ys.tolist())


def _logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(q / (1 - q))


CALIBRATIONS = {
    "none": lambda raw, y: ((), ()),
    "platt": platt,
    "isotonic": isotonic,
}


def _apply(curve: tuple[tuple[float, ...], tuple[float, ...]], raw: np.ndarray) -> np.ndarray:
    return np.interp(raw, curve[0], curve[1]) if curve[0] else raw


def choose_calibration(raw: np.ndarray, y: np.ndarray, groups: list[str]) -> tuple[str, np.ndarray]:
    """The calibration (none, Platt or isotonic) whose maps, each fitted on the other sets'
    out-of-fold probabilities, give the held-out sets the lowest Brier score; also the
    probabilities that choice gives each set (out of fold twice over). Ties keep the
    simpler map."""
    sets = sorted(set(groups))
    g = np.array(groups)
    best, best_score, best_p = "none", float("inf"), raw
    for name, fit_map in CALIBRATIONS.items():
        p = raw.copy()
        for s in sets if len(sets) > 1 else []:
            out = g == s
            p[out] = _apply(fit_map(raw[~out], y[~out]), raw[out])
        score = float(np.mean((p - y) ** 2))
        if score < best_score - 1e-9:
            best, best_score, best_p = name, score, p
    return best, best_p


def _calibrated(
    examples: list[Example], choices: list[Choice], label: str
) -> tuple[Calibrated, np.ndarray, str]:
    """A question model for ``label`` fitted on all, calibrated by the map chosen on its
    leave-one-set-out predictions; also the calibrated probabilities each set gets from
    maps fitted without it (for the thresholds), and the map's name."""
    sets = sorted({e.set for e in examples})
    raw = np.zeros(len(examples))
    for s in sets:
        idx = [i for i, e in enumerate(examples) if e.set == s]
        train = [choices[i] for i, e in enumerate(examples) if e.set != s] if len(sets) > 1 else []
        model = fit_question(train or [choices[i] for i in idx], label)
        for i in idx:
            raw[i] = model.probability(choices[i].features)
    y = np.array([getattr(c, label) for c in choices], dtype=int)
    name, held_out = choose_calibration(raw, y, [e.set for e in examples])
    curve_x, curve_y = CALIBRATIONS[name](raw, y)
    final = Calibrated(fit_question(choices, label), curve_x, curve_y)
    return final, held_out, name


def fit_all(
    examples: list[Example], inner: bool = True, reference: frozenset[str] | None = None
) -> JudgeModels:
    """All models on ``examples``: the question models from out-of-fold ranker choices
    (leave one set out within them), calibrated on out-of-fold predictions; the
    thresholds chosen on those calibrated out-of-fold probabilities of the ``reference``
    sets (all when None).

    Every set teaches the models, but a stated precision holds only for questions mixed
    like the ones it was measured on: a set written with the system, or one with half its
    questions unanswerable, would set thresholds that do not hold for the questions users
    ask. So the thresholds come from the sets written blind, the way users ask."""
    sets = sorted({e.set for e in examples})
    ranker = fit_sentence(examples)
    oof_choice: dict[int, Choice] = {}
    for s in sets:
        train = [e for e in examples if e.set != s]
        r = fit_sentence(train) if inner and len(sets) > 1 else ranker
        for i, e in enumerate(examples):
            if e.set == s:
                oof_choice[i] = choose(r, e)
    choices = [oof_choice[i] for i in range(len(examples))]
    confidence, p_passage, conf_map = _calibrated(examples, choices, "passage_right")
    correct, p_sentence, correct_map = _calibrated(examples, choices, "right")
    chosen_on = [e.set in reference if reference is not None else True for e in examples]
    on = np.array(chosen_on, dtype=bool)
    if not on.any():  # no reference set among the training sets: all of them
        on[:] = True
    answerable = np.array([e.item.answerable for e in examples])
    sentence_right = np.array([c.right for c in choices])
    # a sentence that cannot stand as the answer is never answered, so no threshold counts it
    eligible = np.array([can_answer(c.features) for c in choices])
    p_sentence = np.where(eligible, p_sentence, 0.0)
    groups = np.array([e.set for e in examples])
    aim = aims_across_sets(
        p_sentence[on], p_passage[on], answerable[on], sentence_right[on], groups[on]
    )
    answered, not_found = thresholds(
        p_sentence[on], p_passage[on], answerable[on], sentence_right[on], aim
    )
    fitted_on = {
        "sets": sets,
        "questions": len(examples),
        "fitted": time.strftime("%Y-%m-%d"),
        "calibration": {"confidence": conf_map, "correct": correct_map},
        "thresholds_from": sorted({e.set for e, o in zip(examples, on, strict=True) if o}),
        "aimed_at": {"answered": aim[0], "not_found": aim[1]},
    }
    return JudgeModels(ranker, confidence, correct, answered, not_found, fitted_on)


# --- figures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Judged:
    """One held-out question under models that never saw its set."""

    example: Example
    choice: Choice
    p: float  # the highlighted passage answers
    correct: float  # the shown sentence holds the answer
    status: str  # answered | uncertain | not_found


def judge_with(models: JudgeModels, ex: Example) -> Judged:
    choice = choose(models.sentence, ex)
    p = models.confidence.probability(choice.features)
    correct = models.correct.probability(choice.features)
    return Judged(ex, choice, p, correct, models.status(p, correct, can_answer(choice.features)))


def cross_validate(
    examples: list[Example], reference: frozenset[str] | None = None
) -> list[Judged]:
    """Leave one set out: each set judged by models fitted on the others (thresholds from
    the other ``reference`` sets)."""
    out: list[Judged] = []
    for s in sorted({e.set for e in examples}):
        train = [e for e in examples if e.set != s]
        models = fit_all(train, reference=reference)
        out.extend(judge_with(models, e) for e in examples if e.set == s)
    return out


def figures(judged: list[Judged]) -> dict[str, float]:
    """The issue's figures over a list of judged questions."""
    answerable = [j for j in judged if j.example.item.answerable]
    answered = [j for j in judged if j.status == "answered"]
    not_found = [j for j in judged if j.status == "not_found"]
    return {
        "questions": float(len(judged)),
        "answerable": float(len(answerable)),
        "answered": float(len(answered)),
        "uncertain": float(sum(j.status == "uncertain" for j in judged)),
        "not_found": float(len(not_found)),
        "answered_precision": _mean(j.choice.right for j in answered),
        "not_found_precision": _mean(not j.example.item.answerable for j in not_found),
        "answerable_not_found": _mean(j.status == "not_found" for j in answerable),
        "sentence_right": _mean(j.choice.right for j in answerable),
        "ece": expected_calibration_error(
            [j.p for j in judged], [j.choice.passage_right for j in judged]
        ),
        # what a perfectly calibrated confidence would show on the same questions
        "ece_chance": ece_by_chance([j.p for j in judged])[0],
    }


def _mean(values: Iterable[bool]) -> float:
    v = list(values)
    return sum(v) / len(v) if v else float("nan")


def expected_calibration_error(p: list[float], y: list[bool], bins: int = 10) -> float:
    """Weighted mean gap between confidence and frequency over equal-width bins."""
    if not p:
        return float("nan")
    pa, ya = np.array(p), np.array(y, dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(pa, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        m = which == b
        if m.any():
            total += m.sum() / len(pa) * abs(pa[m].mean() - ya[m].mean())
    return float(total)


def ece_by_chance(p: list[float], draws: int = 2000, seed: int = 0) -> tuple[float, float]:
    """The expected calibration error a perfectly calibrated confidence would show on these
    questions (outcomes drawn with the stated probabilities): its median and 90th
    percentile. On a few hundred questions ten bins hold a few dozen each, so an error
    near this median is what chance alone gives; well above it is miscalibration."""
    if not p:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    pa = np.array(p)
    errors = [
        expected_calibration_error(p, (rng.random(len(pa)) < pa).tolist()) for _ in range(draws)
    ]
    return float(np.median(errors)), float(np.percentile(errors, 90))


def reliability(p: list[float], y: list[bool], bins: int = 10) -> list[tuple[float, float, int]]:
    """(mean confidence, frequency, count) per bin: the reliability diagram's points."""
    pa, ya = np.array(p), np.array(y, dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(pa, edges[1:-1]), 0, bins - 1)
    return [
        (float(pa[which == b].mean()), float(ya[which == b].mean()), int((which == b).sum()))
        for b in range(bins)
        if (which == b).any()
    ]


def risk_coverage(judged: list[Judged]) -> list[tuple[float, float]]:
    """(coverage, risk) as the confidence threshold falls: of the questions answered at
    each coverage, the share whose shown sentence is wrong (an unanswerable one counts wrong)."""
    ranked = sorted(judged, key=lambda j: -j.correct)
    out = []
    wrong = 0
    for n, j in enumerate(ranked, start=1):
        wrong += not (j.example.item.answerable and j.choice.right)
        out.append((n / len(ranked), wrong / n))
    return out


def save_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1))

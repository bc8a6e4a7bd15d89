"""Retrieval and abstention metrics, on ranked lists of hit flags.

A *hit* is a returned passage of the right document whose character range covers at least
half of the evidence span (``MIN_COVER``): a span cut by a chunk boundary still counts for
the passage that holds most of it, and a passage holding the whole span always counts.

The ranking metrics (recall@k, MRR, nDCG) and the paired significance tests come from ranx,
on one relevant target per question: the evidence span. The first hit of a ranking *is* that
target; later hits are further passages over a span already found, so they add no gain (a
ranking whose first result is wrong never reaches nDCG 1). Every question is in the qrels,
so one whose target never comes back counts with 0, and the qrels are the same for every
configuration, which is what a paired comparison needs::

    >>> retrieval_scores({"q1": [False, True], "q2": [True]})["mrr@10"]
    0.75
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import combinations
from typing import Any

MIN_COVER = 0.5
RETRIEVAL_METRICS = ("recall@1", "recall@3", "recall@5", "recall@10", "mrr@10", "ndcg@10")
SIGNIFICANCE_METRICS = ("recall@5", "mrr@10", "ndcg@10")
# ranx's names: the two-sided paired t-test, Fisher's (approximate) randomization test, and
# Tukey's HSD (not paired, but corrected for comparing many configurations at once).
STAT_TESTS = ("student", "fisher", "tukey")
_TARGET = "target"  # the doc id of the evidence span, in the qrels and at a ranking's first hit

Flags = Mapping[str, Sequence[bool]]
"""Per question id, whether each returned passage (rank 1 first) is a hit."""


def is_hit(
    passage: tuple[int, int], evidence: tuple[int, int], min_cover: float = MIN_COVER
) -> bool:
    """True when the passage [start, end) covers >= min_cover of the evidence [start, end)."""
    (ps, pe), (es, ee) = passage, evidence
    overlap = max(0, min(pe, ee) - max(ps, es))
    return ee > es and overlap / (ee - es) >= min_cover


def retrieval_scores(flags: Flags, metrics: Sequence[str] = RETRIEVAL_METRICS) -> dict[str, float]:
    """Mean of each ranx metric over the questions of one configuration; 0.0 for no questions.

    ``flags`` maps a question id to its ranking's hit flags; pass the answerable questions
    only (an unanswerable one has no target and would count as a miss).

    >>> retrieval_scores({"q1": [False, True, True]}, ["recall@1", "recall@3"])
    {'recall@1': 0.0, 'recall@3': 1.0}
    """
    if not flags:
        return dict.fromkeys(metrics, 0.0)
    from ranx import evaluate  # numba-compiled: loaded only where rankings are scored

    qrels, run = _qrels(flags), _run(flags)
    with _quiet():
        scores = evaluate(qrels, run, list(metrics), return_mean=False)
    if len(metrics) == 1:
        scores = {metrics[0]: scores}
    return {m: float(scores[m].mean()) for m in metrics}


def paired_significance(
    flags_by_config: Mapping[str, Flags],
    *,
    metrics: Sequence[str] = SIGNIFICANCE_METRICS,
    tests: Sequence[str] = ("student",),
    max_p: float = 0.05,
    baseline: str | None = "hybrid",
    n_permutations: int = 10_000,
    random_seed: int = 42,
) -> dict[str, Any]:
    """Paired significance tests (ranx ``compare``) between every two configurations.

    ``flags_by_config`` maps a configuration name to its ``flags`` (question id -> hit
    flags), all over the same answerable questions. The result is plain JSON, the
    ``"significance"`` entry of the evaluation report::

        {"tests": ["student", "fisher"], "max_p": 0.05, "questions": 120,  # as asked
         "metrics": ["recall@5", "mrr@10", "ndcg@10"],
         "configs": ["bm25", "hybrid"],
         "baseline": "hybrid",           # None when it is not among the configurations
         "means": {"bm25": {"recall@5": 0.61, ...}, "hybrid": {...}},
         "pairs": [{"a": "bm25", "b": "hybrid", "metric": "recall@5",
                    "mean_a": 0.61, "mean_b": 0.72,
                    "wins_a": 3, "ties": 100, "wins_b": 17,   # questions, a against b
                    "p_value": {"student": 0.004, "fisher": 0.003},
                    "significant": {"student": true, "fisher": true}}, ...]}

    ``pairs`` holds each unordered pair once, ``a`` before ``b`` in the input order, per
    metric. A pair that scores the same on every question gets p = 1.0 (the t-test's NaN).

    ``tests`` are ranx's: "student" (two-sided paired t-test, the default: deterministic),
    "fisher" (randomization test, ``n_permutations``), "tukey" (Tukey's HSD). ranx runs the
    randomization test in numba's parallel threads, which ``random_seed`` does not reach, so
    its p-values vary from run to run (by about 0.002 at p = 0.05 with 10,000 permutations).

    >>> flags = {"q1": [True], "q2": [False, True]}
    >>> paired_significance({"x": flags, "y": flags}, tests=["fisher"])["pairs"][0]["p_value"]
    {'fisher': 1.0}
    """
    names = list(flags_by_config)
    unknown = [t for t in tests if t not in STAT_TESTS]
    if unknown:
        raise ValueError(f"unknown statistical test(s) {unknown}; choose from {list(STAT_TESTS)}")
    if not tests:
        raise ValueError(f"tests must name at least one of {list(STAT_TESTS)}, got none")
    if len(names) < 2:
        raise ValueError(f"a paired comparison needs at least two configurations, got {names}")
    questions = set(flags_by_config[names[0]])
    for name in names[1:]:
        other = set(flags_by_config[name])
        if other != questions:
            raise ValueError(
                f"configurations {names[0]!r} and {name!r} were scored on different questions "
                f"(only in {names[0]!r}: {sorted(questions - other)[:5]}, only in {name!r}: "
                f"{sorted(other - questions)[:5]}); pair them on the same questions"
            )
    if not questions:
        raise ValueError("a paired comparison needs at least one question, got none")
    from ranx import compare

    qrels = _qrels(flags_by_config[names[0]])
    runs = [_run(flags_by_config[n], name=n) for n in names]
    reports = {}
    with _quiet():
        for test in tests:
            reports[test] = compare(
                qrels,
                runs,
                list(metrics),
                stat_test=test,
                max_p=max_p,
                n_permutations=n_permutations,
                random_seed=random_seed,
            )
    first = reports[tests[0]]
    pairs = []
    for metric in metrics:
        for a, b in combinations(names, 2):
            wtl = first.win_tie_loss[(a, b)][metric]
            p_values = {
                t: _p_value(r.comparisons[a, b][metric]["p_value"]) for t, r in reports.items()
            }
            pairs.append(
                {
                    "a": a,
                    "b": b,
                    "metric": metric,
                    "mean_a": float(first.results[a][metric]),
                    "mean_b": float(first.results[b][metric]),
                    "wins_a": int(wtl["W"]),
                    "ties": int(wtl["T"]),
                    "wins_b": int(wtl["L"]),
                    "p_value": p_values,
                    "significant": {t: p <= max_p for t, p in p_values.items()},
                }
            )
    return {
        "tests": list(tests),
        "max_p": max_p,
        "questions": len(questions),
        "metrics": list(metrics),
        "configs": names,
        "baseline": baseline if baseline in names else None,
        "means": {n: {m: float(first.results[n][m]) for m in metrics} for n in names},
        "pairs": pairs,
    }


def abstention_scores(predicted: Sequence[bool], actual: Sequence[bool]) -> dict[str, float]:
    """Precision/recall/F1 of declaring 'unanswerable' (True = unanswerable), and the share
    of answerable questions wrongly declared unanswerable."""
    tp = sum(p and a for p, a in zip(predicted, actual, strict=True))
    fp = sum(p and not a for p, a in zip(predicted, actual, strict=True))
    fn = sum(a and not p for p, a in zip(predicted, actual, strict=True))
    answerable = sum(not a for a in actual)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "false_abstention_rate": fp / answerable if answerable else 0.0,
    }


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), linear between closest ranks."""
    if not values:
        return 0.0
    s = sorted(values)
    pos = (len(s) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def _qrels(flags: Flags) -> Any:
    """One relevant target per question, for every question."""
    from ranx import Qrels

    return Qrels({q: {_TARGET: 1} for q in flags})


def _run(flags: Flags, name: str | None = None) -> Any:
    """The rankings as a ranx Run: the first hit is the target, the rest distinct misses."""
    from ranx import Run

    rankings: dict[str, dict[str, float]] = {}
    for q, fl in flags.items():
        first = next((i for i, f in enumerate(fl) if f), None)
        # scores fall with the rank, so ranx keeps the order; an empty ranking gets one
        # placeholder miss, as ranx cannot build a Run in which every ranking is empty
        rankings[q] = {
            _TARGET if i == first else f"miss{i + 1}": float(len(fl) - i) for i in range(len(fl))
        } or {"miss0": 0.0}
    return Run(rankings, name=name)


def _p_value(p: float) -> float:
    """A plain float; the t-test's NaN (no question differs) as 1.0."""
    return 1.0 if math.isnan(p) else float(p)


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence numba's note on ranx hashing doc ids (uint64 -> int64), harmless here."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="unsafe cast from uint64 to int64")
        yield

"""Retrieval and abstention metrics, on ranked lists of hit flags.

A *hit* is a returned passage of the right document whose character range covers at least
half of the evidence span (``MIN_COVER``): a span cut by a chunk boundary still counts for
the passage that holds most of it, and a passage holding the whole span always counts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

MIN_COVER = 0.5


def is_hit(
    passage: tuple[int, int], evidence: tuple[int, int], min_cover: float = MIN_COVER
) -> bool:
    """True when the passage [start, end) covers >= min_cover of the evidence [start, end)."""
    (ps, pe), (es, ee) = passage, evidence
    overlap = max(0, min(pe, ee) - max(ps, es))
    return ee > es and overlap / (ee - es) >= min_cover


def first_hit_rank(flags: Sequence[bool]) -> int | None:
    """1-based rank of the first hit, or None."""
    return next((i + 1 for i, f in enumerate(flags) if f), None)


def recall_at(flags: Sequence[bool], k: int) -> float:
    """1.0 when a hit is among the first k results (one relevant span per question)."""
    return 1.0 if any(flags[:k]) else 0.0


def mrr_at(flags: Sequence[bool], k: int = 10) -> float:
    """Reciprocal rank of the first hit within k, else 0."""
    rank = first_hit_rank(flags[:k])
    return 1.0 / rank if rank else 0.0


def ndcg_at(flags: Sequence[bool], k: int = 10) -> float:
    """nDCG@k with binary gains and one relevant span per question: the ideal DCG is 1 (a hit
    at rank 1); further hits (overlapping passages) add gain, capped at 1."""
    dcg = sum(1.0 / math.log2(i + 2) for i, f in enumerate(flags[:k]) if f)
    return min(1.0, dcg)


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

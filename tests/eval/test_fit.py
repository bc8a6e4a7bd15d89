"""Fitting the judge: the ranker learns from pairs, thresholds meet their precisions, and
the calibration error is measured right."""

from __future__ import annotations

import numpy as np
import pytest

from eval.fit import expected_calibration_error, isotonic, reliability, thresholds


def test_thresholds_meet_the_stated_precisions() -> None:
    rng = np.random.default_rng(1)
    n = 400
    answerable = rng.random(n) < 0.8
    # the probabilities tell the answerable and the right answers apart, with noise
    p_passage = np.clip(np.where(answerable, 0.6, 0.15) + rng.normal(0, 0.15, n), 0, 1)
    right = answerable & (rng.random(n) < 0.7)
    p_sentence = np.clip(np.where(right, 0.75, 0.3) + rng.normal(0, 0.15, n), 0, 1)
    answered, not_found = thresholds(p_sentence, p_passage, answerable, right)
    shown = p_sentence >= answered
    assert right[shown].mean() >= 0.9
    below = p_passage < not_found
    assert (~answerable[below]).mean() >= 0.9
    assert (answerable & below).sum() / answerable.sum() <= 0.03


def test_expected_calibration_error() -> None:
    assert expected_calibration_error([0.9] * 10, [True] * 9 + [False]) == pytest.approx(0.0)
    assert expected_calibration_error([0.9] * 10, [False] * 10) == pytest.approx(0.9)
    points = reliability([0.05, 0.95, 0.95], [False, True, False])
    assert points == [(0.05, 0.0, 1), (0.95, 0.5, 2)]


def test_isotonic_is_monotone() -> None:
    xs, ys = isotonic(np.array([0.1, 0.2, 0.3, 0.4]), np.array([0, 1, 0, 1]))
    assert list(ys) == sorted(ys) and list(xs) == sorted(xs)


def test_the_ranker_learns_from_pairs_within_a_question() -> None:
    from eval.fit import Example, choose, fit_sentence
    from eval.gold import GoldItem
    from index.search import Hit, SearchStats
    from ingest.models import Chunk
    from qa.asked import Asked
    from qa.signals import SENTENCE_FEATURES, Candidate
    from qa.terms import TermWeights

    rng = np.random.default_rng(3)
    asked = Asked.read("vraag", TermWeights([]))
    chunk = Chunk("c", "d", "x" * 40, "S", 1, 1, False, 0, 40, "nl")
    hit = Hit(chunk, 1.0, 0.9, 1.0)
    examples = []
    for n in range(60):
        right = int(rng.integers(0, 5))
        cands, labels = [], []
        for i in range(5):
            feats = {f: float(rng.normal()) for f in SENTENCE_FEATURES}
            feats["coverage"] = float(rng.random()) + (1.0 if i == right else 0.0)
            cands.append(Candidate(0, hit, 0, 10, False, feats))
            labels.append(i == right)
        item = GoldItem(f"q{n}", "vraag", "nl", "a", "e", None, None, "fact", set=f"s{n % 3}")
        examples.append(Example(item, asked, [hit], SearchStats(), cands, labels, [True]))
    ranker = fit_sentence(examples[:40])
    weights = dict(zip(ranker.features, ranker.weights, strict=True))
    assert max(weights, key=lambda f: abs(weights[f])) == "coverage" and weights["coverage"] > 0
    picked = [choose(ranker, e).right for e in examples[40:]]
    assert sum(picked) / len(picked) > 0.8

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

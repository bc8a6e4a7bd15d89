"""The judge's models as plain numbers: scores, calibration and their JSON form."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from qa.model import Calibrated, JudgeModels, Linear, load_models, shipped_models


def _linear() -> Linear:
    return Linear(("a", "b"), (1.0, 0.0), (2.0, 1.0), (1.0, -1.0), 0.5)


def test_a_linear_model_scores_standardised_features() -> None:
    m = _linear()
    assert m.score({"a": 3.0, "b": 1.0}) == pytest.approx((3 - 1) / 2 * 1 - 1 * 1 + 0.5)
    assert m.probability({"a": 3.0, "b": 1.0}) == pytest.approx(1 / (1 + math.exp(-0.5)))
    assert m.score({}) == pytest.approx(-0.5 + 0.5)  # a missing feature counts as 0


def test_the_isotonic_curve_maps_raw_probabilities() -> None:
    cal = Calibrated(_linear(), (0.0, 0.5, 1.0), (0.1, 0.2, 0.9))
    raw = _linear().probability({"a": 1.0, "b": 0.5})  # logit 0 -> 0.5
    assert raw == pytest.approx(0.5)
    assert cal.probability({"a": 1.0, "b": 0.5}) == pytest.approx(0.2)


def test_models_round_trip_through_json(tmp_path: Path) -> None:
    models = JudgeModels(
        _linear(), Calibrated(_linear(), (0.0, 1.0), (0.0, 1.0)), Calibrated(_linear()), 0.8, 0.1
    )
    models.save(tmp_path / "judge.json")
    assert load_models(tmp_path / "judge.json") == models


def test_the_shipped_models_read_every_signal() -> None:
    from qa.signals import QUESTION_FEATURES, SENTENCE_FEATURES

    models = shipped_models()
    assert models.sentence.features == SENTENCE_FEATURES
    assert models.confidence.linear.features == QUESTION_FEATURES
    assert models.correct.linear.features == QUESTION_FEATURES
    assert list(models.confidence.curve_x) == sorted(models.confidence.curve_x)

"""The judge's two learned models, applied with numpy alone.

All are logistic regressions over standardised signals (``qa.signals``), fitted with
scikit-learn by ``eval.fit`` and stored as plain numbers in ``judge.json`` beside this
module: the sentence ranker (the likeliest sentence is shown), and two probabilities made
calibrated by isotonic maps fitted on held-out predictions, with the thresholds between
answered, uncertain and not found.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

MODELS = Path(__file__).with_name("judge.json")


@dataclass(frozen=True)
class Linear:
    """``sigmoid(w · (x - mean) / scale + b)`` over named features."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float

    @cached_property
    def _arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mean, scale and weights as arrays: made once per model, not per sentence."""
        return np.array(self.mean), np.array(self.scale), np.array(self.weights)

    def score(self, values: dict[str, float]) -> float:
        """The logit."""
        mean, scale, weights = self._arrays
        x = np.array([values.get(f, 0.0) for f in self.features])
        z = (x - mean) / scale
        return float(z @ weights + self.bias)

    def probability(self, values: dict[str, float]) -> float:
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, self.score(values)))))

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "weights": list(self.weights),
            "bias": self.bias,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Linear:
        return cls(
            tuple(data["features"]),
            tuple(data["mean"]),
            tuple(data["scale"]),
            tuple(data["weights"]),
            float(data["bias"]),
        )


@dataclass(frozen=True)
class Calibrated:
    """A linear model whose probability is mapped through a calibration curve (x → y): an
    isotonic or a Platt map, whichever cross-validation chose; none when empty."""

    linear: Linear
    curve_x: tuple[float, ...] = ()
    curve_y: tuple[float, ...] = ()

    def probability(self, values: dict[str, float]) -> float:
        raw = self.linear.probability(values)
        if not self.curve_x:
            return raw
        return float(np.interp(raw, self.curve_x, self.curve_y))

    def to_dict(self) -> dict[str, Any]:
        return {
            "linear": self.linear.to_dict(),
            "curve_x": list(self.curve_x),
            "curve_y": list(self.curve_y),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibrated:
        return cls(
            Linear.from_dict(data["linear"]),
            tuple(data.get("curve_x", ())),
            tuple(data.get("curve_y", ())),
        )


@dataclass(frozen=True)
class JudgeModels:
    """The sentence ranker; the calibrated probability that the highlighted passage answers
    (``confidence``) and that the shown sentence holds the answer (``correct``); and the two
    thresholds: answered when ``correct`` reaches ``answered``, not found when
    ``confidence`` stays below ``not_found``, uncertain otherwise."""

    sentence: Linear
    confidence: Calibrated
    correct: Calibrated
    answered: float
    not_found: float
    fitted_on: dict[str, Any] = field(default_factory=dict)

    def status(self, confidence: float, correct: float, can_answer: bool = True) -> str:
        """The outcome; ``can_answer`` is false when the sentence lacks what the question
        names or the kind of value it asks for, which keeps it from being ``answered``."""
        if confidence < self.not_found:
            return "not_found"
        return "answered" if can_answer and correct >= self.answered else "uncertain"

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentence": self.sentence.to_dict(),
            "confidence": self.confidence.to_dict(),
            "correct": self.correct.to_dict(),
            "answered": self.answered,
            "not_found": self.not_found,
            "fitted_on": self.fitted_on,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JudgeModels:
        return cls(
            Linear.from_dict(data["sentence"]),
            Calibrated.from_dict(data["confidence"]),
            Calibrated.from_dict(data["correct"]),
            float(data["answered"]),
            float(data["not_found"]),
            dict(data.get("fitted_on", {})),
        )

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=1), encoding="utf-8")


def load_models(path: Path) -> JudgeModels:
    """The models stored at ``path``."""
    return JudgeModels.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def shipped_models() -> JudgeModels:
    """The models shipped with Vraagbaak (fitted on its question sets by ``vraagbaak fit``)."""
    return load_models(MODELS)

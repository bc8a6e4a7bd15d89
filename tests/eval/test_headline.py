"""The README's headline figures, guarded: the real embedder over the GREVIO report and its
gold question set, scored by the same ``answer(...)`` the service calls (marked ``model`` and
``headline``: several minutes cold, so CI runs it as its own step, ``make headline``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from eval.gold import GOLD_DIR
from eval.runner import run_eval
from vraagbaak.settings import Settings

pytestmark = [pytest.mark.model, pytest.mark.headline]

ROOT = Path(__file__).resolve().parents[2]
# The figures the README states for the default configuration on the gold set, and how far a
# run may fall below them before it counts as a regression. Retrieval is not learned; the
# judge was fitted on these questions among others, so of its figures only the guard that
# answerable questions are not turned away is stated here (its held-out figures are in the
# report of ``vraagbaak fit``).
HEADLINE = {"recall@5": 0.94, "mrr@10": 0.84}
TOLERANCE = {"recall@5": 0.02, "mrr@10": 0.02}
MAX_NOT_FOUND = 0.03  # share of answerable gold questions that end as not found


def test_the_readme_states_the_guarded_figures() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next((x for x in readme.splitlines() if x.startswith("Headline (gold set")), "")
    stated = dict(re.findall(r"([\w@]+) (\d\.\d+)", line))
    assert stated == {k: f"{v:.2f}" for k, v in HEADLINE.items()}, line


def test_headline_figures_hold(settings: Settings, tmp_path: Path) -> None:
    settings = settings.model_copy(update={"embedder": "e5", "corpus_dir": ROOT / "corpus"})
    run_eval(settings, gold=GOLD_DIR / "gold.jsonl", configs=["hybrid"], out_dir=tmp_path)
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    hybrid = report["configs"][0]
    measured = {"recall@5": hybrid["recall@5"], "mrr@10": hybrid["mrr@10"]}
    for name, figure in HEADLINE.items():
        assert measured[name] >= figure - TOLERANCE[name], (name, measured)
    outcomes = hybrid["outcomes"]
    assert outcomes["answerable_not_found"] <= MAX_NOT_FOUND, outcomes
    assert outcomes["answered"] + outcomes["uncertain"] + outcomes["not_found"] == report["items"]

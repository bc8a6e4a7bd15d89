"""The markdown report, on a hand-written report dict."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eval.metrics import paired_significance
from eval.report import significance_table, write_reports


def config(name: str, recall5: float) -> dict[str, Any]:
    scores = dict.fromkeys(["recall@1", "recall@3", "recall@10", "mrr@10", "ndcg@10"], 0.5)
    return scores | {
        "name": name,
        "recall@5": recall5,
        "by_lang": {},
        "by_kind": {"fact": {"recall@5": recall5}},
        "by_set": {},
        "abstention": {"f1": 0.0, "false_abstention_rate": 0.0, "threshold": 0.3},
        "latency_ms": {"p50": 1.0, "p95": 2.0},
    }


def pair(a: str, b: str, metric: str, mean_a: float, mean_b: float, p: float) -> dict[str, Any]:
    return {
        "a": a,
        "b": b,
        "metric": metric,
        "mean_a": mean_a,
        "mean_b": mean_b,
        "wins_a": 1,
        "ties": 7,
        "wins_b": 2,
        "p_value": {"student": p, "fisher": p},
        "significant": {"student": p <= 0.05, "fisher": p <= 0.05},
    }


SIGNIFICANCE: dict[str, Any] = {
    "tests": ["student", "fisher"],
    "max_p": 0.05,
    "questions": 10,
    "metrics": ["recall@5"],
    "configs": ["bm25", "hybrid", "dense"],
    "baseline": "hybrid",
    "means": {},
    "pairs": [
        pair("bm25", "hybrid", "recall@5", 0.6, 0.8, 0.0004),
        pair("bm25", "dense", "recall@5", 0.6, 0.7, 0.01),  # neither is the baseline
        pair("hybrid", "dense", "recall@5", 0.8, 0.7, 0.2),  # the baseline first: turned
    ],
}


def report(**extra: Any) -> dict[str, Any]:
    return {
        "gold": ["gold.jsonl"],
        "items": 10,
        "answerable": 10,
        "embedder": "fake",
        "evidence_not_located": [],
        "configs": [config("bm25", 0.6), config("hybrid", 0.8), config("dense", 0.7)],
        "failures": {},
    } | extra


def test_significance_table_against_the_baseline() -> None:
    lines = significance_table(SIGNIFICANCE).splitlines()
    assert lines[0].endswith("| better/same/worse | p t-test | p randomization |")
    assert lines[2:] == [
        "| bm25 | hybrid | recall@5 | 0.600 | 0.800 | -0.200 | 1/7/2 | **<0.001** | **<0.001** |",
        "| dense | hybrid | recall@5 | 0.700 | 0.800 | -0.100 | 2/7/1 | 0.200 | 0.200 |",
    ]


def test_significance_table_without_a_baseline_lists_every_pair() -> None:
    rows = significance_table(SIGNIFICANCE | {"baseline": None}).splitlines()[2:]
    assert [r.split(" | ")[:2] for r in rows] == [
        ["| bm25", "hybrid"],
        ["| bm25", "dense"],
        ["| hybrid", "dense"],
    ]
    assert "| 0.600 | 0.700 | -0.100 | 1/7/2 | **0.010** | **0.010** |" in rows[1]


def test_report_has_the_section_only_with_significance(tmp_path: Path) -> None:
    write_reports(report(), tmp_path)
    assert "Paired significance" not in (tmp_path / "report.md").read_text()
    write_reports(report(significance=SIGNIFICANCE), tmp_path)
    md = (tmp_path / "report.md").read_text()
    assert "## Paired significance" in md
    assert "10 answerable questions, each configuration paired with `hybrid`" in md
    assert significance_table(SIGNIFICANCE) in md


def test_report_prints_what_paired_significance_returns() -> None:
    flags = {f"q{i}": [True] for i in range(12)}
    worse = {q: [False, True] if int(q[1:]) < 9 else [True] for q in flags}
    sig = paired_significance({"dense": worse, "hybrid": flags}, tests=["student"])
    rows = significance_table(sig).splitlines()[2:]
    assert rows[0] == "| dense | hybrid | recall@5 | 1.000 | 1.000 | +0.000 | 0/12/0 | 1.000 |"
    assert rows[1].startswith("| dense | hybrid | mrr@10 | 0.625 | 1.000 | -0.375 | 0/3/9 |")
    assert rows[1].endswith(" | **<0.001** |")

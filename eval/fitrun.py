"""``vraagbaak fit``: fit the judge on the question sets and report how it does on sets it
never saw (leave one set out), then on the untouched set.

The corpus is every report the sets are about: the reports in the corpus folder and the
fictional test reports in ``eval/reports``. The development sets (``eval/gold``) and the
blind sets (``eval/blind``) are the training pool; ``eval/untouched`` is judged only by
the final models, once, and reported on its own.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from eval.fit import (
    Example,
    Judged,
    collect,
    cross_validate,
    ece_by_chance,
    expected_calibration_error,
    figures,
    fit_all,
    judge_with,
    reliability,
    risk_coverage,
    save_json,
)
from eval.gold import GoldItem, gold_files, load_gold_sets
from eval.runner import locate
from eval.variants import Variant, build_snapshot
from index.background import load_background
from index.cache import EmbeddingCache
from index.embedders import make_embedder
from index.search import SearchConfig, Searcher
from ingest.models import Document
from ingest.pipeline import ingest_with_settings, iter_report_files
from qa.model import MODELS
from qa.pipeline import ReadyIndex
from vraagbaak.settings import Settings

EVAL = Path(__file__).parent
BLIND = EVAL / "blind"  # written blind, mixed like users' questions: the thresholds' sets
POOL = [EVAL / "gold", BLIND]
UNTOUCHED = EVAL / "untouched"
REPORTS = EVAL / "reports"


def load_docs(settings: Settings, extra: Path = REPORTS) -> list[Document]:
    files = list(iter_report_files(settings.corpus_dir)) + sorted(extra.glob("*.pdf"))
    return [ingest_with_settings(p, settings) for p in files]


def build_ready(settings: Settings, docs: list[Document]) -> ReadyIndex:
    """The reports indexed in memory (the configured embedder, through the embedding cache),
    ready for answering."""
    embedder = make_embedder(settings.embedder)
    cache = EmbeddingCache(settings.index_dir / "embeddings.sqlite")
    try:
        snap = build_snapshot(
            docs, Variant(), embedder, cache, load_background(settings.background)
        )
    finally:
        cache.close()
    return ReadyIndex.of(Searcher(snap, embedder, SearchConfig()))


def _mean(values: Any) -> float:
    v = list(values)
    return sum(v) / len(v) if v else float("nan")


def _recall(examples: list[Example]) -> dict[str, float]:
    answerable = [e for e in examples if e.item.answerable]
    r5 = _mean(any(e.retrieved) for e in answerable)
    mrr = _mean(
        next((1 / (i + 1) for i, f in enumerate(e.holds[:10]) if f), 0.0) for e in answerable
    )
    return {"recall@5": r5, "mrr@10": mrr}


def run_fit(
    settings: Settings,
    out_dir: Path = Path("eval/out"),
    save: bool = True,
    untouched: bool = True,
) -> str:
    """Collect, cross-validate, fit, and (``untouched``) judge the untouched set; returns
    the markdown report. Leave ``untouched`` off while developing: the set is for the end."""
    docs = load_docs(settings)
    pool_items: list[GoldItem] = load_gold_sets([p for d in POOL for p in gold_files(d)])
    untouched_items = load_gold_sets(gold_files(UNTOUCHED)) if untouched else []
    where = locate(pool_items + untouched_items, docs)
    ready = build_ready(settings, docs)
    searcher, embedder = ready.searcher, ready.searcher.embedder
    texts = sorted({searcher.expand(i.question) for i in pool_items + untouched_items})
    vectors = embedder.embed_queries(texts)
    qvecs = dict(zip(texts, vectors, strict=True))
    pool = collect(ready, pool_items, where, qvecs)
    held = collect(ready, untouched_items, where, qvecs)
    reference = frozenset(i.set for i in load_gold_sets(gold_files(BLIND)))
    judged = cross_validate(pool, reference)
    models = fit_all(pool, reference=reference)
    if save:
        models.save(MODELS)
    final = [judge_with(models, e) for e in held]
    report = _report(pool, held, judged, final, models.to_dict())
    if not untouched:
        report.pop("untouched")
    out_dir.mkdir(parents=True, exist_ok=True)
    save_json(out_dir / "judge.json", report)
    _plots(judged, final, out_dir)
    markdown = _markdown(report)
    (out_dir / "judge.md").write_text(markdown, encoding="utf-8")
    return markdown


def _report(
    pool: list[Example],
    held: list[Example],
    judged: list[Judged],
    final: list[Judged],
    confidence: dict[str, Any],
) -> dict[str, Any]:
    sets: dict[str, Any] = {}
    for s in sorted({e.set for e in pool}):
        js = [j for j in judged if j.example.set == s]
        exs = [e for e in pool if e.set == s]
        sets[s] = {**figures(js), **_recall(exs)}
    blind = [j for j in judged if j.example.set not in _dev_sets()]
    return {
        "thresholds": {"answered": confidence["answered"], "not_found": confidence["not_found"]},
        "per_set": sets,
        "blind_sets_pooled": figures(blind),
        "all_sets_pooled": figures(judged),
        "untouched": {**figures(final), **_recall(held)} if held else {},
        "reliability_cv": reliability(
            [j.p for j in judged], [j.choice.passage_right for j in judged]
        ),
        "ece_cv": expected_calibration_error(
            [j.p for j in judged], [j.choice.passage_right for j in judged]
        ),
        "ece_cv_chance": ece_by_chance([j.p for j in judged]),
        "risk_coverage_cv": risk_coverage(judged)[:: max(1, len(judged) // 40)],
    }


def _dev_sets() -> set[str]:
    return {p.stem for p in gold_files(EVAL / "gold")}


_COUNTS = {"questions", "answerable", "answered", "uncertain", "not_found"}  # shown whole


def _fmt(x: float, column: str = "") -> str:
    if isinstance(x, float) and math.isnan(x):
        return "–"
    return f"{x:.0f}" if column in _COUNTS else f"{x:.3f}"


def _markdown(report: dict[str, Any]) -> str:
    cols = [
        "questions",
        "answered",
        "uncertain",
        "not_found",
        "answered_precision",
        "not_found_precision",
        "answerable_not_found",
        "sentence_right",
        "ece",
        "ece_chance",
        "recall@5",
        "mrr@10",
    ]
    lines = [
        "# The judge on sets it did not see",
        "",
        f"Thresholds: answered ≥ {report['thresholds']['answered']:.3f}, "
        f"not found < {report['thresholds']['not_found']:.3f} (calibrated probability).",
        "",
        "Leave one set out: each row is judged by models fitted on the other sets.",
        "",
        "| set | " + " | ".join(cols) + " |",
        "|" + "---|" * (len(cols) + 1),
    ]
    rows = list(report["per_set"].items())
    if "untouched" in report:
        rows.append(("**untouched**", report["untouched"]))
    for name, f in rows:
        shown = " | ".join(_fmt(f.get(c, float("nan")), c) for c in cols)
        lines.append(f"| {name} | {shown} |")
    for name in ("blind_sets_pooled", "all_sets_pooled"):
        f = report[name]
        shown = " | ".join(_fmt(f.get(c, float("nan")), c) for c in cols)
        lines.append(f"| {name} | {shown} |")
    lines += [
        "",
        f"Expected calibration error (leave one set out, all sets): {report['ece_cv']:.3f} "
        f"(a perfectly calibrated confidence: {report['ece_cv_chance'][0]:.3f} at the median, "
        f"{report['ece_cv_chance'][1]:.3f} at the 90th percentile). "
        "`ece_chance` is the median error a perfectly calibrated confidence shows on the same "
        "questions (outcomes drawn with its probabilities, ten bins): on a few hundred "
        "questions chance alone gives an error of about 0.05.",
        "",
        "Reliability (mean confidence → observed share, count): "
        + ", ".join(f"{a:.2f}→{b:.2f} ({n})" for a, b, n in report["reliability_cv"]),
        "",
        "![reliability](reliability.png) ![risk-coverage](risk_coverage.png)",
    ]
    return "\n".join(lines) + "\n"


def _plots(judged: list[Judged], final: list[Judged], out_dir: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 4))
    for name, js in (("leave one set out", judged), ("untouched", final)):
        pts = reliability([j.p for j in js], [j.choice.passage_right for j in js])
        ax.plot([a for a, _, _ in pts], [b for _, b, _ in pts], marker="o", label=name)
    ax.plot([0, 1], [0, 1], "k--", lw=0.8)
    ax.set_xlabel("confidence")
    ax.set_ylabel("share whose passage answers")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out_dir / "reliability.png", dpi=110)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(4, 4))
    for name, js in (("leave one set out", judged), ("untouched", final)):
        rc = risk_coverage(js)
        ax.plot([c for c, _ in rc], [r for _, r in rc], label=name)
    ax.set_xlabel("coverage (share answered)")
    ax.set_ylabel("risk (share wrong)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out_dir / "risk_coverage.png", dpi=110)
    plt.close(fig)

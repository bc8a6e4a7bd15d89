"""The evaluation report: a markdown table (also printed), and a recall@k chart.

``report`` is the dict that ``eval.runner`` writes to report.json. Its optional
``"significance"`` entry is what ``eval.metrics.paired_significance`` returns; when present,
report.md gets a "Paired significance" section comparing each configuration with the
baseline (every pair when there is none).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

COLUMNS = ["recall@1", "recall@3", "recall@5", "recall@10", "mrr@10", "ndcg@10"]
TEST_LABELS = {"student": "p t-test", "fisher": "p randomization", "tukey": "p Tukey HSD"}


def markdown_table(report: dict[str, Any]) -> str:
    lines = [
        "| config | "
        + " | ".join(COLUMNS)
        + " | R@5 en | MRR en | abst. F1 | false abst. | p50 ms | p95 ms |",
        "|---" * (len(COLUMNS) + 7) + "|",
    ]
    for s in report["configs"]:
        en = s["by_lang"].get("en", {})
        ab = s["abstention"]
        lines.append(
            f"| {s['name']} | "
            + " | ".join(f"{s[c]:.3f}" for c in COLUMNS)
            + f" | {en.get('recall@5', 0):.3f} | {en.get('mrr@10', 0):.3f}"
            + f" | {ab['f1']:.3f} | {ab['false_abstention_rate']:.3f}"
            + f" | {s['latency_ms']['p50']:.1f} | {s['latency_ms']['p95']:.1f} |"
        )
    return "\n".join(lines)


def kind_table(report: dict[str, Any]) -> str:
    kinds = sorted({k for s in report["configs"] for k in s["by_kind"]})
    lines = [
        "| config | " + " | ".join(f"R@5 {k}" for k in kinds) + " |",
        "|---" * (len(kinds) + 1) + "|",
    ]
    for s in report["configs"]:
        lines.append(
            f"| {s['name']} | "
            + " | ".join(f"{s['by_kind'].get(k, {}).get('recall@5', 0):.3f}" for k in kinds)
            + " |"
        )
    return "\n".join(lines)


def set_table(report: dict[str, Any]) -> str:
    """Per question set: retrieval on its answerable questions, abstention on all of them."""
    lines = [
        "| config | set | questions | unanswerable | R@5 | MRR@10 | abst. F1 | precision | recall "
        "| false abst. |",
        "|---" * 10 + "|",
    ]
    for s in report["configs"]:
        for name, b in s.get("by_set", {}).items():
            ab = b["abstention"]
            lines.append(
                f"| {s['name']} | {name} | {ab['questions']} | {ab['unanswerable']} "
                f"| {b['recall@5']:.3f} | {b['mrr@10']:.3f} | {ab['f1']:.3f} "
                f"| {ab['precision']:.2f} | {ab['recall']:.2f} "
                f"| {ab['false_abstention_rate']:.3f} |"
            )
    return "\n".join(lines)


def _share(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def outcome_table(report: dict[str, Any]) -> str:
    """Per question set: the three outcomes, and how right each is."""
    lines = [
        "| config | set | answered | uncertain | not found | answered: right sentence "
        "| not found: truly unanswerable | answerable → not found | shown sentence right |",
        "|---" * 9 + "|",
    ]
    for s in report["configs"]:
        for name, b in s.get("by_set", {}).items():
            o = b.get("outcomes")
            if not o:
                continue
            lines.append(
                f"| {s['name']} | {name} | {o['answered']} | {o['uncertain']} | {o['not_found']} "
                f"| {_share(o['answered_precision'])} | {_share(o['not_found_precision'])} "
                f"| {_share(o['answerable_not_found'])} | {_share(o['sentence_right'])} |"
            )
    return "\n".join(lines)


def significance_table(sig: dict[str, Any]) -> str:
    """Each configuration against the baseline (every pair without one), per metric: both
    means, the difference, on how many questions it does better/the same/worse, and a
    p-value per test, bold when at most ``max_p``."""
    tests, base = sig["tests"], sig.get("baseline")
    lines = [
        "| config | against | metric | score | its score | diff | better/same/worse | "
        + " | ".join(TEST_LABELS.get(t, f"p {t}") for t in tests)
        + " |",
        "|---" * (7 + len(tests)) + "|",
    ]
    for metric in sig["metrics"]:
        for p in sig["pairs"]:
            if p["metric"] != metric or (base is not None and base not in (p["a"], p["b"])):
                continue
            me, it = ("b", "a") if p["a"] == base else ("a", "b")
            mine, theirs = p[f"mean_{me}"], p[f"mean_{it}"]
            cells = [_p(p["p_value"][t], p["significant"][t]) for t in tests]
            lines.append(
                f"| {p[me]} | {p[it]} | {metric} | {mine:.3f} | {theirs:.3f} "
                f"| {mine - theirs:+.3f} | {p[f'wins_{me}']}/{p['ties']}/{p[f'wins_{it}']} | "
                + " | ".join(cells)
                + " |"
            )
    return "\n".join(lines)


def _p(p: float, significant: bool) -> str:
    text = "<0.001" if p < 0.001 else f"{p:.3f}"
    return f"**{text}**" if significant else text


def write_reports(report: dict[str, Any], out_dir: Path) -> str:
    """Write report.md and recall.png; return the main table."""
    table = markdown_table(report)
    parts = [
        "# Retrieval evaluation",
        f"Question sets {', '.join(f'`{g}`' for g in report['gold'])}: "
        f"{report['items']} questions, {report['answerable']} answerable. "
        f"Embedder: `{report['embedder']}`.",
        "",
        table,
        "",
        "Recall@5 by kind:",
        "",
        kind_table(report),
        "",
        "By question set (abstention: the not-found outcome):",
        "",
        set_table(report),
        "",
        "Outcomes by question set (answered / uncertain / not found; `vraagbaak fit` gives "
        "them for sets the judge never saw, with its calibration):",
        "",
        outcome_table(report),
    ]
    for s in report["configs"]:
        acc = s.get("answer_sentence_accuracy")
        if acc is not None:
            parts.append(f"\n`{s['name']}` answering sentence on the evidence: {acc:.3f}")
        cal = s.get("abstention_calibrated")
        if cal:
            parts.append(
                f"\n`{s['name']}` calibrated abstention threshold {cal['threshold']:.3f}: "
                f"F1 {cal['f1']:.3f}, false abstention {cal.get('false_abstention_rate', 0):.3f}"
            )
    sig = report.get("significance")
    if sig:
        parts += [
            "\n## Paired significance\n",
            f"{sig['questions']} answerable questions, each configuration paired with "
            + (f"`{sig['baseline']}`" if sig.get("baseline") else "each other one")
            + f" on the same questions; p <= {sig['max_p']} in bold"
            + (
                " (t-test and randomization p-values are not corrected for testing many "
                "configurations and metrics at once)"
                if {"student", "fisher"} & set(sig["tests"])
                else ""
            )
            + ". Better/same/worse counts the questions on which the configuration scores "
            "above, at, or below the one it is compared with.",
            "",
            significance_table(sig),
        ]
    if report["evidence_not_located"]:
        parts.append(f"\nEvidence not found in the corpus: {report['evidence_not_located']}")
    for name, fails in report["failures"].items():
        parts.append(f"\n## Misses of `{name}` (no hit in the top 5): {len(fails)}\n")
        for f in fails:
            got = f["first_returned"] or {}
            parts.append(
                f"- **{f['id']}** ({f['kind']}) {f['question']}\n"
                f"  - expected ({f['expected_section']}): {f['expected']}\n"
                f"  - first returned ({got.get('section')}): {_oneline(got.get('text'))[:200]}"
            )
    (out_dir / "report.md").write_text("\n".join(parts) + "\n")
    _chart(report, out_dir / "recall.png")
    return table


def _oneline(text: object) -> str:
    return " ".join(str(text or "").split())


def _chart(report: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ks = [1, 3, 5, 10]
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    for s in report["configs"]:
        ax.plot(ks, [s[f"recall@{k}"] for k in ks], marker="o", label=s["name"])
    ax.set_xlabel("k")
    ax.set_ylabel("Recall@k")
    ax.set_xticks(ks)
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.set_title("Recall@k per configuration")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)

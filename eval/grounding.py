"""``python -m eval.grounding``: the support threshold of generated sentences
(``VRAAGBAAK_LLM_SUPPORT``), chosen on the question sets.

For every answerable question a *true statement* is the question with the writer's answer
("Hoeveel centra ...? Zestien."), which is what a model's sentence restates. Its support
(``qa.support``: the best window similarity) is measured against:

- the passage that holds the evidence (it supports the statement);
- the best-ranked retrieved passage that does not hold it (same report, same subject: the
  hard case, a sentence citing a source that does not say it);
- the evidence passage of another question of the same report (an unrelated source).

The rule (``keep95``, the default) is the highest threshold that keeps 95% of the true
statements: the similarity guards against citing an unrelated source, while the values a
sentence states are checked one by one (``qa.grounding``), since no similarity separates a
true statement from a close one well (``youden``, Youden's J on true against hard pairs, is
there to show it). It is chosen on all sets but one and measured on the one left out (leave
one set out), then on every set together for the shipped value. The training pool is
``eval/gold`` and ``eval/blind``; nothing in ``eval/untouched`` is read.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score, roc_curve

from eval.fitrun import POOL, build_ready, load_docs
from eval.gold import GoldItem, gold_files, load_gold_sets
from eval.runner import locate
from index.search import Hit
from ingest.models import Chunk
from qa.pipeline import ReadyIndex
from qa.support import window_support
from vraagbaak.settings import get_settings


@dataclass(frozen=True)
class Pair:
    set: str
    kind: str  # true / hard / other
    score: float


def statement(item: GoldItem) -> str:
    return f"{item.question.strip()} {(item.answer or '').strip()}".strip()


def _holding(chunks: list[Chunk], where: tuple[str, int, int]) -> Chunk | None:
    doc, start, _ = where
    for c in chunks:
        if c.document_id == doc and c.char_start <= start < c.char_end:
            return c
    return None


def collect_pairs(
    ready: ReadyIndex,
    items: list[GoldItem],
    where: dict[str, tuple[str, int, int]],
    seed: int = 0,
) -> list[Pair]:
    rng = random.Random(seed)
    chunks = list(ready.searcher.snapshot.chunks)
    holders = {i.id: _holding(chunks, where[i.id]) for i in items if i.id in where}
    pairs: list[Pair] = []
    for item in items:
        gold = holders.get(item.id)
        if gold is None or not item.answer:
            continue
        text = statement(item)

        def score(chunk: Chunk, text: str = text) -> float:
            return window_support(ready, [Hit(chunk, 0.0, 0.0, 0.0)])(text, [0])

        pairs.append(Pair(item.set, "true", score(gold)))
        hits = ready.searcher.search(item.question, top_k=10)
        doc, start, end = where[item.id]
        hard = next(
            (
                h.chunk
                for h in hits
                if h.chunk.id != gold.id
                and not (
                    h.chunk.document_id == doc
                    and h.chunk.char_start < end
                    and start < h.chunk.char_end
                )
            ),
            None,
        )
        if hard is not None:
            pairs.append(Pair(item.set, "hard", score(hard)))
        others = [
            c
            for k, c in holders.items()
            if c is not None
            and k != item.id
            and c.document_id == gold.document_id
            and c.id != gold.id
        ]
        if others:
            pairs.append(Pair(item.set, "other", score(rng.choice(others))))
    return pairs


KEEP_TRUE = 0.95  # the share of true statements the threshold must keep


def youden(pairs: list[Pair]) -> float:
    """The threshold that best separates true from hard pairs (Youden's J)."""
    ys = np.array([p.kind == "true" for p in pairs if p.kind in ("true", "hard")], dtype=int)
    xs = np.array([p.score for p in pairs if p.kind in ("true", "hard")])
    fpr, tpr, thresholds = roc_curve(ys, xs)
    best = int(np.argmax(tpr - fpr))
    return float(thresholds[best])


def keeping(pairs: list[Pair], share: float = KEEP_TRUE) -> float:
    """The highest threshold that keeps ``share`` of the true statements."""
    return float(np.quantile([p.score for p in pairs if p.kind == "true"], 1 - share))


RULES = {"keep95": keeping, "youden": youden}


def rates(pairs: list[Pair], threshold: float) -> dict[str, float]:
    out: dict[str, float] = {}
    for kind in ("true", "hard", "other"):
        xs = [p.score for p in pairs if p.kind == kind]
        out[f"kept_{kind}"] = float(np.mean([x >= threshold for x in xs])) if xs else float("nan")
        out[f"n_{kind}"] = len(xs)
    th = [(p.kind == "true", p.score) for p in pairs if p.kind in ("true", "hard")]
    if len({y for y, _ in th}) == 2:
        out["auc_true_vs_hard"] = float(roc_auc_score([y for y, _ in th], [x for _, x in th]))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m eval.grounding", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("eval/out/grounding.json"))
    parser.add_argument("--pairs", type=Path, help="reuse the scored pairs of an earlier --out")
    parser.add_argument("--rule", choices=sorted(RULES), default="keep95")
    args = parser.parse_args(argv)
    if args.pairs:
        pairs = [Pair(**p) for p in json.loads(args.pairs.read_text())["scored"]]
    else:
        pairs = _score()
    choose = RULES[args.rule]
    sets = sorted({p.set for p in pairs})
    per_set: dict[str, dict[str, float]] = {}
    for s in sets:
        chosen = choose([p for p in pairs if p.set != s])
        per_set[s] = {"threshold": chosen, **rates([p for p in pairs if p.set == s], chosen)}
    shipped = choose(pairs)
    kinds = ("kept_true", "kept_hard", "kept_other")
    result = {
        "rule": args.rule,
        "threshold": shipped,
        "all_sets": rates(pairs, shipped),
        "left_out": per_set,
        "left_out_mean": {k: float(np.mean([per_set[s][k] for s in sets])) for k in kinds},
        "scored": [p.__dict__ for p in pairs],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    lines = [
        f"rule {args.rule}; threshold on all sets: {shipped:.3f}",
        "",
        "| set left out | threshold | true kept | hard kept | other kept | AUC true/hard "
        "| n true |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for s, r in per_set.items():
        lines.append(
            f"| {s} | {r['threshold']:.3f} | {r['kept_true']:.3f} | {r['kept_hard']:.3f} | "
            f"{r['kept_other']:.3f} | {r.get('auc_true_vs_hard', float('nan')):.3f} "
            f"| {int(r['n_true'])} |"
        )
    m = result["left_out_mean"]
    lines.append(
        f"| **mean** | | {m['kept_true']:.3f} | {m['kept_hard']:.3f} | {m['kept_other']:.3f} | | |"
    )
    print("\n".join(lines))


def _score() -> list[Pair]:
    settings = get_settings()
    say = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    docs = load_docs(settings)
    items = load_gold_sets([p for d in POOL for p in gold_files(d)])
    where = locate(items, docs)
    ready = build_ready(settings, docs)
    say(f"scoring {len(items)} questions")
    return collect_pairs(ready, items, where)


if __name__ == "__main__":
    main()

"""``python -m bench.stores``: the evaluation on both stores, FAISS and Qdrant, side by side.

Each store gets its own index folder, built by the real reindex (``index.builder``) from
the same reports with the same embeddings (the configured embedder; vectors come from a
copy of the embedding cache, so only what it lacks is embedded, once), and is loaded as the
service loads it (``Snapshot.load``). Every question of every set is then answered by the
one ``qa.answer`` with the same query vector on both. Per set: recall@5 and MRR@10 on each
store, and how many questions got identical citations (the same passages in the same order,
the same answer sentence and the same outcome), how many got the same scores within 1e-4
(fused, dense and lexical of every passage, confidence, and the sentence's probability), and
the largest difference of any of those scores.

Qdrant runs in qdrant-client's local mode unless ``VRAAGBAAK_QDRANT_URL`` is set.

    python -m bench.stores                       # GREVIO and the development sets
    python -m bench.stores --with-test-reports   # also the four test reports and blind sets
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval.gold import GOLD_DIR, GoldItem, gold_files, load_gold_sets
from eval.metrics import is_hit, percentile, retrieval_scores
from eval.runner import load_corpus, locate
from index.builder import reindex
from index.embedders import Embedder, make_embedder
from index.search import SearchConfig, Searcher, Snapshot
from ingest.lang import warm_up
from qa import AskResult, ReadyIndex, answer
from vraagbaak.settings import Settings, get_settings

STORES = ("faiss", "qdrant")
K = 10
REPORTS = GOLD_DIR.parent / "reports"
BLIND = GOLD_DIR.parent / "blind"


def citations(result: AskResult) -> dict[str, Any]:
    """What a person is shown: the passages in order, the sentence, the outcome."""
    chosen = result.candidate
    return {
        "passages": [
            (h.chunk.document_id, h.chunk.id, h.chunk.page_start, h.chunk.section)
            for h in result.hits
        ],
        "sentence": (chosen.passage_id, chosen.start, chosen.end) if chosen else None,
        "status": result.status,
    }


def scores(result: AskResult) -> list[float]:
    return [
        *(x for h in result.hits for x in (h.score, h.dense, h.lexical)),
        result.confidence,
        result.correct,
    ]


def build(
    settings: Settings, store: str, folder: Path, embedder: Embedder, cache: Path
) -> dict[str, Any]:
    """Index the corpus in ``store`` under ``folder``, its embeddings cache a copy of
    ``cache`` (written back: the other store then embeds nothing); the loaded searcher."""
    s = settings.model_copy(update={"data_dir": folder, "store": store})
    s.index_dir.mkdir(parents=True, exist_ok=True)
    if cache.is_file():
        shutil.copy(cache, s.index_dir / "embeddings.sqlite")
    t0 = time.perf_counter()
    report = reindex(s, embedder)
    built = time.perf_counter() - t0
    shutil.copy(s.index_dir / "embeddings.sqlite", cache)
    t0 = time.perf_counter()
    snapshot = Snapshot.load(s.index_dir, embedder, s)
    loaded = time.perf_counter() - t0
    searcher = Searcher(snapshot, embedder, SearchConfig())
    return {
        "ready": ReadyIndex.of(searcher),
        "searcher": searcher,
        "reindex_s": built,
        "embedded": report.embedded,
        "load_s": loaded,
        "kind": snapshot.store.kind,
        "vectors": len(snapshot.store),
        "passages": len(snapshot.chunks),
    }


def run(
    settings: Settings,
    gold: list[Path],
    embedder: Embedder | None = None,
    log: Any = None,
    cache: Path | None = None,
) -> dict[str, Any]:
    """Both stores over the question sets ``gold``; the figures per set and store.
    ``cache``: an embedding cache to start from and keep (default: a copy of the index
    folder's, left as it was)."""
    say = log or (lambda _msg: None)
    embedder = embedder or make_embedder(settings.embedder)
    items: list[GoldItem] = load_gold_sets(gold)
    warm_up()
    docs = load_corpus(settings)
    where = locate(items, docs)
    out: dict[str, Any] = {"embedder": embedder.name, "reports": len(docs), "stores": {}}
    answers: dict[str, dict[str, AskResult]] = {}
    qvecs: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="vraagbaak-stores-") as tmp:
        shared = cache or Path(tmp) / "embeddings.sqlite"
        configured = settings.index_dir / "embeddings.sqlite"
        if cache is None and configured.is_file():
            shutil.copy(configured, shared)
        for store in STORES:
            say(f"{store}: building the index")
            b = build(settings, store, Path(tmp) / store, embedder, shared)
            say(f"{store}: {b['passages']} passages, {b['vectors']} vectors ({b['kind']})")
            got: dict[str, AskResult] = {}
            latency: list[float] = []
            for item in items:
                text = b["searcher"].expand(item.question)
                if text not in qvecs:
                    qvecs[text] = embedder.embed_queries([text])[0]
                got[item.id] = answer(
                    b["ready"],
                    item.question,
                    threshold=settings.abstain_threshold,
                    top_k=K,
                    query_vector=qvecs[text],
                )
                latency.append(got[item.id].took_ms)
            answers[store] = got
            out["stores"][store] = {
                k: v for k, v in b.items() if k not in ("ready", "searcher")
            } | {"answer_p50_ms": percentile(latency, 50), "answer_p95_ms": percentile(latency, 95)}
    sets: dict[str, Any] = {}
    for name in sorted({i.set for i in items}):
        mine = [i for i in items if i.set == name]
        row: dict[str, Any] = {"questions": len(mine), "answerable": 0}
        for store in STORES:
            flags = {}
            for item in (i for i in mine if i.answerable):
                hits = answers[store][item.id].hits
                target = where.get(item.id)  # evidence not found in the reports: a miss
                doc_id, s, e = target or ("", 0, 0)
                flags[item.id] = [
                    target is not None
                    and h.chunk.document_id == doc_id
                    and is_hit((h.chunk.char_start, h.chunk.char_end), (s, e))
                    for h in hits
                ]
            m = retrieval_scores(flags)
            row["answerable"] = len(flags)
            row[store] = {"recall@5": m["recall@5"], "mrr@10": m["mrr@10"]}
        a, b2 = answers["faiss"], answers["qdrant"]
        row["same_citations"] = sum(citations(a[i.id]) == citations(b2[i.id]) for i in mine)
        row["same_scores"] = sum(
            len(scores(a[i.id])) == len(scores(b2[i.id]))
            and all(
                abs(x - y) <= 1e-4 for x, y in zip(scores(a[i.id]), scores(b2[i.id]), strict=True)
            )
            for i in mine
        )
        row["max_score_difference"] = max(
            (
                abs(x - y)
                for i in mine
                if len(scores(a[i.id])) == len(scores(b2[i.id]))
                for x, y in zip(scores(a[i.id]), scores(b2[i.id]), strict=True)
            ),
            default=0.0,
        )
        row["differing"] = [i.id for i in mine if citations(a[i.id]) != citations(b2[i.id])]
        sets[name] = row
    out["sets"] = sets
    return out


def render(result: dict[str, Any]) -> str:
    lines = [
        "| set | questions | recall@5 faiss | recall@5 qdrant | MRR@10 faiss | MRR@10 qdrant "
        "| same citations | same scores (1e-4) | largest score difference |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in result["sets"].items():
        f, q = row["faiss"], row["qdrant"]
        lines.append(
            f"| {name} | {row['questions']} | {f['recall@5']:.3f} | {q['recall@5']:.3f} "
            f"| {f['mrr@10']:.3f} | {q['mrr@10']:.3f} "
            f"| {row['same_citations']}/{row['questions']} "
            f"| {row['same_scores']}/{row['questions']} | {row['max_score_difference']:.1e} |"
        )
    lines += [
        "",
        "| store | passages | vectors | reindex (s) | load (s) | answer p50 (ms) | p95 (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for store, st in result["stores"].items():
        lines.append(
            f"| {store} ({st['kind']}) | {st['passages']} | {st['vectors']} "
            f"| {st['reindex_s']:.1f} "
            f"| {st['load_s']:.2f} | {st['answer_p50_ms']:.1f} | {st['answer_p95_ms']:.1f} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.stores", description=__doc__)
    parser.add_argument("--gold", type=Path, nargs="*", help="question sets (default: eval/gold)")
    parser.add_argument(
        "--with-test-reports",
        action="store_true",
        help="index eval/reports beside the corpus and add the blind sets",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        help="embedding cache to start from and keep (default: a copy of the index folder's)",
    )
    parser.add_argument("--out", type=Path, default=Path("eval/out/stores.json"))
    args = parser.parse_args(argv)
    settings = get_settings()
    gold = list(args.gold or gold_files())
    with tempfile.TemporaryDirectory(prefix="vraagbaak-corpus-") as corpus:
        if args.with_test_reports:
            for path in [*settings.corpus_dir.iterdir(), *sorted(REPORTS.glob("*.pdf"))]:
                if path.is_file():
                    shutil.copy(path, Path(corpus) / path.name)
            settings = settings.model_copy(update={"corpus_dir": Path(corpus)})
            gold += gold_files(BLIND) if not args.gold else []
        say = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
        result = run(settings, gold, log=say, cache=args.cache)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(render(result))


if __name__ == "__main__":
    main()

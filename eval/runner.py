"""``vraagbaak eval``: score retrieval on a gold set, several configurations side by side.

In-process by default (each configuration's index is built in memory from the corpus, with
embeddings from the shared cache), or against a running service with ``--url``.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from eval.gold import GoldItem, NormalizedText, gold_files, load_gold_sets, page_at
from eval.metrics import (
    abstention_scores,
    is_hit,
    paired_significance,
    percentile,
    retrieval_scores,
)
from eval.report import write_reports
from eval.variants import CONFIGS, DEFAULT_CONFIGS, EvalConfig, build_snapshot
from index.background import load_background
from index.cache import EmbeddingCache
from index.embedders import Embedder, make_embedder
from index.search import Searcher
from ingest.lang import warm_up
from ingest.models import Document
from ingest.pipeline import ingest_with_settings, iter_report_files
from qa import ReadyIndex, answer
from vraagbaak.errors import ConfigError
from vraagbaak.settings import Settings

K = 10


@dataclass
class Outcome:
    """What one configuration returned for one question."""

    item: GoldItem
    flags: list[bool]
    confidence: float
    latency_ms: float
    abstained: bool  # what the service decided: "not found in the reports"
    first: dict[str, Any] | None = None
    answer_hit: bool | None = None  # the answering sentence lies on the evidence span
    status: str = ""  # answered | uncertain | not_found


@dataclass
class ConfigResult:
    name: str
    description: str
    outcomes: list[Outcome] = field(default_factory=list)


def locate(items: list[GoldItem], docs: list[Document]) -> dict[str, tuple[str, int, int]]:
    """Where each evidence span lies: item id -> (document_id, start, end) in the cleaned text."""
    norm = [(d, NormalizedText(d.text)) for d in docs]
    where: dict[str, tuple[str, int, int]] = {}
    for item in items:
        if item.evidence is None:
            continue
        for doc, nt in norm:
            span = nt.find(item.evidence)
            if span:
                where[item.id] = (doc.document_id, *span)
                break
    return where


def answer_on_evidence(
    answer: tuple[str, int, int] | None, evidence: tuple[str, int, int] | None
) -> bool | None:
    """Whether the answer sentence overlaps the evidence span by at least half of the shorter
    of the two; None for questions without evidence."""
    if evidence is None:
        return None
    if answer is None or answer[0] != evidence[0]:
        return False
    overlap = min(answer[2], evidence[2]) - max(answer[1], evidence[1])
    shorter = min(answer[2] - answer[1], evidence[2] - evidence[1])
    return shorter > 0 and overlap / shorter >= 0.5


def _flags(passages: list[tuple[str, int, int]], target: tuple[str, int, int] | None) -> list[bool]:
    if target is None:
        return [False] * len(passages)
    doc_id, s, e = target
    return [d == doc_id and is_hit((ps, pe), (s, e)) for d, ps, pe in passages]


def _run_config(
    cfg: EvalConfig,
    items: list[GoldItem],
    where: dict[str, tuple[str, int, int]],
    docs: list[Document],
    embedder: Embedder,
    cache: EmbeddingCache,
    snapshots: dict[Any, Any],
    query_vectors: dict[str, tuple[Any, float]],
    settings: Settings,
) -> ConfigResult:
    snap = snapshots.get(cfg.variant)
    if snap is None:
        snap = snapshots[cfg.variant] = build_snapshot(
            docs, cfg.variant, embedder, cache, load_background(settings.background)
        )
    searcher = Searcher(snap, embedder, cfg.search)
    ready = ReadyIndex.of(searcher)
    result = ConfigResult(cfg.name, cfg.description)
    for item in items:
        embed_ms = 0.0
        qv = None
        if cfg.search.mode != "lexical":
            text = searcher.expand(item.question)
            if text not in query_vectors:
                t0 = time.perf_counter()
                vec = embedder.embed_queries([text])[0]
                query_vectors[text] = (vec, (time.perf_counter() - t0) * 1000)
            qv, embed_ms = query_vectors[text]
        asked = answer(
            ready, item.question, threshold=settings.abstain_threshold, top_k=K, query_vector=qv
        )
        hits = asked.hits
        passages = [(h.chunk.document_id, h.chunk.char_start, h.chunk.char_end) for h in hits]
        first = (
            {"section": hits[0].chunk.section, "text": hits[0].chunk.text[:300]} if hits else None
        )
        span = None
        if asked.candidate:
            chunk = next(h.chunk for h in hits if h.chunk.id == asked.candidate.passage_id)
            span = (
                chunk.document_id,
                chunk.char_start + asked.candidate.start,
                chunk.char_start + asked.candidate.end,
            )
        result.outcomes.append(
            Outcome(
                item,
                _flags(passages, where.get(item.id)),
                asked.confidence,
                asked.took_ms + embed_ms,
                not asked.answerable,
                first,
                answer_on_evidence(span, where.get(item.id)),
                asked.status,
            )
        )
    return result


def _run_url(
    url: str,
    items: list[GoldItem],
    where: dict[str, tuple[str, int, int]],
    client: Any | None = None,
) -> ConfigResult:
    """Ask a running service every question; ``client`` (an ``httpx.Client``) may be given."""
    import httpx

    result = ConfigResult("service", f"running service at {url}")
    with client or httpx.Client(base_url=url, timeout=60) as client:
        for item in items:
            t0 = time.perf_counter()
            resp = client.post("/ask", json={"question": item.question, "top_k": K})
            took = (time.perf_counter() - t0) * 1000
            if resp.status_code != 200:
                raise ConfigError(f"{url}/ask answered {resp.status_code}: {resp.text[:200]}")
            data = resp.json()
            ps = data["passages"]
            passages = [
                (
                    p["citation"]["document_id"],
                    p["citation"]["char_start"],
                    p["citation"]["char_end"],
                )
                for p in ps
            ]
            first = (
                {"section": ps[0]["citation"]["section"], "text": ps[0]["text"][:300]}
                if ps
                else None
            )
            result.outcomes.append(
                Outcome(
                    item,
                    _flags(passages, where.get(item.id)),
                    data["confidence"],
                    took,
                    not data["answerable"],
                    first,
                    status=data.get("status", ""),
                )
            )
    return result


def summarize(result: ConfigResult, threshold: float | None, in_process: bool) -> dict[str, Any]:
    """Metrics of one configuration: retrieval over answerable items, abstention over all."""
    answerable = [o for o in result.outcomes if o.item.answerable]

    def block(outs: list[Outcome]) -> dict[str, float]:
        m = retrieval_scores({o.item.id: o.flags for o in outs})
        m["n"] = len(outs)
        return m

    summary: dict[str, Any] = {"name": result.name, "description": result.description}
    summary.update(block(answerable))
    judged = [o.answer_hit for o in answerable if o.answer_hit is not None]
    summary["answer_sentence_accuracy"] = sum(judged) / len(judged) if judged else None
    kinds = sorted({o.item.kind for o in answerable})
    summary["by_kind"] = {k: block([o for o in answerable if o.item.kind == k]) for k in kinds}
    langs = sorted({o.item.lang for o in answerable})
    summary["by_lang"] = {g: block([o for o in answerable if o.item.lang == g]) for g in langs}
    summary["abstention"] = _abstention(result.outcomes, threshold)
    summary["outcomes"] = outcome_figures(result.outcomes)
    sets = sorted({o.item.set for o in result.outcomes})
    summary["by_set"] = {
        name: block([o for o in answerable if o.item.set == name])
        | {"abstention": _abstention([o for o in result.outcomes if o.item.set == name], threshold)}
        | {"outcomes": outcome_figures([o for o in result.outcomes if o.item.set == name])}
        for name in sets
    }
    if in_process:
        summary["abstention_calibrated"] = calibrate(result.outcomes)
    lat = [o.latency_ms for o in result.outcomes]
    summary["latency_ms"] = {"p50": percentile(lat, 50), "p95": percentile(lat, 95)}
    return summary


def outcome_figures(outcomes: list[Outcome]) -> dict[str, float | None]:
    """The three outcomes: how many of each, the share of answered questions whose sentence
    holds the answer, of not-found ones that are truly unanswerable, and of answerable ones
    that ended as not found."""
    answered = [o for o in outcomes if o.status == "answered"]
    not_found = [o for o in outcomes if o.status == "not_found"]
    answerable = [o for o in outcomes if o.item.answerable]

    def share(values: list[bool]) -> float | None:
        return sum(values) / len(values) if values else None

    return {
        "answered": len(answered),
        "uncertain": sum(o.status == "uncertain" for o in outcomes),
        "not_found": len(not_found),
        "answered_precision": share([bool(o.answer_hit) for o in answered]),
        "not_found_precision": share([not o.item.answerable for o in not_found]),
        "answerable_not_found": share([o.status == "not_found" for o in answerable]),
        "sentence_right": share([bool(o.answer_hit) for o in answerable]),
    }


def _abstention(outcomes: list[Outcome], threshold: float | None) -> dict[str, Any]:
    actual = [not o.item.answerable for o in outcomes]
    predicted = [o.abstained for o in outcomes]
    return abstention_scores(predicted, actual) | {
        "threshold": threshold,
        "unanswerable": sum(actual),
        "questions": len(outcomes),
    }


def calibrate(outcomes: list[Outcome], max_false: float = 0.05) -> dict[str, float]:
    """The threshold with the best abstention F1 among those that wrongly abstain on at most
    ``max_false`` of the answerable questions: the middle of the range of confidences where
    that F1 holds, so that it does not sit on the edge of one question."""
    actual = [not o.item.answerable for o in outcomes]
    confidences = sorted({o.confidence for o in outcomes})
    if not confidences:
        return {"threshold": 0.0, "f1": 0.0}
    # a threshold between each two neighbouring confidences, and one above the highest
    cuts = [(a + b) / 2 for a, b in pairwise(confidences)] + [confidences[-1] + 1e-6]
    best: dict[str, float] = {"threshold": 0.0, "f1": 0.0}
    plateau: list[float] = []
    for t in cuts:
        scores = abstention_scores([o.confidence < t for o in outcomes], actual)
        if scores["false_abstention_rate"] > max_false:
            continue
        if scores["f1"] > best["f1"] + 1e-12:
            best, plateau = scores | {"threshold": t}, [t]
        elif plateau and abs(scores["f1"] - best["f1"]) <= 1e-12:
            plateau.append(t)
    if plateau:
        # the confidences bounding the plateau: from below its first cut to above its last
        low = max([c for c in confidences if c < plateau[0]], default=plateau[0])
        high = min([c for c in confidences if c > plateau[-1]], default=plateau[-1])
        middle = round((low + high) / 2, 4)
        scores = abstention_scores([o.confidence < middle for o in outcomes], actual)
        if abs(scores["f1"] - best["f1"]) <= 1e-12:  # the range may have gaps; then keep the edge
            best = scores | {"threshold": middle}
    return best


def failures(result: ConfigResult, k: int = 5) -> list[dict[str, Any]]:
    """Answerable questions with no hit in the top k: what was asked, expected, returned."""
    return [
        {
            "id": o.item.id,
            "kind": o.item.kind,
            "question": o.item.question,
            "expected_section": o.item.section,
            "expected": o.item.evidence,
            "first_returned": o.first,
        }
        for o in result.outcomes
        if o.item.answerable and not any(o.flags[:k])
    ]


def _shown(path: Path) -> str:
    """A path relative to the working folder when it lies inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def load_corpus(settings: Settings) -> list[Document]:
    files = list(iter_report_files(settings.corpus_dir))
    if not files:
        raise ConfigError(f"no reports in {settings.corpus_dir}; set VRAAGBAAK_CORPUS_DIR")
    return [ingest_with_settings(p, settings) for p in files]


def run_eval(
    settings: Settings,
    gold: Path | list[Path] | None = None,
    url: str | None = None,
    configs: list[str] | None = None,
    out_dir: Path = Path("eval/out"),
    embedder: Embedder | None = None,
) -> str:
    """Run the evaluation, write report.json/report.md/recall.png; returns the markdown table.

    ``gold`` is one question set or several; by default, every set in ``eval/gold``."""
    paths = [gold] if isinstance(gold, Path) else (gold or gold_files())
    items = load_gold_sets(paths)
    warm_up()
    docs = load_corpus(settings)
    where = locate(items, docs)
    missing = [i.id for i in items if i.answerable and i.id not in where]
    results: list[ConfigResult] = []
    if url:
        results.append(_run_url(url.rstrip("/"), items, where))
    else:
        names = configs or DEFAULT_CONFIGS
        unknown = [n for n in names if n not in CONFIGS]
        if unknown:
            raise ConfigError(f"unknown configuration(s) {unknown}; choose from {sorted(CONFIGS)}")
        embedder = embedder or make_embedder(settings.embedder)
        cache = EmbeddingCache(settings.index_dir / "embeddings.sqlite")
        snapshots: dict[Any, Any] = {}
        qvecs: dict[str, tuple[Any, float]] = {}
        try:
            for name in names:
                results.append(
                    _run_config(
                        CONFIGS[name],
                        items,
                        where,
                        docs,
                        embedder,
                        cache,
                        snapshots,
                        qvecs,
                        settings,
                    )
                )
        finally:
            cache.close()
    summaries = [summarize(r, settings.abstain_threshold, url is None) for r in results]
    doc_pages = {d.document_id: d.page_spans for d in docs}
    evidence_pages = {
        i: page_at(doc_pages[d], s) for i, (d, s, _) in where.items() if d in doc_pages
    }
    report = {
        "gold": [_shown(p) for p in paths],
        "items": len(items),
        "answerable": sum(i.answerable for i in items),
        "embedder": "service" if url else (embedder.name if embedder else settings.embedder),
        "evidence_not_located": missing,
        "evidence_pages": evidence_pages,
        "configs": summaries,
        "failures": {r.name: failures(r) for r in results},
    }
    if len(results) > 1:
        report["significance"] = paired_significance(
            {r.name: {o.item.id: o.flags for o in r.outcomes if o.item.answerable} for r in results}
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    return write_reports(report, out_dir)

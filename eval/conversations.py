"""Follow-up questions, measured: ``vraagbaak conversations``.

Each conversation of ``eval/conversations/*.jsonl`` (written blind, from a report's text only)
has two or three user turns, each with the verbatim sentence that answers it; its last turn is
a follow-up ("En in 2017?", "Waarom?") that means nothing alone. For every user turn after
the first, the passages found are scored three ways:

- ``alone``: the turn as it was typed, without the conversation;
- ``context``: what the service searches, :func:`qa.conversation.standalone` of the turn and
  the earlier user turns;
- ``written``: the writer's own standalone wording of the last turn (an upper bound; no
  system can read more into a follow-up than its writer meant).

A middle turn that stands alone must not be harmed by the context, so middle turns are
reported apart from the follow-ups.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from eval.fitrun import POOL, load_docs
from eval.gold import GoldItem, NormalizedText, gold_files, load_gold_sets
from eval.metrics import is_hit
from eval.variants import Variant, build_snapshot
from index.cache import EmbeddingCache
from index.embedders import make_embedder
from index.search import SearchConfig, Searcher
from ingest.models import Document
from qa.conversation import is_follow_up, standalone
from vraagbaak.settings import Settings

FOLDER = Path(__file__).parent / "conversations"
DEPTH = 10


@dataclass(frozen=True)
class Conversation:
    id: str
    report: str
    lang: str
    questions: list[str]  # the user turns, in order
    evidence: list[str]  # one per user turn
    written: str  # the writer's standalone form of the last turn
    kind: str
    set: str  # the file it came from

    @classmethod
    def from_dict(cls, row: dict[str, Any], set_name: str) -> Conversation:
        questions = [t["content"] for t in row["turns"] if t["role"] == "user"]
        if len(questions) != len(row["evidence"]) or len(questions) < 2:
            raise ValueError(f"{row['id']}: one evidence per user turn, two turns at least")
        return cls(
            row["id"],
            row["report"],
            row["lang"],
            questions,
            list(row["evidence"]),
            row["standalone"],
            row.get("kind", "other"),
            set_name,
        )


def load_conversations(folder: Path = FOLDER) -> list[Conversation]:
    rows: list[Conversation] = []
    for path in sorted(folder.glob("*.jsonl")):
        with open(path, encoding="utf-8") as fh:
            rows.extend(
                Conversation.from_dict(json.loads(line), path.stem) for line in fh if line.strip()
            )
    return rows


def _locate(evidence: str, docs: list[tuple[Document, NormalizedText]]) -> tuple[str, int, int]:
    for doc, text in docs:
        span = text.find(evidence)
        if span:
            return (doc.document_id, *span)
    raise ValueError(f"evidence not found in any report: {evidence[:80]!r}")


@dataclass(frozen=True)
class Turn:
    """One scored user turn (after the first)."""

    conversation: str
    set: str
    position: int  # 1: the second user turn, ...
    last: bool
    follow_up: bool  # whether the service reads it as a follow-up
    ranks: dict[str, int | None]  # way -> rank of the first passage holding the evidence


def _rank(searcher: Searcher, query: str, target: tuple[str, int, int]) -> int | None:
    doc_id, s, e = target
    for rank, hit in enumerate(searcher.search(query, top_k=DEPTH), start=1):
        c = hit.chunk
        if c.document_id == doc_id and is_hit((c.char_start, c.char_end), (s, e)):
            return rank
    return None


def score(
    searcher: Searcher, conversations: list[Conversation], docs: list[Document]
) -> list[Turn]:
    normalised = [(d, NormalizedText(d.text)) for d in docs]
    turns: list[Turn] = []
    for conv in conversations:
        for i in range(1, len(conv.questions)):
            q, earlier = conv.questions[i], conv.questions[:i]
            target = _locate(conv.evidence[i], normalised)
            last = i == len(conv.questions) - 1
            ways = {"alone": q, "context": standalone(q, earlier)}
            if last:
                ways["written"] = conv.written
            ranks = {w: _rank(searcher, text, target) for w, text in ways.items()}
            turns.append(Turn(conv.id, conv.set, i, last, is_follow_up(q), ranks))
    return turns


@dataclass(frozen=True)
class NewTopic:
    """A standalone question of a question set asked right after the question before it in
    the set: a new subject must not be read as a follow-up of the old one."""

    id: str
    read_as_follow_up: bool
    alone: int | None
    after: int | None  # the rank when asked with the previous question as its context


def new_topics(searcher: Searcher, items: list[GoldItem], docs: list[Document]) -> list[NewTopic]:
    normalised = [(d, NormalizedText(d.text)) for d in docs]
    out: list[NewTopic] = []
    for before, item in pairwise(items):
        if item.evidence is None or before.set != item.set:
            continue
        try:
            target = _locate(item.evidence, normalised)
        except ValueError:
            continue
        merged = standalone(item.question, [before.question])
        alone = _rank(searcher, item.question, target)
        after = alone if merged == item.question else _rank(searcher, merged, target)
        out.append(NewTopic(item.id, merged != item.question, alone, after))
    return out


def new_topic_line(rows: list[NewTopic]) -> str:
    n = len(rows) or 1
    alone = sum(r.alone is not None and r.alone <= 5 for r in rows) / n
    after = sum(r.after is not None and r.after <= 5 for r in rows) / n
    merged = sum(r.read_as_follow_up for r in rows)
    return (
        f"- new subjects ({len(rows)} answerable questions of the question sets, each asked "
        f"after the one before it): {merged} read as a follow-up; recall@5 {alone:.3f} alone, "
        f"{after:.3f} after the previous question"
    )


def figures(turns: list[Turn]) -> dict[str, dict[str, float]]:
    """recall@5 and MRR@10 per group (follow-ups, middle turns) and way of asking."""

    def block(rows: list[Turn], way: str) -> dict[str, float]:
        ranks = [t.ranks.get(way) for t in rows]
        n = len(ranks) or 1
        return {
            "n": float(len(ranks)),
            "recall@5": sum(r is not None and r <= 5 for r in ranks) / n,
            "mrr@10": sum(1 / r for r in ranks if r is not None) / n,
        }

    last = [t for t in turns if t.last]
    middle = [t for t in turns if not t.last]
    out = {f"follow-up, {w}": block(last, w) for w in ("alone", "context", "written")}
    out.update({f"middle turn, {w}": block(middle, w) for w in ("alone", "context")})
    out["read as follow-up"] = {
        "follow-ups": sum(t.follow_up for t in last) / (len(last) or 1),
        "middle turns": sum(t.follow_up for t in middle) / (len(middle) or 1),
    }
    return out


def markdown(turns: list[Turn]) -> str:
    """One table per set of conversations, and all of them together."""
    sets = sorted({t.set for t in turns})
    groups = [(name, [t for t in turns if t.set == name]) for name in sets]
    if len(groups) > 1:
        groups.append(("all", turns))
    lines = ["| set | turns | asked | n | recall@5 | MRR@10 |", "|---|---|---|---:|---:|---:|"]
    shares = []
    for set_name, rows in groups:
        fig = figures(rows)
        for name, row in fig.items():
            if "recall@5" not in row:
                continue
            group, way = name.split(", ")
            lines.append(
                f"| {set_name} | {group} | {way} | {int(row['n'])} | {row['recall@5']:.3f} "
                f"| {row['mrr@10']:.3f} |"
            )
        share = fig["read as follow-up"]
        shares.append(
            f"- {set_name}: read as a follow-up: {share['follow-ups']:.0%} of the last turns, "
            f"{share['middle turns']:.0%} of the middle turns"
        )
    return "\n".join([*lines, "", *shares])


def run_conversations(
    settings: Settings, folder: Path = FOLDER, out_dir: Path | None = None
) -> str:
    """Index every report the conversations are about (the corpus and ``eval/reports``),
    score the turns and return the table (also written to ``out_dir``/conversations.md)."""
    conversations = load_conversations(folder)
    docs = load_docs(settings)
    embedder = make_embedder(settings.embedder)
    cache = EmbeddingCache(settings.index_dir / "embeddings.sqlite")
    try:
        snap = build_snapshot(docs, Variant(), embedder, cache, [])
    finally:
        cache.close()
    searcher = Searcher(snap, embedder, SearchConfig())
    turns = score(searcher, conversations, docs)
    items = load_gold_sets([p for d in POOL for p in gold_files(d)])
    topics = new_topics(searcher, items, docs)
    table = markdown(turns) + "\n" + new_topic_line(topics)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "conversations.md").write_text(table + "\n", encoding="utf-8")
        rows = [t.__dict__ for t in turns]
        (out_dir / "conversations.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return table

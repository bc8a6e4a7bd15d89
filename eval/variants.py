"""Index variants built in memory for side-by-side evaluation, and the named configurations."""

from __future__ import annotations

from dataclasses import dataclass

from index.abbrev import find_abbreviations
from index.assemble import assemble
from index.cache import EmbeddingCache
from index.embedders import Embedder
from index.manifest import DocumentEntry, Manifest, utc_now
from index.passages import WINDOW_CHARS
from index.search import SearchConfig, Snapshot
from ingest.chunk import chunk_id
from ingest.models import Chunk, Document
from ingest.pipeline import INGEST_VERSION, pages_of


@dataclass(frozen=True)
class Variant:
    """How passages are cut and what the retrievers see of them."""

    chunker: str = "structured"  # structured | fixed
    with_section: bool = True
    size: int = 1000  # for the fixed chunker
    window: int = WINDOW_CHARS  # sentence windows for the dense side (0: passages only)


@dataclass(frozen=True)
class EvalConfig:
    name: str
    variant: Variant
    search: SearchConfig
    description: str


CONFIGS: dict[str, EvalConfig] = {
    c.name: c
    for c in [
        EvalConfig(
            "plain",
            Variant("fixed", False, window=0),
            SearchConfig(mode="dense", expand_abbreviations=False),
            "baseline: 1,000-char recursive splits, dense only",
        ),
        EvalConfig("bm25", Variant(), SearchConfig(mode="lexical"), "Dutch BM25 only"),
        EvalConfig("dense", Variant(), SearchConfig(mode="dense"), "dense only (e5)"),
        EvalConfig(
            "dense-passages",
            Variant(window=0),
            SearchConfig(mode="dense"),
            "dense only, passage vectors only",
        ),
        EvalConfig(
            "hybrid-passages", Variant(window=0), SearchConfig(), "hybrid, passage vectors only"
        ),
        EvalConfig(
            "hybrid-rrf", Variant(), SearchConfig(fusion="rrf"), "hybrid, reciprocal-rank fusion"
        ),
        EvalConfig("hybrid", Variant(), SearchConfig(), "default: hybrid, score fusion"),
    ]
}
DEFAULT_CONFIGS = [
    "plain",
    "bm25",
    "dense-passages",
    "dense",
    "hybrid-passages",
    "hybrid-rrf",
    "hybrid",
]


def recursive_split(
    text: str, size: int, seps: tuple[str, ...] = ("\n\n", "\n", ". ", " ")
) -> list[tuple[int, int]]:
    """Plain recursive character splitting into pieces of at most ``size`` characters."""
    spans: list[tuple[int, int]] = []

    def split(start: int, end: int, level: int) -> None:
        if end - start <= size:
            if text[start:end].strip():
                spans.append((start, end))
            return
        if level >= len(seps):
            for s in range(start, end, size):
                spans.append((s, min(end, s + size)))
            return
        sep = seps[level]
        pieces, pos = [], start
        while True:
            i = text.find(sep, pos, end)
            if i < 0:
                pieces.append((pos, end))
                break
            pieces.append((pos, i + len(sep)))
            pos = i + len(sep)
        cur_s, cur_e = pieces[0][0], pieces[0][0]
        for s, e in pieces:
            if e - cur_s <= size:
                cur_e = e
                continue
            if cur_e > cur_s:
                split(cur_s, cur_e, level + 1)
            cur_s, cur_e = s, e
        if cur_e > cur_s:
            split(cur_s, cur_e, level + 1)

    split(0, len(text), 0)
    return spans


def fixed_chunks(doc: Document, size: int) -> list[Chunk]:
    out = []
    for s, e in recursive_split(doc.text, size):
        while s < e and doc.text[s].isspace():
            s += 1
        while e > s and doc.text[e - 1].isspace():
            e -= 1
        body = doc.text[s:e]
        first, last = pages_of(doc.page_spans, s, e)
        out.append(
            Chunk(
                chunk_id(doc.document_id, s, e, body),
                doc.document_id,
                body,
                "",
                first,
                last,
                doc.pages_inferred,
                s,
                e,
                "nl",
                doc.title,
                doc.source,
            )
        )
    return out


def build_snapshot(
    docs: list[Document],
    variant: Variant,
    embedder: Embedder,
    cache: EmbeddingCache,
    background: list[str] | None = None,
) -> Snapshot:
    """An in-memory index of the documents as the variant cuts them."""
    chunks: list[Chunk] = []
    for doc in docs:
        chunks.extend(
            doc.chunks if variant.chunker == "structured" else fixed_chunks(doc, variant.size)
        )
    built = assemble(
        chunks,
        embedder,
        cache,
        background or [],
        ann_threshold=10**9,
        with_section=variant.with_section,
        window=variant.window,
    )
    manifest = Manifest(
        name=f"eval-{variant.chunker}",
        embedder=embedder.name,
        dim=embedder.dim,
        store=built.store.kind,
        chunk_chars=0,
        ingest_version=INGEST_VERSION,
        chunks=len(chunks),
        vectors=len(built.owners),
        background="",
        documents=[
            DocumentEntry(
                document_id=d.document_id,
                source=d.source,
                title=d.title,
                sha256=d.sha256,
                pages=d.page_count,
                chunks=len(d.chunks),
                indexed_at=utc_now(),
                abbreviations=find_abbreviations(d.text),
            )
            for d in docs
        ],
    )
    return built.snapshot(manifest)

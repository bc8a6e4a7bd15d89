"""Hybrid search over one loaded index version: dense (FAISS or Qdrant) + Dutch BM25, fused.

Two fusions are offered and compared by the evaluation runner: reciprocal-rank fusion and
score fusion (each retriever's candidate scores min-max normalised, then weighted).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index import layout
from index.abbrev import Abbreviations, Expansion
from index.embedders import Embedder
from index.lexical import Lexical, LexicalIndex
from index.manifest import Manifest
from index.passages import vector_documents
from index.sources import public_source
from index.store import FaissStore, VectorStore
from ingest.lang import question_language
from ingest.models import Chunk
from vraagbaak.errors import EmbedderMismatchError, IndexNotBuiltError, NotFoundError
from vraagbaak.settings import Settings, get_settings


@dataclass(frozen=True)
class SearchConfig:
    """How to search; the defaults are the configuration the evaluation chose."""

    mode: str = "hybrid"  # hybrid | dense | lexical
    fusion: str = "score"  # score | rrf
    alpha: float = 0.7  # weight of the dense side in score fusion
    alpha_foreign: float = 0.9  # ... for a question not in Dutch (Dutch BM25 cannot match it)
    rrf_k: int = 60
    candidates: int = 50
    cross_language: bool = True  # passages in another language rank by their dense score
    expand_abbreviations: bool = True


@dataclass(frozen=True)
class SearchStats:
    """How clearly the query found something: the best dense score as a z-score over the
    candidate vectors, and whether both retrievers put the same passage first."""

    dense_z: float = 0.0
    agree: bool = False
    # best passage score minus best background score (see index.background); None: unknown
    topic_margin: float | None = None
    # where the search's time went (ms): embedding the query (when no vector was given), the
    # dense side, the lexical side, and the rest (expansion, fusion, the hits)
    embed_ms: float = 0.0
    dense_ms: float = 0.0
    lexical_ms: float = 0.0
    fusion_ms: float = 0.0


@dataclass(frozen=True)
class Hit:
    """A passage found for a query, with the fused and per-retriever scores."""

    chunk: Chunk
    score: float
    dense: float
    lexical: float
    window: int = -1  # the sentence window that matched best (index into its windows), or -1


class Snapshot:
    """One index version loaded in memory (FAISS and BM25 memory-mapped, or a Qdrant
    collection)."""

    def __init__(
        self,
        name: str,
        manifest: Manifest,
        chunks: list[Chunk],
        store: VectorStore,
        lexical: Lexical,
        owners: np.ndarray | None = None,
        background: np.ndarray | None = None,
    ) -> None:
        self.name = name
        self.background = background if background is not None and len(background) else None
        self.manifest = manifest
        self.chunks = chunks
        self.store = store
        self.lexical = lexical
        self.owners = owners if owners is not None else np.arange(len(chunks), dtype=np.int64)
        # which of its passage's sentence windows each vector is (-1: the passage itself)
        self.window_of = np.full(len(self.owners), -1, dtype=np.int64)
        seen: dict[int, int] = {}
        for v in range(len(chunks), len(self.owners)):
            owner = int(self.owners[v])
            self.window_of[v] = seen.get(owner, 0)
            seen[owner] = int(self.window_of[v]) + 1
        # every report's abbreviations (each meaning of a short form), and each report's own
        self.abbreviations: Abbreviations = manifest.abbreviations()
        self.abbreviations_of: dict[str, Abbreviations] = {
            d.document_id: manifest.abbreviations(d.document_id) for d in manifest.documents
        }
        # questions are widened with them (see Searcher.expand)
        self.expansion = Expansion(self.abbreviations)
        self.expansion_of = {d: Expansion(a) for d, a in self.abbreviations_of.items()}
        positions: dict[str, list[int]] = {}
        for i, c in enumerate(chunks):
            positions.setdefault(c.document_id, []).append(i)
        self.by_document = {d: np.asarray(ids, np.int64) for d, ids in positions.items()}
        # how many vectors (passages and windows) each report has
        self.vectors_of: Counter[str] = Counter(
            chunks[int(o)].document_id for o in self.owners if 0 <= o < len(chunks)
        )
        # the languages passages are written in (a stray misdetection aside)
        counts = Counter(c.lang for c in chunks)
        self.languages = {lang for lang, n in counts.items() if n >= max(5, 0.02 * len(chunks))}

    def passages_of(self, document_id: str) -> list[Chunk]:
        """One report's passages, in the order of its text."""
        ids = self.by_document.get(document_id)
        return [self.chunks[i] for i in ids] if ids is not None else []

    def check_document(self, document_id: str) -> None:
        """NotFoundError, naming the reports there are, when no report has that id."""
        if document_id in self.abbreviations_of:
            return
        docs = self.manifest.documents
        if not docs:
            raise NotFoundError(f"no indexed report has id {document_id!r}: none is indexed yet")
        known = ", ".join(f"{d.document_id} ({public_source(d.source)})" for d in docs[:5])
        more = f" and {len(docs) - 5} more" if len(docs) > 5 else ""
        raise NotFoundError(
            f"no indexed report has id {document_id!r}; the ids are {known}{more} "
            "(GET /documents lists them)"
        )

    @classmethod
    def load(cls, root: Path, embedder: Embedder, settings: Settings | None = None) -> Snapshot:
        """The CURRENT version of the index folder ``root``, in the store it was built in
        (``settings``, by default the process's, say how to reach Qdrant)."""
        version = layout.current_dir(root)
        if version is None:
            raise IndexNotBuiltError(
                "no index has been built yet; build it with `vraagbaak ingest` (or `make index`)"
            )
        manifest = Manifest.read(version / layout.MANIFEST)
        if manifest.embedder != embedder.name or manifest.dim != embedder.dim:
            raise EmbedderMismatchError(
                f"index version {version.name} was built with embedder {manifest.embedder!r} "
                f"(dim {manifest.dim}), but {embedder.name!r} (dim {embedder.dim}) is "
                "configured; reindex with `vraagbaak ingest --force` or set VRAAGBAAK_EMBEDDER"
            )
        with open(version / layout.CHUNKS) as fh:
            chunks = [Chunk.from_dict(json.loads(line)) for line in fh]
        owners_path = version / layout.OWNERS
        owners = np.load(owners_path) if owners_path.exists() else None
        store: VectorStore
        lexical: Lexical
        if manifest.store == "qdrant":
            from index import qdrant

            where = qdrant.Qdrant.from_settings(settings or get_settings(), root)
            store, lexical = qdrant.load(
                where, version, len(chunks), manifest.vectors, manifest.dim
            )
        else:
            per_vector = owners if owners is not None else np.arange(len(chunks))
            store = FaissStore.load(version / layout.VECTORS, vector_documents(chunks, per_vector))
            lexical = LexicalIndex.load(
                version / layout.BM25, len(chunks), vector_documents(chunks)
            )
        background_path = version / layout.BACKGROUND
        background = np.load(background_path) if background_path.exists() else None
        return cls(version.name, manifest, chunks, store, lexical, owners, background)


def _minmax(scores: dict[int, float]) -> dict[int, float]:
    if not scores:
        return {}
    lo, hi = min(scores.values()), max(scores.values())
    span = hi - lo
    return {i: (s - lo) / span if span > 0 else 1.0 for i, s in scores.items()}


def fuse_rrf(rankings: list[list[int]], k: int = 60) -> dict[int, float]:
    """Reciprocal-rank fusion: sum of 1 / (k + rank) over the rankings (rank from 1)."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, idx in enumerate(ranking, start=1):
            fused[idx] = fused.get(idx, 0.0) + 1.0 / (k + rank)
    return fused


def fuse_scores(
    dense: dict[int, float], lexical: dict[int, float], alpha: float
) -> dict[int, float]:
    """Score fusion: alpha * minmax(dense) + (1 - alpha) * minmax(lexical); absent = 0."""
    d, lx = _minmax(dense), _minmax(lexical)
    return {i: alpha * d.get(i, 0.0) + (1 - alpha) * lx.get(i, 0.0) for i in set(d) | set(lx)}


class Searcher:
    """Searches one snapshot with one embedder.

    >>> searcher.search("Hoeveel Centra Seksueel Geweld zijn er?", top_k=3)  # doctest: +SKIP
    """

    def __init__(self, snapshot: Snapshot, embedder: Embedder, config: SearchConfig) -> None:
        self.snapshot = snapshot
        self.embedder = embedder
        self.config = config

    def embed_query(self, query: str, document_id: str | None = None) -> np.ndarray:
        return self.embedder.embed_queries([self.expand(query, document_id)])[0]

    def abbreviations(self, document_id: str | None = None) -> Abbreviations:
        """The abbreviations that report defines, or (no ``document_id``) every report."""
        if not document_id:
            return self.snapshot.abbreviations
        return self.snapshot.abbreviations_of.get(document_id, {})

    def expand(self, query: str, document_id: str | None = None) -> str:
        """The query widened with the abbreviations the report (``document_id``) defines, or
        without one every report, each short form with each report's meaning (when enabled).
        """
        if not self.config.expand_abbreviations:
            return query
        snap = self.snapshot
        if not document_id:
            return snap.expansion(query)
        expansion = snap.expansion_of.get(document_id)
        return expansion(query) if expansion is not None else query

    def search(
        self,
        query: str,
        top_k: int = 5,
        document_id: str | None = None,
        query_vector: np.ndarray | None = None,
        language: str | None = None,
    ) -> list[Hit]:
        return self.search_with_stats(query, top_k, document_id, query_vector, language)[0]

    def search_with_stats(
        self,
        query: str,
        top_k: int = 5,
        document_id: str | None = None,
        query_vector: np.ndarray | None = None,
        language: str | None = None,
    ) -> tuple[list[Hit], SearchStats]:
        """The hits, and the signals a confidence can be drawn from; ``document_id`` keeps
        one report's (NotFoundError when no report has that id)."""
        t_start = time.perf_counter()
        cfg, snap = self.config, self.snapshot
        if document_id:
            snap.check_document(document_id)
        n = len(snap.chunks)
        allowed = snap.by_document.get(document_id) if document_id else None
        if n == 0 or (document_id and allowed is None):
            return [], SearchStats()
        dense_z = 0.0
        background = None
        best_window: dict[int, int] = {}
        # with a document filter every passage of the report is a candidate
        pool = len(allowed) if allowed is not None else min(n, max(cfg.candidates, top_k))
        expanded = self.expand(query, document_id)
        dense: dict[int, float] = {}
        lexical: dict[int, float] = {}
        embed_s = dense_s = lexical_s = 0.0
        if cfg.mode in ("hybrid", "dense"):
            t0 = time.perf_counter()
            qv = query_vector if query_vector is not None else self.embed_query(query, document_id)
            t1 = time.perf_counter()
            embed_s = t1 - t0
            if snap.background is not None:
                background = float((snap.background @ qv).max())
            per_passage = len(snap.owners) / n
            k = snap.vectors_of[document_id] if document_id else int(pool * per_passage) + 1
            scores, ids = snap.store.search(qv[None, :], k, document_id or None)
            valid = scores[0][ids[0] >= 0]
            if len(valid) > 2 and float(valid.std()) > 0:
                dense_z = float((valid[0] - valid.mean()) / valid.std())
            for i, score in zip(ids[0], scores[0], strict=True):
                owner = int(snap.owners[i]) if i >= 0 else -1
                if i >= 0 and score > dense.get(owner, -1.0):
                    # a passage scores as its best vector (itself or a window)
                    dense[owner] = float(score)
                    best_window[owner] = int(snap.window_of[i])
            dense_s = time.perf_counter() - t1
        if cfg.mode in ("hybrid", "lexical"):
            t0 = time.perf_counter()
            lexical = snap.lexical.top(expanded, pool, document_id or None)
            lexical_s = time.perf_counter() - t0
        if allowed is not None:  # the stores filter already; this guards the contract
            keep = set(allowed.tolist())
            dense = {i: s for i, s in dense.items() if i in keep}
            lexical = {i: s for i, s in lexical.items() if i in keep}
        if cfg.mode == "dense":
            fused = dense
        elif cfg.mode == "lexical":
            fused = lexical
        elif cfg.fusion == "rrf":
            rank_d = sorted(dense, key=lambda i: -dense[i])
            rank_l = sorted(lexical, key=lambda i: -lexical[i])
            fused = fuse_rrf([rank_d, rank_l], cfg.rrf_k)
        else:
            lang = language or question_language(query, default="nl")
            fused = fuse_scores(dense, lexical, cfg.alpha if lang == "nl" else cfg.alpha_foreign)
            if cfg.cross_language and lang in snap.languages and len(snap.languages) > 1:
                # a passage in another language than the question's cannot match its words:
                # it stands by its dense score alone, not behind passages that share words
                d = _minmax(dense)
                for i in fused:
                    if snap.chunks[i].lang != lang:
                        fused[i] = d.get(i, 0.0)
        order = sorted(fused, key=lambda i: (-fused[i], i))[:top_k]
        hits = [
            Hit(
                snap.chunks[i],
                fused[i],
                dense.get(i, 0.0),
                lexical.get(i, 0.0),
                best_window.get(i, -1),
            )
            for i in order
        ]
        agree = bool(dense and lexical) and max(dense, key=dense.__getitem__) == max(
            lexical, key=lexical.__getitem__
        )
        margin = max(dense.values()) - background if dense and background is not None else None
        rest_s = time.perf_counter() - t_start - embed_s - dense_s - lexical_s
        return hits, SearchStats(
            dense_z,
            agree,
            margin,
            embed_s * 1000,
            dense_s * 1000,
            lexical_s * 1000,
            rest_s * 1000,
        )

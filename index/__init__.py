"""Index: embed chunks into FAISS beside a Dutch BM25 index, and search both (hybrid)."""

from index.builder import ReindexReport, reindex
from index.embedders import Embedder, make_embedder
from index.search import Hit, SearchConfig, Searcher, Snapshot

__all__ = [
    "Embedder",
    "Hit",
    "ReindexReport",
    "SearchConfig",
    "Searcher",
    "Snapshot",
    "make_embedder",
    "reindex",
]

"""The question-answering engine the service and the CLI share.

It serves the CURRENT index version and swaps in a new one when a reindex finishes,
without a restart: a query holds a reference to the searcher it started with, so a swap
never fails a query in flight. Repeated questions are answered from a small LRU cache.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.answer import JUDGE_DEPTH, Answer, judge, read_question
from app.doubt import LOW_CONFIDENCE, Doubt
from app.terms import TermWeights
from index import layout
from index.batching import BatchingEmbedder
from index.builder import ReindexReport, reindex
from index.embedders import Embedder, make_embedder
from index.passages import retrieval_text
from index.search import Hit, SearchConfig, Searcher, Snapshot
from ingest.lang import detect_language, warm_up
from vraagbaak.errors import IndexNotBuiltError, QueryError
from vraagbaak.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class AskResult:
    """Everything ``POST /ask`` returns, before serialisation."""

    question: str
    language: str
    answerable: bool
    confidence: float
    answer: Answer | None
    hits: list[Hit]
    index_version: str
    took_ms: float
    doubt: Doubt | None = None  # why it counts as not answered
    cached: bool = False


@dataclass
class _Loaded:
    searcher: Searcher
    weights: TermWeights
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class ReindexStatus:
    """The last (or running) background reindex."""

    running: bool = False
    started_at: float | None = None
    finished_at: float | None = None
    ok: bool | None = None
    report: dict[str, Any] | None = None
    error: str | None = None


class Engine:
    """Loads the index once, answers questions, reloads after a reindex."""

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder | None = None,
        config: SearchConfig | None = None,
    ) -> None:
        self.settings = settings
        # concurrent questions share embedding batches, which use every core
        self.embedder = BatchingEmbedder(embedder or make_embedder(settings.embedder))
        self.config = config or SearchConfig()
        self._loaded: _Loaded | None = None
        self._load_lock = threading.Lock()
        self._cache: OrderedDict[tuple[Any, ...], AskResult] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.reindex_status = ReindexStatus()
        self._reindex_thread: threading.Thread | None = None
        self._reindex_guard = threading.Lock()
        self._reindex_again = False
        warm_up()

    # -- index -----------------------------------------------------------------------------
    @property
    def root(self) -> Path:
        return self.settings.index_dir

    def refresh(self) -> bool:
        """Load the CURRENT version if it is not the one served; True when it swapped."""
        name = layout.current_name(self.root)
        if name is None or (self._loaded and self._loaded.searcher.snapshot.name == name):
            return False
        with self._load_lock:
            if self._loaded and self._loaded.searcher.snapshot.name == name:
                return False
            snapshot = Snapshot.load(self.root, self.embedder)
            weights = TermWeights([retrieval_text(c) for c in snapshot.chunks])
            docs = {d["document_id"]: d for d in snapshot.manifest.get("documents", [])}
            self._loaded = _Loaded(Searcher(snapshot, self.embedder, self.config), weights, docs)
        log.info("index loaded", extra={"version": name, "chunks": len(snapshot.chunks)})
        return True

    @property
    def ready(self) -> bool:
        return self._loaded is not None

    def _require(self) -> _Loaded:
        loaded = self._loaded
        if loaded is None:
            raise IndexNotBuiltError(
                f"no index loaded from {self.root}; build it with `vraagbaak ingest` "
                "(or `make index`), the service picks it up by itself"
            )
        return loaded

    @property
    def version(self) -> str:
        return self._require().searcher.snapshot.name

    def documents(self) -> list[dict[str, Any]]:
        return list(self._require().documents.values()) if self._loaded else []

    def chunk_count(self) -> int:
        return len(self._loaded.searcher.snapshot.chunks) if self._loaded else 0

    # -- questions -------------------------------------------------------------------------
    def check_question(self, question: str) -> str:
        q = " ".join(question.split())
        if not q:
            raise QueryError("the question is empty; type a question about the reports")
        if len(q) > self.settings.max_question_chars:
            raise QueryError(
                f"the question has {len(q)} characters; the limit is "
                f"{self.settings.max_question_chars}"
            )
        return q

    def search(self, question: str, top_k: int = 5, document_id: str | None = None) -> list[Hit]:
        q = self.check_question(question)
        return self._require().searcher.search(q, top_k=top_k, document_id=document_id)

    def ask(self, question: str, top_k: int = 5, document_id: str | None = None) -> AskResult:
        t0 = time.perf_counter()
        q = self.check_question(question)
        loaded = self._require()
        key = (q.lower(), top_k, document_id, loaded.searcher.snapshot.name)
        with self._cache_lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
        if hit is not None:
            took = (time.perf_counter() - t0) * 1000
            return AskResult(**{**hit.__dict__, "question": q, "took_ms": took, "cached": True})
        language = detect_language(q, default="unknown")
        pool, stats = loaded.searcher.search_with_stats(
            q, top_k=max(top_k, JUDGE_DEPTH), document_id=document_id, language=language
        )
        hits = pool[:top_k]
        asked = read_question(q, loaded.searcher, loaded.weights, language)
        verdict = judge(asked, pool, stats, loaded.weights, top_k)
        answer, conf = verdict.answer, verdict.confidence
        answerable = bool(hits) and conf >= self.settings.abstain_threshold
        result = AskResult(
            question=q,
            language=language,
            answerable=answerable,
            confidence=conf,
            answer=answer if answerable else None,
            doubt=None if answerable else (verdict.doubt or LOW_CONFIDENCE),
            hits=hits,
            index_version=loaded.searcher.snapshot.name,
            took_ms=(time.perf_counter() - t0) * 1000,
        )
        if self.settings.query_cache_size:
            with self._cache_lock:
                self._cache[key] = result
                while len(self._cache) > self.settings.query_cache_size:
                    self._cache.popitem(last=False)
        return result

    # -- reindexing ------------------------------------------------------------------------
    def reindex_now(self, paths: list[Path] | None = None, force: bool = False) -> ReindexReport:
        """Reindex in this thread, then serve the new version."""
        status = self.reindex_status
        status.running, status.started_at, status.error = True, time.time(), None
        try:
            report = reindex(self.settings, self.embedder, paths=paths, force=force)
            status.ok, status.report = not report.failures, report.to_dict()
            self.refresh()
            return report
        except Exception as exc:
            status.ok, status.error = False, str(exc)
            raise
        finally:
            status.running, status.finished_at = False, time.time()

    def reindex_in_background(self) -> bool:
        """Start a reindex thread; when one is running, it runs once more after it (so a file
        added meanwhile is indexed too) and this returns False."""
        with self._reindex_guard:
            if self._reindex_thread and self._reindex_thread.is_alive():
                self._reindex_again = True
                return False

            def run() -> None:
                while True:
                    try:
                        self.reindex_now()
                    except Exception:
                        log.exception("background reindex failed")
                    with self._reindex_guard:
                        if not self._reindex_again:
                            return
                        self._reindex_again = False

            self._reindex_thread = threading.Thread(target=run, name="reindex", daemon=True)
            self._reindex_thread.start()
            return True

    def wait_for_reindex(self, timeout: float | None = None) -> None:
        if self._reindex_thread:
            self._reindex_thread.join(timeout)

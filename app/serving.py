"""The served index version, swapped without a restart when CURRENT points at a new one.

A query takes :meth:`IndexHolder.current` once and keeps that :class:`qa.ReadyIndex` to the
end, so a swap never changes (or fails) a query in flight; the swap itself is one assignment.

>>> holder = IndexHolder(settings, embedder)  # doctest: +SKIP
>>> holder.refresh()  # True: the CURRENT version was loaded  # doctest: +SKIP
>>> holder.current().version  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import threading

from index import layout
from index.embedders import Embedder
from index.manifest import DocumentEntry
from index.search import SearchConfig, Searcher, Snapshot
from index.threads import mark_served
from qa import ReadyIndex
from vraagbaak.errors import IndexNotBuiltError, IndexStoreError
from vraagbaak.settings import Settings

log = logging.getLogger(__name__)

NOT_BUILT = (
    "no index is loaded yet; build it with `vraagbaak ingest` (or `make index`), "
    "the service picks it up by itself"
)


class IndexHolder:
    """Loads the CURRENT index version once per version and serves it."""

    def __init__(
        self, settings: Settings, embedder: Embedder, config: SearchConfig | None = None
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.config = config or SearchConfig()
        self._ready: ReadyIndex | None = None
        self._lock = threading.Lock()
        self._problem: IndexStoreError | None = None  # why the last load failed
        # a reindex in another process sees that this index is served, and yields to it
        self._served = mark_served(settings.index_dir)

    def refresh(self) -> bool:
        """Load the CURRENT version if it is not the one served; True when it swapped.

        A version that cannot be loaded (another embedder, another format) is reported by
        :meth:`current` and retried on the next call; the served version stays."""
        root = self.settings.index_dir
        name = layout.current_name(root)
        if name is None or self._serves(name):
            return False
        with self._lock:
            if self._serves(name):
                return False
            try:
                snapshot = Snapshot.load(root, self.embedder)
                ready = ReadyIndex.of(Searcher(snapshot, self.embedder, self.config))
            except IndexStoreError as exc:
                if str(exc) != str(self._problem):  # once per problem, not every second
                    log.warning("index not loaded", extra={"version": name, "error": str(exc)})
                self._problem = exc
                return False
            self._ready, self._problem = ready, None
        log.info("index loaded", extra={"version": ready.version, "chunks": len(snapshot.chunks)})
        return True

    def _serves(self, name: str) -> bool:
        ready = self._ready
        return ready is not None and ready.version == name

    def current(self) -> ReadyIndex:
        """The served version; IndexNotBuiltError (or why loading failed) when there is none."""
        ready = self._ready
        if ready is None:
            problem = self._problem
            # a fresh exception each time: the stored one is shared by every request
            raise type(problem)(str(problem)) if problem else IndexNotBuiltError(NOT_BUILT)
        return ready

    @property
    def loaded(self) -> ReadyIndex | None:
        """The served version, or None."""
        return self._ready

    def documents(self) -> list[DocumentEntry]:
        """The reports of the served version (none before an index is loaded)."""
        ready = self._ready
        return list(ready.searcher.snapshot.manifest.documents) if ready else []

    def chunk_count(self) -> int:
        ready = self._ready
        return len(ready.searcher.snapshot.chunks) if ready else 0

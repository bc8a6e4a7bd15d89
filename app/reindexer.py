"""The background reindex: one at a time, and a request while one runs is not lost.

A reindex asked for while one runs runs once more right after it (however many requests came
meanwhile), so a file added during a reindex is indexed too.

>>> reindexer = Reindexer(lambda: reindex(settings, embedder), holder.refresh)  # doctest: +SKIP
>>> reindexer.request()  # True: started; False: queued behind the running one  # doctest: +SKIP
True
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from index import layout
from index.builder import ReindexReport
from index.threads import make_background
from vraagbaak.errors import ReindexBusyError

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ReindexStatus:
    """The last (or running) background reindex."""

    running: bool = False
    queued: bool = False  # another run follows the running one
    started_at: datetime | None = None
    finished_at: datetime | None = None
    ok: bool | None = None
    report: ReindexReport | None = None
    error: str | None = None


class Reindexer:
    """Runs ``run`` (a reindex) in a background thread, then ``on_done`` (load the result)."""

    def __init__(
        self,
        run: Callable[[], ReindexReport],
        on_done: Callable[[], object] = lambda: None,
        index_dir: Path | None = None,
    ) -> None:
        self._run = run
        self._on_done = on_done
        self._index_dir = index_dir  # whose reindex lock another process may hold
        self._guard = threading.Lock()
        self._running = False  # under _guard; not thread.is_alive(), see request()
        self._again = False
        self._thread: threading.Thread | None = None
        self._status = ReindexStatus()

    @property
    def status(self) -> ReindexStatus:
        with self._guard:
            return replace(self._status, running=self._running, queued=self._again)

    def request(self, *, fail_if_locked: bool = False) -> bool:
        """Start a reindex thread (True), or queue one more run behind the running one.

        With ``fail_if_locked``, ReindexBusyError when no reindex of ours runs but another
        process (e.g. `vraagbaak ingest`) holds the index's reindex lock."""
        with self._guard:
            # a flag set and cleared under the guard, not thread.is_alive(): a thread that has
            # just found nothing queued is still alive, and a request then would be lost
            if self._running:
                self._again = True
                return False
            if fail_if_locked and self._index_dir is not None:
                try:
                    with layout.reindex_lock(self._index_dir):
                        pass  # free: the thread takes it in a moment
                except ReindexBusyError:
                    raise ReindexBusyError(
                        "another process is reindexing this index (e.g. `vraagbaak ingest`); "
                        "wait for it to finish, then ask again"
                    ) from None
            self._running = True
            self._thread = threading.Thread(target=self._loop, name="reindex", daemon=True)
            self._thread.start()
            return True

    def _loop(self) -> None:
        make_background()  # questions come first: this thread gets what they leave of the CPU
        while True:
            try:
                self.run_now()
            except Exception:
                log.exception("background reindex failed")
            with self._guard:
                if not self._again:
                    self._running = False
                    return
                self._again = False

    def run_now(self) -> ReindexReport:
        """Reindex in this thread, then ``on_done``; the status records how it went."""
        with self._guard:
            self._status = replace(self._status, started_at=_now(), error=None)
        try:
            report = self._run()
            self._on_done()
        except Exception as exc:
            with self._guard:
                self._status = replace(self._status, ok=False, error=str(exc))
            raise
        else:
            with self._guard:
                ok = not (report.failures or report.duplicates)  # as `vraagbaak ingest` exits
                self._status = replace(self._status, ok=ok, report=report)
            return report
        finally:
            with self._guard:
                self._status = replace(self._status, finished_at=_now())

    def wait(self, timeout: float | None = None) -> bool:
        """Block until no reindex runs or is queued; False when ``timeout`` passed first."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return not self.status.running

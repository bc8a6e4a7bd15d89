"""The background reindex: a request while one runs leads to exactly one more run, after it.

Every wait is on an event the reindex itself sets, never on a sleep: the tests hold a reindex
open at a known point, so they exercise the case they are named after, every time.
"""

from __future__ import annotations

import threading
from datetime import datetime

import numpy as np
import pytest

from app.reindexer import Reindexer
from app.serving import IndexHolder
from index.batching import BatchingEmbedder
from index.builder import ReindexReport, reindex
from index.embedders import FakeEmbedder
from vraagbaak.settings import Settings

WAIT_S = 20


class GatedRun:
    """A fake reindex that says when it runs and waits for the test to let it finish."""

    def __init__(self) -> None:
        self.calls = 0
        self.entered = threading.Event()
        self.release = threading.Event()
        self.fail_next = False
        self._lock = threading.Lock()

    def __call__(self) -> ReindexReport:
        with self._lock:
            self.calls += 1
            failing, self.fail_next = self.fail_next, False
        self.entered.set()
        assert self.release.wait(WAIT_S), "the test never released the reindex"
        if failing:
            raise RuntimeError("disk full")
        return ReindexReport(version=f"v{self.calls}", changed=True)

    def hold_next(self) -> None:
        """Hold the next run (and the ones after it) at the gate again."""
        self.entered.clear()
        self.release.clear()


def test_a_request_while_a_reindex_runs_leads_to_exactly_one_rerun() -> None:
    run = GatedRun()
    done: list[int] = []
    reindexer = Reindexer(run, on_done=lambda: done.append(run.calls))
    assert reindexer.request() is True
    assert run.entered.wait(WAIT_S)  # the first run is now held at the gate
    run.hold_next()  # the re-run, if any, will wait at the gate too

    assert reindexer.request() is False  # queued behind the running one
    assert reindexer.request() is False  # ... and not queued twice
    status = reindexer.status
    assert status.running is True and status.queued is True

    run.release.set()  # the first run ends: the queued one starts
    assert run.entered.wait(WAIT_S), "the queued reindex never ran"
    assert run.calls == 2
    assert reindexer.status.queued is False
    run.release.set()
    assert reindexer.wait(WAIT_S)
    assert run.calls == 2  # exactly one re-run for the two requests
    assert done == [1, 2]
    status = reindexer.status
    assert status.running is False and status.ok is True
    assert status.report is not None and status.report.version == "v2"


def test_a_request_after_the_runs_ended_starts_a_new_one() -> None:
    run = GatedRun()
    run.release.set()
    reindexer = Reindexer(run)
    assert reindexer.request() is True
    assert reindexer.wait(WAIT_S)
    assert reindexer.request() is True  # nothing runs: a fresh start, not a queued run
    assert reindexer.wait(WAIT_S)
    assert run.calls == 2


def test_a_failed_reindex_is_recorded_and_a_queued_one_still_runs() -> None:
    run = GatedRun()
    run.fail_next = True
    reindexer = Reindexer(run)
    assert reindexer.request() is True
    assert run.entered.wait(WAIT_S)
    assert reindexer.request() is False
    run.release.set()
    assert reindexer.wait(WAIT_S)
    assert run.calls == 2
    status = reindexer.status
    assert status.ok is True and status.error is None  # the re-run succeeded
    assert isinstance(status.started_at, datetime) and isinstance(status.finished_at, datetime)
    assert status.started_at.tzinfo is not None and status.finished_at >= status.started_at


def test_run_now_records_a_failure() -> None:
    run = GatedRun()
    run.fail_next = True
    run.release.set()
    reindexer = Reindexer(run)
    with pytest.raises(RuntimeError, match="disk full"):
        reindexer.run_now()
    status = reindexer.status
    assert status.ok is False and status.error == "disk full" and status.running is False


class GatedEmbedder(FakeEmbedder):
    """Embedding passages signals ``entered`` and waits for ``release``."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.entered.set()
        assert self.release.wait(WAIT_S), "the test never released the embedder"
        return super().embed_passages(texts)


def test_a_file_added_during_a_real_reindex_is_indexed_by_the_rerun(
    built_index: Settings,
) -> None:
    settings = built_index
    embedder = BatchingEmbedder(GatedEmbedder())
    gated = embedder.inner
    assert isinstance(gated, GatedEmbedder)
    holder = IndexHolder(settings, embedder)
    assert holder.refresh()
    reindexer = Reindexer(lambda: reindex(settings, embedder), on_done=holder.refresh)
    (settings.corpus_dir / "derde.txt").write_text(
        "Inleiding\n\nDe derde notitie gaat over voorlichting op scholen.\n", encoding="utf-8"
    )
    assert reindexer.request() is True
    assert gated.entered.wait(WAIT_S)  # the first reindex has read the corpus, now embeds
    (settings.corpus_dir / "vierde.txt").write_text(
        "Inleiding\n\nDe vierde notitie gaat over de hulplijn voor ouderen.\n", encoding="utf-8"
    )
    assert reindexer.request() is False  # too late for the running one: queued
    gated.release.set()
    assert reindexer.wait(WAIT_S)
    sources = {d.source for d in holder.documents()}
    assert sources == {"rapport-a.txt", "notitie-b.txt", "derde.txt", "vierde.txt"}
    report = reindexer.status.report
    assert report is not None and report.added == ["vierde.txt"]  # the re-run's report


def test_the_reindex_thread_leaves_the_cpu_to_questions() -> None:
    import os

    from index.threads import BACKGROUND_NICE

    seen: list[int] = []

    def run() -> ReindexReport:
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        return ReindexReport(version="v1", changed=True)

    reindexer = Reindexer(run)
    assert reindexer.request() is True
    assert reindexer.wait(WAIT_S)
    assert seen and seen[0] >= BACKGROUND_NICE
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) < BACKGROUND_NICE

"""A reindex killed midway (SIGKILL, in a subprocess) leaves the served index answering."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from index import layout
from index.builder import reindex
from index.cache import EmbeddingCache, text_key
from index.embedders import FakeEmbedder
from index.passages import dense_units
from index.search import SearchConfig, Searcher, Snapshot
from ingest.pipeline import ingest_file
from vraagbaak.settings import Settings

CSG_QUESTION = "Hoeveel Centra Seksueel Geweld zijn er?"
BATCH = 16  # index.cache.embed_with_cache's default batch size

# Runs in the child: copies the new report into the corpus and reindexes, slowed down at the
# stage named by argv[2]; the marker file says when that stage has been reached.
CHILD = textwrap.dedent(
    """
    import shutil, sys, time
    from pathlib import Path

    import index.assemble as assemble
    import index.builder as builder
    from index.embedders import FakeEmbedder
    from vraagbaak.settings import get_settings

    marker, stage, new_report = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])


    class SlowEmbedder(FakeEmbedder):
        def embed_passages(self, texts):
            marker.write_text(str(self.calls + 1))  # number of the call now starting
            time.sleep(0.2)
            return super().embed_passages(texts)


    save = assemble.Assembled.save


    def slow_save(self, folder):
        save(self, folder)  # the version's files are written, its manifest not yet
        marker.write_text("writing")
        time.sleep(60)


    settings = get_settings()
    shutil.copy(new_report, settings.corpus_dir / new_report.name)
    if stage == "embed":
        embedder = SlowEmbedder()
    else:
        assemble.Assembled.save = slow_save
        embedder = FakeEmbedder()
    builder.reindex(settings, embedder)
    marker.write_text("finished")
    """
)


def big_report() -> str:
    """A report long enough for many embedding batches."""
    parts = ["Inleiding\n\nDeze rapportage gaat over de jeugdbescherming.\n"]
    for h in range(1, 9):
        parts.append(f"\nHoofdstuk {h} Onderwerp {h}\n")
        for p in range(1, 6):
            sentences = " ".join(
                f"In regio {h}.{p}.{s} meldden {h * 100 + p * 10 + s} gezinnen zich bij het "
                f"wijkteam voor hulp bij opvoeding nummer {s}."
                for s in range(1, 6)
            )
            parts.append(f"\n{sentences}\n")
    return "".join(parts)


def run_child_until(
    settings: Settings, tmp_path: Path, stage: str, ready: str
) -> subprocess.Popen[bytes]:
    """Start the child reindex and return it once the marker reads ``ready`` (still running)."""
    new_report = tmp_path / "rapport-groot.txt"
    new_report.write_text(big_report(), encoding="utf-8")
    marker = tmp_path / "marker"
    log = open(tmp_path / "child.log", "wb")  # noqa: SIM115 - closed below
    env = dict(os.environ)  # VRAAGBAAK_DATA_DIR / _CORPUS_DIR / _EMBEDDER from conftest
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(marker), stage, str(new_report)],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = marker.read_text() if marker.exists() else ""
        if state == ready:
            return proc
        if state == "finished" or proc.poll() is not None:
            break
        time.sleep(0.01)
    proc.kill()
    proc.wait()
    output = (tmp_path / "child.log").read_text(errors="replace")
    pytest.fail(f"child never reached {ready!r} (marker {state!r}):\n{output}")


def kill(proc: subprocess.Popen[bytes]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL


def assert_old_index_serves(settings: Settings, old_version: str) -> None:
    root = settings.index_dir
    assert (root / "CURRENT").read_text().strip() == old_version
    assert layout.current_name(root) == old_version
    snapshot = Snapshot.load(root, FakeEmbedder())
    assert snapshot.name == old_version
    assert not snapshot.name.startswith(".tmp-")
    assert all(c.source != "rapport-groot.txt" for c in snapshot.chunks)
    hits = Searcher(snapshot, FakeEmbedder(), SearchConfig()).search(CSG_QUESTION, top_k=3)
    assert hits
    assert "zestien Centra Seksueel Geweld" in hits[0].chunk.text


def new_report_keys(settings: Settings) -> list[str]:
    doc = ingest_file(settings.corpus_dir / "rapport-groot.txt", chunk_chars=settings.chunk_chars)
    texts, _ = dense_units(doc.chunks)
    return list(dict.fromkeys(text_key(FakeEmbedder.name, t) for t in texts))


def cached(settings: Settings, keys: list[str]) -> int:
    cache = EmbeddingCache(settings.index_dir / "embeddings.sqlite")
    try:
        return len(cache.get_many(keys))
    finally:
        cache.close()


def test_kill_while_embedding_keeps_old_index(
    built_index: Settings, corpus: Path, tmp_path: Path
) -> None:
    settings = built_index
    old_version = layout.current_name(settings.index_dir)
    assert old_version is not None

    proc = run_child_until(settings, tmp_path, "embed", ready="2")  # batch 1 done and cached
    kill(proc)

    assert_old_index_serves(settings, old_version)
    keys = new_report_keys(settings)
    assert len(keys) > 3 * BATCH  # the child really was stopped midway
    done = cached(settings, keys)
    assert BATCH <= done < len(keys)  # what the killed run embedded was kept

    # the flock died with the child: a new reindex runs, and embeds only what is missing
    emb = FakeEmbedder()
    report = reindex(settings, emb)
    assert report.changed
    assert report.added == ["rapport-groot.txt"]
    assert emb.passages_embedded == report.embedded == len(keys) - done
    assert layout.current_name(settings.index_dir) == report.version != old_version
    assert not list(layout.versions_dir(settings.index_dir).glob(".tmp-*"))


def test_kill_while_writing_version_keeps_old_index(
    built_index: Settings, corpus: Path, tmp_path: Path
) -> None:
    settings = built_index
    old_version = layout.current_name(settings.index_dir)
    assert old_version is not None

    proc = run_child_until(settings, tmp_path, "write", ready="writing")
    kill(proc)

    vdir = layout.versions_dir(settings.index_dir)
    leftovers = list(vdir.glob(".tmp-*"))
    assert len(leftovers) == 1, "the killed build should have left its temporary folder"
    assert_old_index_serves(settings, old_version)

    emb = FakeEmbedder()
    report = reindex(settings, emb)
    assert report.changed
    assert report.added == ["rapport-groot.txt"]
    assert emb.passages_embedded == report.embedded == 0  # all cached by the killed run
    assert layout.current_name(settings.index_dir) == report.version
    assert report.version is not None and not report.version.startswith(".")
    assert not leftovers[0].exists()
    assert not list(vdir.glob(".tmp-*"))  # layout.prune removed the unfinished build
    snapshot = Snapshot.load(settings.index_dir, FakeEmbedder())
    assert any(c.source == "rapport-groot.txt" for c in snapshot.chunks)

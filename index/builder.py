"""Bringing the index in line with the reports: incremental, atomic, locked.

Unchanged reports are neither parsed nor embedded again (their chunks are carried over and
their vectors come from the embedding cache). A changed file is a new edition: it replaces the
old one entirely. A file with the same content as another report is a duplicate and is not
indexed (the report indexed before keeps it; else the first by name). A new version is
written under a temporary name, renamed when complete, and only then made CURRENT, so a crash
or kill at any point leaves the served version intact. With ``VRAAGBAAK_STORE=qdrant`` the
version's vectors and BM25 go into a new Qdrant collection named in its folder before it is
made; pruning a version drops its collection (see :mod:`index.qdrant`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from index import background as bg
from index import layout
from index.abbrev import find_abbreviations
from index.assemble import Assembled, QdrantTarget, assemble, units_to_embed
from index.cache import EmbeddingCache
from index.embedders import Embedder
from index.manifest import DocumentEntry, Manifest, utc_now
from index.seed import import_seed, seed_path
from index.sources import public_source, source_key
from index.threads import in_background, served_elsewhere
from ingest.models import Chunk
from ingest.pipeline import INGEST_VERSION, ingest_with_settings, iter_report_files
from vraagbaak.errors import IndexFormatError, IngestError, UnsupportedFileError
from vraagbaak.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class ReindexReport:
    """What a reindex did, for the CLI, the API and the logs."""

    version: str | None = None
    changed: bool = False
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    # each replaced report: the document id of the edition it replaced
    replaced_ids: dict[str, str] = field(default_factory=dict)
    # (source, the report with the same content): not indexed
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    chunks: int = 0
    embedded: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def collect_sources(paths: Iterable[Path]) -> list[Path]:
    """Report files named directly or found in the folders given."""
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        files.extend(iter_report_files(p) if p.is_dir() else [p])
    return sorted(dict.fromkeys(files))


def _owners(
    files: list[tuple[Path, str, str]], old_docs: dict[str, DocumentEntry]
) -> dict[str, str]:
    """Which report each content (sha256) is indexed as: the one indexed with it before,
    else the first by name; the others with that content are duplicates."""
    owner: dict[str, str] = {}
    for _, source, sha in files:
        old = old_docs.get(source)
        if old is not None and old.sha256 == sha:
            owner.setdefault(sha, source)
    for _, source, sha in files:
        owner.setdefault(sha, source)
    return owner


def _previous(root: Path) -> tuple[Manifest | None, dict[str, list[Chunk]]]:
    version = layout.current_dir(root)
    if version is None:
        return None, {}
    try:
        manifest = Manifest.read(version / layout.MANIFEST)
    except IndexFormatError as exc:  # written by another format: everything is read anew
        log.warning("previous index not reusable", extra={"error": str(exc)})
        return None, {}
    chunks: dict[str, list[Chunk]] = {}
    with open(version / layout.CHUNKS, encoding="utf-8") as fh:
        for line in fh:
            c = Chunk.from_dict(json.loads(line))
            chunks.setdefault(c.document_id, []).append(c)
    return manifest, chunks


def reindex(
    settings: Settings,
    embedder: Embedder,
    paths: list[Path] | None = None,
    progress: bool = False,
    force: bool = False,
) -> ReindexReport:
    """Make the served index reflect the report files (the corpus, or ``paths``).

    While another process serves this index, the work runs in a background thread
    (:mod:`index.threads`): its questions come first."""
    if served_elsewhere(settings.index_dir):
        log.info("index served by another process: reindexing in the background")
        return in_background(lambda: _reindex(settings, embedder, paths, progress, force))
    return _reindex(settings, embedder, paths, progress, force)


def _reindex(
    settings: Settings,
    embedder: Embedder,
    paths: list[Path] | None,
    progress: bool,
    force: bool,
) -> ReindexReport:
    t0 = time.perf_counter()
    root = settings.index_dir
    report = ReindexReport()
    background = bg.load_background(settings.background)  # a bad file fails before any work
    with layout.reindex_lock(root):
        layout.prune(root, release=_release(settings))
        manifest, old_chunks = _previous(root)
        if manifest and (
            manifest.embedder != embedder.name  # vectors of another model can't mix
            or manifest.ingest_version != INGEST_VERSION
            or manifest.chunk_chars != settings.chunk_chars
        ):
            force = True
        old_docs = {d.source: d for d in manifest.documents} if manifest else {}
        sources = collect_sources(paths if paths is not None else [settings.corpus_dir])
        docs: list[DocumentEntry] = []
        chunks: list[Chunk] = []
        seen: set[str] = set()

        def fail(source: str, path: Path, exc: IngestError) -> None:
            message = str(exc).replace(str(path), public_source(source))
            report.failures.append((source, message))
            log.warning("ingest failed", extra={"source": source, "error": message})
            old = old_docs.get(source)
            if old and old.document_id in old_chunks:  # keep what was indexed
                docs.append(old)
                chunks.extend(old_chunks[old.document_id])

        files: list[tuple[Path, str, str]] = []
        for path in sources:
            source = source_key(path, settings.corpus_dir)
            seen.add(source)
            if not path.is_file():
                missing = UnsupportedFileError(
                    public_source(source), "no such file", "check the path"
                )
                fail(source, path, missing)
                continue
            files.append((path, source, _sha256(path)))
        owner = _owners(files, old_docs)
        for path, source, sha in files:
            old = old_docs.get(source)
            if owner[sha] != source:
                report.duplicates.append((source, owner[sha]))
                log.warning("duplicate report", extra={"source": source, "same_as": owner[sha]})
                continue
            if old and old.sha256 == sha and not force and old.document_id in old_chunks:
                docs.append(old)
                chunks.extend(old_chunks[old.document_id])
                report.unchanged.append(source)
                continue
            try:
                doc = ingest_with_settings(path, settings, source=source)
            except IngestError as exc:
                fail(source, path, exc)
                continue
            (report.replaced if old else report.added).append(source)
            if old and old.document_id != doc.document_id:
                report.replaced_ids[source] = old.document_id
            docs.append(
                DocumentEntry(
                    document_id=doc.document_id,
                    source=source,
                    title=doc.title,
                    sha256=doc.sha256,
                    pages=doc.page_count,
                    pages_inferred=doc.pages_inferred,
                    chunks=len(doc.chunks),
                    sections=len(doc.sections),
                    indexed_at=utc_now(),
                    abbreviations=find_abbreviations(doc.text),
                )
            )
            chunks.extend(doc.chunks)
        report.removed = [s for s in old_docs if s not in seen]
        report.changed = bool(
            force
            or report.added
            or report.replaced
            or report.removed
            or any(s in old_docs for s, _ in report.duplicates)  # an edition became a copy
            or manifest is None
            or manifest.background != bg.digest(background)
            or _store_of(manifest) != settings.store  # vectors move to the other store
        )
        report.chunks = len(chunks)
        if not report.changed:
            report.version = layout.current_name(root)
            report.seconds = time.perf_counter() - t0
            return report
        report.version, report.embedded = _write_version(
            settings, embedder, docs, chunks, background, progress
        )
        report.seconds = time.perf_counter() - t0
        log.info("reindexed", extra={k: v for k, v in report.to_dict().items() if k != "failures"})
    return report


def _store_of(manifest: Manifest | None) -> str | None:
    if manifest is None:
        return None
    return "qdrant" if manifest.store == "qdrant" else "faiss"


def _release(settings: Settings) -> Callable[[Path], bool]:
    """What to free before a pruned version's folder goes: its Qdrant collection, if any
    (whatever the store configured now: a version built in Qdrant is dropped from it)."""
    from index import qdrant

    return qdrant.release(qdrant.Qdrant.from_settings(settings))


def _write_version(
    settings: Settings,
    embedder: Embedder,
    docs: list[DocumentEntry],
    chunks: list[Chunk],
    background: list[str],
    progress: bool,
) -> tuple[str, int]:
    root = settings.index_dir
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    digest = hashlib.sha1("".join(c.id for c in chunks).encode()).hexdigest()[:8]
    vdir = layout.versions_dir(root)
    base = f"{stamp}-{digest}"
    # the same passages within the same second: number the versions, past every number used
    # (also one pruned just now: a new version never takes an old one's name)
    taken = [layout.version_order(p.name) for p in vdir.iterdir()] if vdir.is_dir() else []
    n = max((k for b, k in taken if b == base), default=0) + 1
    name = base if n == 1 else f"{base}-{n}"
    tmp = vdir / f".tmp-{name}-{os.getpid()}"
    tmp.mkdir(parents=True)
    try:
        built = _build(settings, embedder, chunks, background, progress, name, tmp)
        built.save(tmp)
        built.close()  # local mode: another process may serve it once it is CURRENT
    except BaseException:  # nothing of a failed build stays (of a killed one: the next prune)
        if _release(settings)(tmp):
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    Manifest(
        name=name,
        embedder=embedder.name,
        dim=embedder.dim,
        store=built.store.kind,
        chunk_chars=settings.chunk_chars,
        ingest_version=INGEST_VERSION,
        chunks=len(chunks),
        vectors=len(built.owners),
        background=bg.digest(background),
        documents=docs,
    ).write(tmp / layout.MANIFEST)
    os.replace(tmp, vdir / name)
    layout.switch_current(root, name)
    return name, built.computed


def _build(
    settings: Settings,
    embedder: Embedder,
    chunks: list[Chunk],
    background: list[str],
    progress: bool,
    name: str,
    folder: Path,
) -> Assembled:
    """Embed and index the version ``name`` (Qdrant: into a collection named in ``folder``)."""
    target = None
    if settings.store == "qdrant":
        from index import qdrant

        where = qdrant.Qdrant.from_settings(settings)
        target = QdrantTarget(where, qdrant.reserve(where, folder, settings.qdrant_prefix, name))
    cache = EmbeddingCache(settings.index_dir / "embeddings.sqlite")
    try:
        import_seed(cache, seed_path(settings.corpus_dir))  # the shipped corpus's vectors
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            disable=not progress,
            transient=True,
        ) as bar:
            task = bar.add_task(
                "embedding passages, windows and background",
                total=units_to_embed(chunks, background),
            )
            return assemble(
                chunks,
                embedder,
                cache,
                background,
                ann_threshold=settings.ann_threshold,
                progress=lambda n: bar.advance(task, n),
                target=target,
            )
    finally:
        cache.close()

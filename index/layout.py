"""Where index versions live on disk, the CURRENT pointer, and the reindex lock.

data/index/
  CURRENT                 name of the served version (replaced atomically)
  versions/<name>/        chunks.jsonl, vectors.faiss, owners.npy, bm25/, manifest.json
                          (store qdrant: qdrant.json and lexical.json instead of vectors and bm25)
  versions/.tmp-<name>/   a version being built (ignored until renamed)
  qdrant/<collection>/    local-mode Qdrant collections (store qdrant without a server URL)
  embeddings.sqlite       embedding cache
  reindex.lock
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from vraagbaak.errors import ReindexBusyError

MANIFEST = "manifest.json"
CHUNKS = "chunks.jsonl"
VECTORS = "vectors.faiss"
OWNERS = "owners.npy"  # passage index of each vector (passages, then sentence windows)
BM25 = "bm25"
BACKGROUND = "background.npy"  # the background texts' vectors (see index.background)
KEEP_VERSIONS = 3


def version_order(name: str) -> tuple[str, int]:
    """How versions sort, oldest first: ``<stamp>-<digest>`` then ``-2``, ``-3`` ... ``-10``
    (built again within the same second)."""
    base, _, n = name.rpartition("-")
    if base.count("-") == 1 and n.isdigit():
        return base, int(n)
    return name, 1


def versions_dir(root: Path) -> Path:
    return root / "versions"


def current_name(root: Path) -> str | None:
    """Name of the served version, or None when nothing has been built."""
    try:
        name = (root / "CURRENT").read_text().strip()
    except FileNotFoundError:
        return None
    return name if name and (versions_dir(root) / name / MANIFEST).is_file() else None


def current_dir(root: Path) -> Path | None:
    name = current_name(root)
    return versions_dir(root) / name if name else None


def switch_current(root: Path, name: str) -> None:
    """Point CURRENT at ``name`` atomically (write a temp file, fsync, rename)."""
    tmp = root / f".CURRENT.{os.getpid()}"
    with open(tmp, "w") as fh:
        fh.write(name)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, root / "CURRENT")


@contextlib.contextmanager
def reindex_lock(root: Path) -> Iterator[None]:
    """Hold the reindex lock; a second reindex fails at once instead of waiting."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "reindex.lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ReindexBusyError(
                f"another reindex is running on {root} (lock held); wait for it to finish"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def prune(
    root: Path, keep: int = KEEP_VERSIONS, release: Callable[[Path], bool] | None = None
) -> None:
    """Delete unfinished builds and all but the newest ``keep`` versions (never CURRENT).

    ``release(folder)`` is called first for each, to free what the version holds outside its
    folder (a Qdrant collection); when it returns False the folder stays, to be tried again."""
    vdir = versions_dir(root)
    if not vdir.is_dir():
        return
    current = current_name(root)
    done = sorted(
        (p for p in vdir.iterdir() if not p.name.startswith(".")),
        key=lambda p: version_order(p.name),
    )
    doomed = list(vdir.glob(".tmp-*")) + [old for old in done[:-keep] if old.name != current]
    for folder in doomed:
        if release is None or release(folder):
            shutil.rmtree(folder, ignore_errors=True)

"""Vectors shipped beside the corpus, so a fresh clone does not embed the reports it comes
with: ``<corpus>/.vectors.npz`` holds the cache keys (embedder name and text, hashed) and
vectors of every text an index of that corpus embeds.

It is made by ``vraagbaak seed`` (``make seed``) from the corpus and the embedder alone, so
anyone can make it again and compare; a reindex copies the entries its cache lacks before it
embeds (a key names its embedder and text, so a seed of another model or of an older text is
never used, only ignored). ``tests/index/test_seed.py`` checks that the shipped seed covers the
corpus as it is read today and that its vectors are the embedder's.
"""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path

import numpy as np

from index.cache import EmbeddingCache, text_key
from index.passages import dense_units
from ingest.models import Chunk

SEED_NAME = ".vectors.npz"
log = logging.getLogger(__name__)


def seed_path(corpus_dir: Path) -> Path:
    return Path(corpus_dir) / SEED_NAME


def seed_texts(chunks: list[Chunk], background: list[str]) -> list[str]:
    """Every text an index of these passages embeds (as :func:`index.assemble.assemble`)."""
    return dense_units(chunks)[0] + list(background)


def import_seed(cache: EmbeddingCache, path: Path) -> int:
    """Copy the seed's entries into ``cache`` (those it has are kept); returns how many the
    seed holds (0 without a seed)."""
    if not path.is_file():
        return 0
    try:
        with np.load(path, allow_pickle=False) as data:
            keys, vectors = data["keys"].tolist(), data["vectors"]
        entries = dict(zip(keys, vectors, strict=True))
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        # only an optimisation: without it the texts are embedded as usual
        log.warning("seed vectors unreadable, ignored path=%s error=%r", path, str(exc))
        return 0
    cache.add_missing(entries)
    return len(keys)


def write_seed(cache: EmbeddingCache, embedder_name: str, texts: list[str], path: Path) -> int:
    """Write the cached vectors of ``texts`` to ``path``; every one must be cached (embed
    them first: ``vraagbaak ingest``). Returns how many were written."""
    keys = sorted({text_key(embedder_name, t) for t in texts})
    found = cache.get_many(keys)
    missing = [k for k in keys if k not in found]
    if missing:
        raise ValueError(f"{len(missing)} of {len(keys)} texts are not embedded yet")
    vectors = np.vstack([found[k] for k in keys]).astype(np.float32)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        np.savez_compressed(fh, keys=np.asarray(keys), vectors=vectors)
    tmp.replace(path)
    return len(keys)

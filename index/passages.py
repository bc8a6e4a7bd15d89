"""What the retrievers see of each passage: its text with its section title as context, and
for the dense side also short windows of its sentences (a question often matches one
sentence better than a whole passage)."""

from __future__ import annotations

import numpy as np

from ingest.models import Chunk

WINDOW_CHARS = 400


def section_leaf(section: str) -> str:
    """The most specific heading of a section path."""
    return section.rsplit(" > ", 1)[-1]


def retrieval_text(chunk: Chunk, with_section: bool = True) -> str:
    """Passage text for embedding and BM25: the section title in front (unless it is there)
    and, for a table cut off from its introduction, that introduction."""
    body = f"{chunk.context}\n{chunk.text}" if chunk.context else chunk.text
    leaf = section_leaf(chunk.section)
    if not with_section or not leaf or chunk.text.startswith(leaf):
        return body
    return f"{leaf}\n{body}"


def window_spans(chunk: Chunk, size: int = WINDOW_CHARS) -> list[tuple[int, int]]:
    """Consecutive sentences of the passage (its stored spans) packed into windows of at most
    ~size characters: (start, end) in the passage text; none when one window would do."""
    windows: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    for s, e in chunk.sentences:
        if cur is None:
            cur = (s, e)
        elif e - cur[0] <= size:
            cur = (cur[0], e)
        else:
            windows.append(cur)
            cur = (s, e)
    if cur is not None:
        windows.append(cur)
    return windows if len(windows) > 1 else []


def sentence_windows(chunk: Chunk, size: int = WINDOW_CHARS) -> list[str]:
    """The texts of :func:`window_spans`."""
    return [chunk.text[s:e] for s, e in window_spans(chunk, size)]


def dense_units(
    chunks: list[Chunk], with_section: bool = True, window: int = WINDOW_CHARS
) -> tuple[list[str], np.ndarray]:
    """Texts to embed and, per text, the passage it belongs to: every passage, then its
    sentence windows (``window=0``: passages only)."""
    texts = [retrieval_text(c, with_section) for c in chunks]
    owners = list(range(len(chunks)))
    if window:
        for i, c in enumerate(chunks):
            leaf = section_leaf(c.section)
            for w in sentence_windows(c, window):
                texts.append(f"{leaf}\n{w}" if with_section and leaf else w)
                owners.append(i)
    return texts, np.asarray(owners, dtype=np.int64)


def vector_documents(chunks: list[Chunk], owners: np.ndarray | None = None) -> np.ndarray:
    """The report of each vector (``owners``: the passage of each), or of each passage."""
    docs = np.asarray([c.document_id for c in chunks], dtype=str)
    if owners is None:
        return docs
    return docs[np.asarray(owners, dtype=np.int64)] if len(docs) else np.asarray([], dtype=str)

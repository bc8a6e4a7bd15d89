"""What each passage looks like to the retrievers: its text, with its section title as context."""

from __future__ import annotations

from ingest.models import Chunk


def section_leaf(section: str) -> str:
    """The most specific heading of a section path."""
    return section.rsplit(" > ", 1)[-1]


def retrieval_text(chunk: Chunk, with_section: bool = True) -> str:
    """Passage text for embedding and BM25; the section title in front, unless it is there."""
    leaf = section_leaf(chunk.section)
    if not with_section or not leaf or chunk.text.startswith(leaf):
        return chunk.text
    return f"{leaf}\n{chunk.text}"

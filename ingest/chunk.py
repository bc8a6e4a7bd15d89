"""Cutting a structured document into passages that keep their citation.

Units are sentences of paragraphs, list items and whole tables; they are packed greedily up
to the target size, never across a section heading, with the last short sentence of a
passage repeated at the start of the next (overlap). A table travels with the sentence that
introduces it. No passage is longer than ``MAX_CHARS``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ingest.blocks import Block
from ingest.sentences import sentence_spans

MAX_CHARS = 1200
OVERLAP_CHARS = 200


@dataclass(frozen=True)
class Span:
    """A passage before it gets its citation: offsets and section."""

    start: int
    end: int
    section: str


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    kind: str

    @property
    def size(self) -> int:
        return self.end - self.start


def _units(text: str, block: Block, start: int, end: int) -> list[_Unit]:
    if block.kind == "table":
        return [_Unit(s, e, "table") for s, e in _bounded(text, start, end, by_line=True)]
    if block.kind in ("list", "footnote"):
        units: list[_Unit] = []
        pos = start
        for line in text[start:end].split("\n"):
            units.extend(_Unit(s, e, "sent") for s, e in _bounded(text, pos, pos + len(line)))
            pos += len(line) + 1
        return units
    if block.kind == "heading":
        return [_Unit(start, end, "heading")]
    return [_Unit(s, e, "sent") for s, e in _bounded(text, start, end)]


def _bounded(text: str, start: int, end: int, by_line: bool = False) -> list[tuple[int, int]]:
    """Sentences (or lines) of text[start:end], long ones cut at spaces to fit MAX_CHARS."""
    if by_line and end - start <= MAX_CHARS:
        return [(start, end)]
    if by_line:
        pieces, pos = [], start
        for line in text[start:end].split("\n"):
            pieces.append((pos, pos + len(line)))
            pos += len(line) + 1
    else:
        pieces = sentence_spans(text, start, end)
    out: list[tuple[int, int]] = []
    for s, e in pieces:
        while e - s > MAX_CHARS:
            cut = text.rfind(" ", s, s + MAX_CHARS)
            cut = cut if cut > s else s + MAX_CHARS
            out.append((s, cut))
            s = cut + 1
        if e > s:
            out.append((s, e))
    return out


def chunk_spans(
    text: str, blocks: list[Block], offsets: list[tuple[int, int]], target: int
) -> list[Span]:
    """Passages over the document text, one section each, at most MAX_CHARS long."""
    spans: list[Span] = []
    group: list[_Unit] = []
    section = ""

    def flush(keep_overlap: bool) -> None:
        nonlocal group
        if group and any(u.kind != "heading" for u in group):
            spans.append(Span(group[0].start, group[-1].end, section))
        tail = group[-1] if group else None
        carry = keep_overlap and tail and tail.kind == "sent" and tail.size <= OVERLAP_CHARS
        group = [tail] if carry and tail else []

    for block, (start, end) in zip(blocks, offsets, strict=True):
        if block.kind == "heading" or block.section != section:
            flush(keep_overlap=False)
            section = block.section
        units = _units(text, block, start, end)
        if block.kind == "footnote":
            flush(keep_overlap=False)
        for unit in units:
            fits = not group or unit.end - group[0].start <= target
            if unit.kind == "table" and group and unit.end - group[-1].start <= MAX_CHARS:
                if not fits:  # keep the introducing sentence with its table
                    intro = group[-1]
                    group = group[:-1]
                    flush(keep_overlap=False)
                    group = [intro]
                group.append(unit)
                continue
            if not fits and not all(u.kind == "heading" for u in group):
                flush(keep_overlap=block.kind != "footnote")
                if group and unit.end - group[0].start > MAX_CHARS:
                    group = []
            elif not fits:
                group = [u for u in group if unit.end - u.start <= MAX_CHARS]
            group.append(unit)
        if block.kind == "footnote":
            flush(keep_overlap=False)
    flush(keep_overlap=False)
    return spans


def chunk_id(document_id: str, start: int, end: int, text: str) -> str:
    """Stable id: the same document text gives the same ids, so re-ingesting never duplicates."""
    digest = hashlib.sha1(f"{document_id}:{start}:{end}:{text}".encode()).hexdigest()
    return digest[:16]


def normalize_ws(text: str) -> str:
    """Collapse whitespace runs to one space (for matching spans across layouts)."""
    return re.sub(r"\s+", " ", text).strip()

"""The ingest pipeline: file -> pages -> cleaned lines -> blocks -> document -> chunks."""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from ingest.blocks import Block, Line, build_blocks, render
from ingest.chunk import chunk_id, chunk_spans
from ingest.clean import (
    clean_line,
    is_page_furniture,
    is_running_edge,
    repeated_edges,
    split_footnotes,
    vocabulary,
)
from ingest.lang import detect_language
from ingest.loaders import SUPPORTED_SUFFIXES, load
from ingest.models import Chunk, Document, Page, RawDocument
from ingest.sentences import sentence_spans
from vraagbaak.settings import Settings

DEFAULT_CHUNK_CHARS = 1150
# Raised whenever cleaning or chunking changes what a file becomes, so that a reindex
# re-reads reports whose bytes did not change (their embeddings stay cached).
INGEST_VERSION = 4  # 4: PDFs read by their layout; physical pages with printed labels


def ingest_file(
    path: Path,
    chunk_chars: int = DEFAULT_CHUNK_CHARS,
    max_bytes: int = 50 * 1024 * 1024,
    timeout_s: float = 120.0,
    source: str | None = None,
    ocr: bool = True,
) -> Document:
    """Read, clean, structure and chunk one report file (named ``source``, when given)."""
    raw = load(Path(path), max_bytes=max_bytes, timeout_s=timeout_s, ocr=ocr)
    if source is not None:
        raw = replace(raw, source=source)
    return build_document(raw, chunk_chars)


def ingest_with_settings(path: Path, settings: Settings, source: str | None = None) -> Document:
    """``ingest_file`` with the size, time and passage limits of the settings; ``source`` is
    how the document and its passages name the file (default: the path as given)."""
    return ingest_file(
        path,
        chunk_chars=settings.chunk_chars,
        max_bytes=settings.max_file_bytes,
        timeout_s=settings.parse_timeout_s,
        source=source,
        ocr=settings.ocr,
    )


def _layout_lines(pages: tuple[Page, ...]) -> tuple[list[Line], dict[int, list[str]]]:
    """Lines and footnotes of pages whose layout was read: their roles are decided."""
    lines: list[Line] = []
    footnotes: dict[int, list[str]] = {}
    for page in pages:
        for x in page.lines:
            text = clean_line(x.text)
            if text:
                role = "" if x.role == "text" else x.role
                lines.append(Line(text, page.number, role, x.level, x.new_para))
        footnotes.setdefault(page.number, []).extend(clean_line(n) for n in page.footnotes)
    return lines, footnotes


def _text_lines(pages: tuple[Page, ...]) -> tuple[list[Line], dict[int, list[str]]]:
    """Lines and footnotes of plain text pages: furniture and notes found from the words."""
    page_lines = [[clean_line(x) for x in p.text.split("\n")] for p in pages]
    edges = repeated_edges([[x for x in lines if x] for lines in page_lines])
    lines: list[Line] = []
    footnotes: dict[int, list[str]] = {}
    for page, texts in zip(pages, page_lines, strict=True):
        kept = [
            t for t in texts if t and not is_page_furniture(t) and not is_running_edge(t, edges)
        ]
        kept, notes = split_footnotes(kept)
        lines.extend(Line(t, page.number) for t in kept)
        # inferred pages may share a number: keep every page's notes
        footnotes.setdefault(page.number, []).extend(notes)
        footnotes[page.number].extend(clean_line(n) for n in page.footnotes)
    return lines, footnotes


def build_document(raw: RawDocument, chunk_chars: int = DEFAULT_CHUNK_CHARS) -> Document:
    """Turn pages into a cleaned, chunked document."""
    laid_out = any(p.lines for p in raw.pages)
    lines, footnotes = _layout_lines(raw.pages) if laid_out else _text_lines(raw.pages)
    labels = {p.number: p.label for p in raw.pages if p.label}
    ocr = any(p.ocr for p in raw.pages)
    vocab = vocabulary(line.text for line in lines)
    widths = sorted(len(line.text) for line in lines) or [80]
    width = int(widths[int(0.9 * (len(widths) - 1))])
    blocks = build_blocks(lines, footnotes, vocab, width)
    text, page_spans, offsets = render(blocks)
    inferred = any(p.inferred for p in raw.pages)
    doc = Document(
        document_id=raw.document_id,
        source=raw.source,
        title=raw.title,
        sha256=raw.sha256,
        text=text,
        page_spans=page_spans,
        pages_inferred=inferred,
        sections=list(dict.fromkeys(b.section for b in blocks if b.kind == "heading")),
        page_labels=labels,
    )
    intros = _table_intros(text, blocks, offsets)
    for span in chunk_spans(text, blocks, offsets, chunk_chars):
        body = text[span.start : span.end]
        first, last = pages_of(page_spans, span.start, span.end)
        doc.chunks.append(
            Chunk(
                id=chunk_id(doc.document_id, span.start, span.end, body),
                document_id=doc.document_id,
                text=body,
                section=span.section or raw.title,
                page_start=first,
                page_end=last,
                page_inferred=inferred,
                label_start=labels.get(first, ""),
                label_end=labels.get(last, ""),
                ocr=ocr,
                char_start=span.start,
                char_end=span.end,
                lang=detect_language(body),
                title=raw.title,
                source=raw.source,
                context=_intro_for(intros, span.start, span.end),
            )
        )
    return doc


INTRO_CHARS = 400
INTRO_REACH = 200  # a table this close to a passage's start is what the passage is about


def _intro_for(intros: dict[int, tuple[int, str]], start: int, end: int) -> str:
    """The introduction of a table that opens the passage [start, end), unless the passage
    already holds that introduction."""
    for table_start, (intro_start, intro) in intros.items():
        if start <= table_start < min(end, start + INTRO_REACH) and start > intro_start:
            return intro
    return ""


def _table_intros(
    text: str, blocks: list[Block], offsets: list[tuple[int, int]]
) -> dict[int, tuple[int, str]]:
    """For each table (by start offset), the end of the paragraph just before it in the same
    section: what the table's numbers are about, for a table too long to share a passage."""
    intros: dict[int, tuple[int, str]] = {}
    for i, block in enumerate(blocks[1:], start=1):
        before = blocks[i - 1]
        if block.kind == "table" and before.kind == "para" and before.section == block.section:
            s, e = offsets[i - 1]
            spans = sentence_spans(text, s, e)
            while len(spans) > 1 and spans[-1][1] - spans[0][0] > INTRO_CHARS:
                spans = spans[1:]
            if spans:
                intros[offsets[i][0]] = (spans[0][0], text[spans[0][0] : spans[-1][1]])
    return intros


def pages_of(page_spans: list[tuple[int, int, int]], start: int, end: int) -> tuple[int, int]:
    """First and last page that the text range [start, end) touches."""
    pages = [p for s, e, p in page_spans if s < end and e > start]
    if not pages:
        before = [p for s, _, p in page_spans if s <= start]
        page = before[-1] if before else 1
        return page, page
    return min(pages), max(pages)


def iter_report_files(folder: Path) -> Iterator[Path]:
    """Report files in a folder (recursively), in a stable order; hidden files skipped."""
    folder = Path(folder)
    for path in sorted(folder.rglob("*")):
        hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
        if path.is_file() and not hidden and path.suffix.lower() in SUPPORTED_SUFFIXES:
            yield path


def chunk_stats(doc: Document) -> dict[str, float]:
    """Count and size distribution of a document's chunks."""
    sizes = [len(c.text) for c in doc.chunks] or [0]
    return {
        "chunks": len(doc.chunks),
        "min": min(sizes),
        "median": statistics.median(sizes),
        "mean": round(statistics.mean(sizes), 1),
        "max": max(sizes),
        "sections": len(doc.sections),
        "pages": doc.page_count,
    }

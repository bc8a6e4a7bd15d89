"""One PDF page as positioned lines and tables, read with pdfplumber.

A line knows its font size, whether it is bold, and where it sits on the page; footnote
reference marks (small raised digits) are taken out of its text and kept apart. Words
inside a ruled table are not lines: the table comes as its rows of cells instead.
Everything here is plain data, so it can cross from the parsing process to the caller.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from typing import Any

_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_MARK = re.compile(r"^\d{1,3}[,)]?$")
_SUPER = 0.8  # a mark's size, relative to its line's
_RAISE = 0.15  # how far (in sizes) a mark's foot sits above the line's


@dataclass(frozen=True)
class TextLine:
    """A line of text as set on the page (PDF points, top-down)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    marks: tuple[str, ...] = ()  # footnote reference marks taken out of the text
    lead_mark: str = ""  # a raised number that opens the line (a footnote's own number)


@dataclass(frozen=True)
class TableRows:
    """A ruled table: its rows of cell texts, top to bottom, and where it sits."""

    top: float
    bottom: float
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class PageLayout:
    """A page's size, its lines in reading order and its tables."""

    index: int  # 0-based physical page
    width: float
    height: float
    lines: tuple[TextLine, ...]
    tables: tuple[TableRows, ...] = ()
    images: int = 0  # picture objects: a page of pictures and no text is a scan
    label: str | None = None  # the PDF's own page label, where it has one
    extra: dict[str, Any] = field(default_factory=dict)


def _bold(fontname: str) -> bool:
    return bool(_BOLD.search(fontname.split("+")[-1]))


def _inside(word: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    cx = (word["x0"] + word["x1"]) / 2
    cy = (word["top"] + word["bottom"]) / 2
    return x0 - 1 <= cx <= x1 + 1 and top - 1 <= cy <= bottom + 1


def _cell(text: str | None) -> str:
    """A table cell's text on one line; a word broken at a hyphen is joined again."""
    if not text:
        return ""
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    return " ".join(text.split())


def _group_lines(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Words into lines: a word joins a line it overlaps vertically by half its height."""
    lines: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (round(w["bottom"], 1), w["x0"])):
        height = max(word["bottom"] - word["top"], 0.1)
        for line in reversed(lines[-3:]):
            top = min(w["top"] for w in line)
            bottom = max(w["bottom"] for w in line)
            overlap = min(bottom, word["bottom"]) - max(top, word["top"])
            if overlap >= 0.5 * height:
                line.append(word)
                break
        else:
            lines.append([word])
    for line in lines:
        line.sort(key=lambda w: w["x0"])
    lines.sort(key=lambda ws: min(w["top"] for w in ws))
    return lines


def _make_line(words: list[dict[str, Any]]) -> TextLine | None:
    """A line from its words, with raised small digits taken out as reference marks."""
    sizes = [w["size"] for w in words for _ in w["text"]]
    size = statistics.median(sizes)
    base = statistics.median(w["bottom"] for w in words if w["size"] >= _SUPER * size)
    marks: list[str] = []
    lead = ""
    parts: list[str] = []
    prev: dict[str, Any] | None = None
    kept: list[dict[str, Any]] = []
    for i, word in enumerate(words):
        raised = word["size"] < _SUPER * size and word["bottom"] < base - _RAISE * size
        if raised and _MARK.match(word["text"]):
            if i == 0:
                lead = word["text"].rstrip(",)")
            else:
                marks.append(word["text"].rstrip(",)"))
            continue
        gap = word["x0"] - prev["x1"] if prev is not None else 0.0
        if parts and gap > 0.12 * size:
            parts.append(" ")
        parts.append(word["text"])
        prev = word
        kept.append(word)
    if not kept:
        return None
    letters = sum(len(w["text"]) for w in kept)
    bold = sum(len(w["text"]) for w in kept if _bold(w["fontname"])) >= 0.9 * letters
    body_sizes = [w["size"] for w in kept for _ in w["text"]]
    return TextLine(
        text="".join(parts),
        x0=min(w["x0"] for w in kept),
        x1=max(w["x1"] for w in kept),
        top=min(w["top"] for w in kept),
        bottom=max(w["bottom"] for w in kept),
        size=round(statistics.median(body_sizes), 2),
        bold=bold,
        marks=tuple(marks),
        lead_mark=lead,
    )


def read_page(page: Any, index: int, label: str | None = None) -> PageLayout:
    """A pdfplumber page as a ``PageLayout``."""
    tables: list[TableRows] = []
    boxes: list[tuple[float, float, float, float]] = []
    for table in page.find_tables():
        rows = tuple(tuple(_cell(c) for c in row) for row in table.extract() if any(c for c in row))
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
            tables.append(TableRows(table.bbox[1], table.bbox[3], rows))
            boxes.append(table.bbox)
    words = page.extract_words(extra_attrs=["size", "fontname"], x_tolerance=1.5)
    words = [w for w in words if not any(_inside(w, box) for box in boxes)]
    lines = [line for ws in _group_lines(words) if (line := _make_line(ws)) is not None]
    return PageLayout(
        index=index,
        width=float(page.width),
        height=float(page.height),
        lines=tuple(lines),
        tables=tuple(sorted(tables, key=lambda t: t.top)),
        images=len(page.images),
        label=label,
    )

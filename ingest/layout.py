"""From positioned lines to a report's structure: what is body text, heading, table row,
footnote or page furniture, found from the layout rather than from one report's words.

- Running headers and footers: lines at a page's top or bottom whose shape (digits set
  aside) comes back on many pages, whatever they say; a lone page number there too. The
  number printed there is the page's printed label.
- Footnotes: the smaller lines at a page's foot, below the body; each starts with its number.
- Headings: lines set larger than the body, or bold on their own; their level comes from
  their numbering (``2.1.3``) where they have one, else from their style's rank.
- Tables: each row keeps its column headers (``Regio: Utrecht · 2023: 412``).

Where no line stands out by its style (a PDF set in one font), body lines get the role
``text``: their words decide what they are, as for a text file.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass, replace

from ingest.models import Page, PageLine
from ingest.pdfread import PageLayout, TableRows, TextLine
from ingest.structure import parse_heading

_EDGE = 0.12  # share of the page height at top and bottom where furniture sits
_NUMBER = re.compile(
    r"^(?:(?:pagina|page|blz\.?|p\.)\s*)?(\d{1,4}|[ivxlc]{1,7}|[IVXLC]{1,7})"
    r"(?:\s*(?:/|van|of)\s*\d{1,4})?$",
    re.IGNORECASE,
)
_PRINTED = re.compile(
    r"(?:^|[\s|·–-])(?:(?:pagina|page|blz\.?|p\.)\s*)?(\d{1,4}|[ivxlc]{1,7})"
    r"(?:\s*(?:/|van|of)\s*\d{1,4})?\s*$",
    re.IGNORECASE,
)
# a contents line: dotted leaders up to a page number ("2.1 Wachttijden ........ 7")
_LEADER = re.compile(r"(?:\.\s?){5,}\s*(?:\d{1,4}|[ivxlc]{1,7})?\s*$|…{2,}\s*\d*\s*$")
_CAPTION = re.compile(r"^(?:Tabel|Table|Figuur|Figure|Grafiek|Bron|Source)\b")
_MAX_HEADING_CHARS = 120
_MAX_HEADING_WORDS = 16
_NOTE_SHRINK = 0.92  # footnotes are set at most this share of the body size


@dataclass(frozen=True)
class _Style:
    size: float
    bold: bool


def _shape(text: str) -> str:
    text = re.sub(r"\d+", "#", text.strip().lower())
    return re.sub(r"\b[ivxlc]{1,7}\b", "#", text)


def body_size(pages: list[PageLayout]) -> float:
    """The size most of the text is set in (weighted by characters)."""
    counts: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            counts[round(line.size * 2) / 2] += len(line.text)
    return counts.most_common(1)[0][0] if counts else 10.0


def _at_edge(line: TextLine, page: PageLayout) -> bool:
    return line.top < _EDGE * page.height or line.bottom > (1 - _EDGE) * page.height


def furniture(pages: list[PageLayout]) -> set[tuple[int, int]]:
    """(page index, line index) of running headers, footers and page numbers."""
    shapes: Counter[str] = Counter()
    for page in pages:
        shapes.update({_shape(x.text) for x in page.lines if _at_edge(x, page)})
    need = max(2, round(0.3 * len(pages)))
    repeated = {s for s, n in shapes.items() if n >= need and len(pages) >= 2}
    found: set[tuple[int, int]] = set()
    for page in pages:
        for i, line in enumerate(page.lines):
            if not _at_edge(line, page):
                continue
            if _shape(line.text) in repeated or _NUMBER.match(line.text.strip(" -–")):
                found.add((page.index, i))
    return found


def printed_labels(pages: list[PageLayout], edges: set[tuple[int, int]]) -> dict[int, str]:
    """The page number printed in each page's header or footer, where there is one: the
    number of a running line that changes from page to page (not the year in a running
    title). The PDF's own page labels win where it has them."""
    by_shape: dict[str, dict[int, str]] = {}
    for page in pages:
        for i, line in enumerate(page.lines):
            if (page.index, i) in edges and (m := _PRINTED.search(line.text.strip())):
                by_shape.setdefault(_shape(line.text), {}).setdefault(page.index, m.group(1))
    labels: dict[int, str] = {}
    for found in sorted(by_shape.values(), key=len, reverse=True):
        if len(set(found.values())) > 1 or len(pages) == 1:
            for index, value in found.items():
                labels.setdefault(index, value)
    labels.update({p.index: p.label for p in pages if p.label})
    return labels


def _footnote_start(page: PageLayout, size: float, edges: set[tuple[int, int]]) -> int:
    """Index of the first footnote line of a page (len(lines) when there are none): the
    run of small lines at the foot that starts with a numbered line."""
    start = len(page.lines)
    for i in range(len(page.lines) - 1, -1, -1):
        line = page.lines[i]
        if (page.index, i) in edges:
            if start == i + 1:
                start = i
            continue
        if line.size > _NOTE_SHRINK * size:
            break
        start = i
    # the run must open with a note number (raised or plain)
    while start < len(page.lines):
        line = page.lines[start]
        if (page.index, start) not in edges and (
            line.lead_mark or re.match(r"^\d{1,3}\s", line.text)
        ):
            return start
        start += 1
    return len(page.lines)


def footnotes_of(page: PageLayout, start: int, edges: set[tuple[int, int]]) -> tuple[str, ...]:
    """The page's notes, each ``N text`` on one line, from its footnote lines."""
    notes: list[str] = []
    for i in range(start, len(page.lines)):
        if (page.index, i) in edges:
            continue
        line = page.lines[i]
        plain = re.match(r"^(\d{1,3})\s+(.*)$", line.text)
        if line.lead_mark:
            notes.append(f"{line.lead_mark} {line.text}")
        elif plain and (not notes or int(plain.group(1)) > _note_number(notes[-1])):
            notes.append(line.text)
        elif notes:
            notes[-1] = _join(notes[-1], line.text)
        else:
            notes.append(line.text)
    return tuple(notes)


def _note_number(note: str) -> int:
    m = re.match(r"^(\d+)", note)
    return int(m.group(1)) if m else 0


_KEEP_HYPHEN = frozenset(["en", "of", "tot", "and", "or", "to"])  # "kinder- en jeugdzorg"


def _join(prev: str, nxt: str) -> str:
    """Two lines of one title or note: a word broken at a hyphen is whole again."""
    first = nxt.split(" ", 1)[0]
    if prev.endswith("-") and prev[-2:-1].isalpha() and nxt[:1].islower():
        return prev + " " + nxt if first in _KEEP_HYPHEN else prev[:-1] + nxt
    return f"{prev} {nxt}"


def _is_heading_style(line: TextLine, size: float) -> bool:
    text = line.text.strip()
    if (
        len(text) > _MAX_HEADING_CHARS
        or len(text.split()) > _MAX_HEADING_WORDS
        or _CAPTION.match(text)
        or not any(c.isalpha() for c in text)
    ):
        return False
    larger = line.size >= size + 0.9
    if not (larger or line.bold):
        return False
    numbered = parse_heading(text, None) is not None
    return numbered or not text.endswith((".", ",", ";", ":"))


def _levels(styles: dict[_Style, list[str]]) -> dict[_Style, int]:
    """The level of each heading style: the level its numbered headings have, where it
    has them; else by size (larger is higher), bold before plain."""
    numbered: dict[_Style, int] = {}
    for style, texts in styles.items():
        depths = [h.level for t in texts if (h := parse_heading(t, None)) and h.numbered]
        if depths:
            numbered[style] = Counter(depths).most_common(1)[0][0]
    order = sorted(styles, key=lambda s: (-s.size, not s.bold))
    levels: dict[_Style, int] = {}
    for style in order:
        if style in numbered:
            levels[style] = numbered[style]
            continue
        bigger = [levels[s] for s in levels if s.size > style.size or s.size == style.size]
        levels[style] = (max(bigger) + 1) if bigger else 1
    return levels


@dataclass
class _Item:
    """A piece of a page in reading order: a line or a table."""

    top: float
    line: TextLine | None = None
    table: TableRows | None = None


def _row_text(header: tuple[str, ...], row: tuple[str, ...]) -> str:
    """``Regio: Utrecht · 2023: 412``; a cell without a header stands alone."""
    cells = []
    for i, cell in enumerate(row):
        if not cell:
            continue
        name = header[i] if i < len(header) else ""
        cells.append(f"{name}: {cell}" if name and name != cell else cell)
    return " · ".join(cells)


def analyse(pages: list[PageLayout]) -> list[Page]:
    """Pages with their lines sorted into body, headings, table rows and footnotes."""
    size = body_size(pages)
    edges = furniture(pages)
    labels = printed_labels(pages, edges)
    starts = {p.index: _footnote_start(p, size, edges) for p in pages}
    for page in pages:  # contents lines are neither headings nor body text
        edges |= {(page.index, i) for i, x in enumerate(page.lines) if _LEADER.search(x.text)}
    styles: dict[_Style, list[str]] = {}
    used_on: dict[_Style, set[int]] = {}
    for page in pages:
        for i, line in enumerate(page.lines[: starts[page.index]]):
            if (page.index, i) not in edges and _is_heading_style(line, size):
                style = _Style(line.size, line.bold)
                styles.setdefault(style, []).append(line.text)
                used_on.setdefault(style, set()).add(page.index)
    if len(pages) >= 3 and any(used != {0} for used in used_on.values()):
        # styles seen on the title page only are its title, not sections
        styles = {s: t for s, t in styles.items() if used_on[s] != {0}}
    sorter = _Sorter(size, _levels(styles))
    out: list[Page] = []
    for page in pages:
        start = starts[page.index]
        body = [x for i, x in enumerate(page.lines[:start]) if (page.index, i) not in edges]
        lines = sorter.page(body, page.tables)
        out.append(
            Page(
                number=page.index + 1,
                text="\n".join(x.text for x in lines),
                footnotes=footnotes_of(page, start, edges),
                lines=tuple(lines),
                label=labels.get(page.index),
            )
        )
    return out


class _Sorter:
    """Gives each body line and table of a page its role, page after page (a paragraph
    and a table's header carry over a page break)."""

    def __init__(self, size: float, levels: dict[_Style, int]) -> None:
        self.size = size
        self.levels = levels
        self.header: tuple[str, ...] = ()  # the last table's column headers
        self.carried: TextLine | None = None  # the last body line of the page before
        self.out: list[PageLine] = []
        self.heading: list[TextLine] = []
        self.ended_in_table = False  # the page before ended in a table

    def page(self, body: list[TextLine], tables: tuple[TableRows, ...]) -> list[PageLine]:
        items = [_Item(x.top, line=x) for x in body] + [_Item(t.top, table=t) for t in tables]
        items.sort(key=lambda it: it.top)
        self.out = []
        gap = _usual_gap(body)
        right = max((x.x1 for x in body), default=0.0)
        prev: TextLine | None = None
        ended_in_table, self.ended_in_table = self.ended_in_table, False
        for n, item in enumerate(items):
            self.ended_in_table = False
            if item.table is not None:
                self._flush()
                self._table(item.table, continued=n == 0 and ended_in_table)
                self.ended_in_table = True
                prev = None
            elif item.line is not None:
                line = item.line
                if self._continues_caption(prev, line):
                    last = self.out[-1]
                    self.out[-1] = replace(last, text=_join(last.text, line.text))
                    prev = line
                    continue
                if self._is_heading(line):
                    prev = None
                    continue
                self._flush()
                if prev is None and self.carried is not None and not self.out:
                    opens = _opens_page_paragraph(self.carried, line)
                else:
                    opens = _new_paragraph(prev, line, gap, right)
                self.out.append(PageLine(line.text, self._role(line), new_para=opens))
                prev = line
        self._flush()
        self.carried = prev if prev is not None else (None if self.out else self.carried)
        return self.out

    def _continues_caption(self, prev: TextLine | None, line: TextLine) -> bool:
        """A table title wrapped onto a second line, set like its first."""
        return (
            prev is not None
            and bool(self.out)
            and self.out[-1].role == "caption"
            and (line.size, line.bold) == (prev.size, prev.bold)
            and line.top - prev.bottom < 0.8 * line.size
        )

    def _role(self, line: TextLine) -> str:
        if not self.levels:  # no heading stands out by its style: let the words decide
            return "text"
        return "caption" if _CAPTION.match(line.text) and len(line.text) < 160 else "body"

    def _is_heading(self, line: TextLine) -> bool:
        """Take the line as (part of) a heading when it is set in a heading style."""
        style = _Style(line.size, line.bold)
        if style not in self.levels or not _is_heading_style(line, self.size):
            return False
        if self.heading and (
            _Style(self.heading[0].size, self.heading[0].bold) != style
            or line.top - self.heading[-1].bottom > 1.2 * line.size
            or parse_heading(line.text, None) is not None
        ):
            self._flush()
        self.heading.append(line)
        return True

    def _flush(self) -> None:
        if self.heading:
            style = _Style(self.heading[0].size, self.heading[0].bold)
            text = self.heading[0].text
            for more in self.heading[1:]:
                text = _join(text, more.text)
            named = parse_heading(text, None)  # "2.1 ...", "Hoofdstuk II", "Bijlage A"
            level = named.level if named is not None else self.levels.get(style, 1)
            self.out.append(PageLine(text, "heading", level=level))
            self.heading = []

    def _table(self, table: TableRows, continued: bool) -> None:
        """Rows with their column headers; a table that opens a page right after one that
        closed the page before continues it, and keeps its header when it is not repeated."""
        rows = table.rows
        header, body_rows = rows[0], rows[1:]
        if continued and len(header) == len(self.header) and header != self.header:
            header, body_rows = self.header, rows
        self.header = header
        self.out.extend(PageLine(_row_text(header, row), "row") for row in body_rows)
        self.carried = None


def _usual_gap(lines: list[TextLine]) -> float:
    """The usual distance from one line's top to the next's within a paragraph."""
    steps = [b.top - a.top for a, b in itertools.pairwise(lines) if b.top > a.top]
    return statistics.median(steps) if steps else 0.0


def _opens_page_paragraph(prev: TextLine, line: TextLine) -> bool:
    """The first line of a page continues the paragraph the last page ended in, unless
    that one ended a sentence and this one does not start in lower case."""
    ended = prev.text.rstrip().endswith((".", "!", "?", ":", ".)", ";"))
    return ended and not line.text[:1].islower()


def _new_paragraph(prev: TextLine | None, line: TextLine, gap: float, right: float) -> bool:
    """A line opens a paragraph after a wider gap than usual, or after a line that ended a
    sentence short of the right margin: so short that this line's first word would have
    fitted. (Indentation is no sign: a list item's second line is indented too.)"""
    if prev is None:
        return True
    if gap and line.top - prev.top > 1.3 * gap:
        return True
    if not prev.text.rstrip().endswith((".", "!", "?", ":", ".)", ";")):
        return False
    # ended short: this line's first word would have fitted after it
    per_char = (line.x1 - line.x0) / max(len(line.text), 1)
    first = len(line.text.split(" ", 1)[0]) + 1
    return right - prev.x1 > first * per_char + 0.5 * line.size

"""From cleaned layout lines to blocks: headings, paragraphs, lists, tables, footnotes.

Hard-wrapped lines are joined into paragraphs; a paragraph ends at a short line that ends a
sentence, at a heading, a list or a table. Lines keep their page, so every character of the
document text can be traced back to the page it came from.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ingest.clean import join_wrapped
from ingest.sentences import LIST_MARK
from ingest.structure import Heading, SectionTracker, continues_heading, parse_heading

_BULLET = re.compile(rf"^{LIST_MARK}\s+\S")
_NUMERIC = re.compile(r"^[-+]?[\d.,%€]+$|^\d{1,3}-\d{1,3}$")
# words that join figures in running text ("2016 en 2017"); never between a row's columns
_JOINERS = frozenset(["en", "of", "respectievelijk", "and", "or"])
# a table title: "Tabel", "Tabel 3", "Tabel: Aantal", "Data"; not "Tabellen" nor "Data over"
_TABLE_TITLE = re.compile(r"(?:Tabel|Data)\b(?!\s+[a-zà-ÿ])")


@dataclass
class Block:
    """A unit of document structure; ``pieces`` are (text, page) in reading order."""

    kind: str  # heading | para | list | table | footnote
    pieces: list[tuple[str, int]] = field(default_factory=list)
    section: str = ""
    heading: Heading | None = None

    @property
    def pages(self) -> list[int]:
        return [p for _, p in self.pieces]


@dataclass(frozen=True)
class Line:
    """A cleaned layout line and the page it is on. ``role`` is set when the page layout
    decided what the line is (``ingest.layout``): then no guess is made from its words."""

    text: str
    page: int
    role: str = ""  # "" | body | heading | row | caption
    level: int = 0
    new_para: bool = False


def is_prose(text: str) -> bool:
    """Running text, never a table row or title: a line that ends a sentence among ordinary
    words (``de jaren 2016 en 2017.``), one with many ordinary words, or one that joins its
    figures with words (``tussen 2013 en 2015``) where a row sets them in columns."""
    tokens = text.split()
    lower = sum(1 for t in tokens if t.isalpha() and t.islower())
    if (text.rstrip().endswith((".", "!", "?")) and lower >= 2) or lower >= 7:
        return True
    return any(
        word in _JOINERS and _NUMERIC.match(left) and _NUMERIC.match(right)
        for left, word, right in zip(tokens, tokens[1:], tokens[2:], strict=False)
    )


def is_table_row(text: str) -> bool:
    """A row of a flattened statistics table: short, and mostly numbers."""
    tokens = text.split()
    if len(tokens) < 2 or len(text) > 90 or is_prose(text):
        return False
    numeric = sum(1 for t in tokens if _NUMERIC.match(t))
    return numeric >= 2 and numeric / len(tokens) >= 0.4


def _ends_paragraph(text: str, width: int) -> bool:
    return text.endswith((".", "!", "?", ":", ".)", ".’", '."')) and len(text) < 0.8 * width


def build_blocks(
    lines: list[Line], footnotes: dict[int, list[str]], vocab: set[str], width: int
) -> list[Block]:
    """Assemble lines into blocks, tracking the section path of each."""
    blocks: list[Block] = []
    tracker = SectionTracker()
    cur: Block | None = None
    next_page = 10**9
    pending = {p: list(n) for p, n in footnotes.items() if n}

    def close() -> None:
        nonlocal cur
        if cur is not None and cur.pieces:
            blocks.append(cur)
            last_page = cur.pieces[-1][1]
            for page in sorted(p for p in pending if p <= last_page):
                if next_page > page:
                    for note in pending.pop(page):  # each note a block (and passage) of its own
                        blocks.append(Block("footnote", [(note, page)], tracker.path))
        cur = None

    for idx, line in enumerate(lines):
        next_page = lines[idx + 1].page if idx + 1 < len(lines) else 10**9
        text = line.text
        last = blocks[-1] if blocks else None
        if line.role:
            next_role = lines[idx + 1].role if idx + 1 < len(lines) else ""
            cur = _layout_line(line, next_role, cur, tracker, blocks, close, vocab)
            continue
        if (
            cur is None
            and last
            and last.kind == "heading"
            and last.heading
            and continues_heading(last.heading, text)
        ):
            merged = f"{last.heading.text} {text}"
            wrapped = replace(last.heading, text=merged)
            last.pieces.append((text, line.page))
            last.heading = wrapped
            tracker.replace_last(wrapped)
            last.section = tracker.path
            continue
        heading = parse_heading(text, None)
        if heading is not None and tracker.accepts(heading):
            close()
            tracker.enter(heading)
            blocks.append(Block("heading", [(text, line.page)], tracker.path, heading))
            continue
        titled = _TABLE_TITLE.match(text) is not None and not is_prose(text)
        if is_table_row(text) or titled:
            if cur is None or cur.kind != "table":
                header = _pop_table_header(cur)
                close()
                cur = Block("table", header, tracker.path)
            cur.pieces.append((text, line.page))
            continue
        if _BULLET.match(text):
            if cur is None or cur.kind != "list":
                close()
                cur = Block("list", [], tracker.path)
            cur.pieces.append(("\n" + text if cur.pieces else text, line.page))
        elif cur is None or cur.kind == "table":
            close()
            cur = Block("para", [(text, line.page)], tracker.path)
        else:
            prev_text, prev_page = cur.pieces[-1]
            joined = join_wrapped(prev_text, text, vocab)
            # store only what this line adds, so pieces keep their own pages
            if not joined.startswith(prev_text):  # the hyphen at the break was dropped
                prev_text = prev_text[:-1]
                cur.pieces[-1] = (prev_text, prev_page)
            cur.pieces.append((joined[len(prev_text) :], line.page))
        if _ends_paragraph(text, width) and (cur.kind != "list" or text.endswith(".")):
            close()
    close()
    for page in sorted(pending):
        blocks.extend(Block("footnote", [(n, page)], tracker.path) for n in pending[page])
    return blocks


def _layout_line(
    line: Line,
    next_role: str,
    cur: Block | None,
    tracker: SectionTracker,
    blocks: list[Block],
    close: Callable[[], None],
    vocab: set[str],
) -> Block | None:
    """Place one line whose role the layout decided; returns the block now open."""
    text = line.text
    if line.role == "heading":
        close()
        parsed = parse_heading(text, None)
        key, numbered = (parsed.key, parsed.numbered) if parsed else (text, False)
        heading = Heading(max(line.level, 1), key, text, numbered)
        tracker.enter(heading)
        blocks.append(Block("heading", [(text, line.page)], tracker.path, heading))
        return None
    if line.role == "row" or (line.role == "caption" and next_role == "row"):
        if line.role == "caption" or cur is None or cur.kind != "table":
            close()
            cur = Block("table", [], tracker.path)
        cur.pieces.append((text, line.page))
        return cur
    bullet = _BULLET.match(text) is not None
    if bullet:
        if cur is None or cur.kind != "list":
            close()
            cur = Block("list", [], tracker.path)
        cur.pieces.append(("\n" + text if cur.pieces else text, line.page))
        return cur
    if cur is None or cur.kind == "table" or line.new_para:
        close()
        return Block("para", [(text, line.page)], tracker.path)
    prev_text, prev_page = cur.pieces[-1]
    joined = join_wrapped(prev_text, text, vocab)
    if not joined.startswith(prev_text):
        prev_text = prev_text[:-1]
        cur.pieces[-1] = (prev_text, prev_page)
    cur.pieces.append((joined[len(prev_text) :], line.page))
    return cur


def _pop_table_header(cur: Block | None) -> list[tuple[str, int]]:
    """A short label line right before the first row (``Leeftijden Cliënten 2015``) joins it."""
    if cur is None or cur.kind != "para" or len(cur.pieces) != 1:
        return []
    text, page = cur.pieces[0]
    if len(text) < 70 and not text.endswith((".", ":", ";")):
        cur.pieces.clear()
        return [(text, page)]
    return []


def render(blocks: list[Block]) -> tuple[str, list[tuple[int, int, int]], list[tuple[int, int]]]:
    """Document text, its page spans (start, end, page), and each block's (start, end)."""
    parts: list[str] = []
    spans: list[tuple[int, int, int]] = []
    offsets: list[tuple[int, int]] = []
    pos = 0
    for i, block in enumerate(blocks):
        if i:
            parts.append("\n\n")
            pos += 2
        start = pos
        sep = "\n" if block.kind in ("table", "footnote", "heading") else ""
        for j, (text, page) in enumerate(block.pieces):
            piece = (sep + text) if j and sep else text
            if block.kind == "heading" and j:
                piece = " " + text
            parts.append(piece)
            spans.append((pos, pos + len(piece), page))
            pos += len(piece)
        offsets.append((start, pos))
    return "".join(parts), spans, offsets

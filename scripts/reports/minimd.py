"""Parser for the mini-markdown in which the fictional reports are written.

Front matter between `---` lines, then blocks separated by blank lines:
`#`/`##`/`###` headings, one-line paragraphs, `- ` bullet items, and tables
(runs of `|` lines, the first the header row, optionally preceded by a caption
line). Footnotes are inline: `text[^The footnote.] more text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

ANNEX_RE = re.compile(
    r"^(bijlage|annex|appendix)(?:\s+(?-i:[A-Z]|\d{1,2}|[IVX]{1,4}))?\b[\s:.\-–]*", re.I
)
CAPTION_RE = re.compile(r"^(tabel|table|figuur|figure|overzicht)\s+\S+", re.I)
BULLET_RE = re.compile(r"^\s*[-*•]\s+(.*)$")
ORDERED_RE = re.compile(r"^\s*\d{1,2}[.)]\s+(.*)$")
SEPARATOR_CELL_RE = re.compile(r"^:?-{2,}:?$")
EMPHASIS_RE = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?!\w)")


@dataclass
class Span:
    """A piece of inline text; `footnote` holds a footnote's text instead."""

    text: str = ""
    bold: bool = False
    italic: bool = False
    footnote: str | None = None


@dataclass
class Inline:
    """Inline text with footnotes: a list of spans."""

    spans: list[Span]

    @property
    def plain(self) -> str:
        """The text without footnote marks or emphasis markers."""
        return "".join(s.text for s in self.spans if s.footnote is None).strip()

    @property
    def footnotes(self) -> list[str]:
        return [s.footnote for s in self.spans if s.footnote is not None]


@dataclass
class Heading:
    level: int
    text: Inline
    annex: bool = False


@dataclass
class Para:
    text: Inline
    kind: str = "para"  # para | list | caption
    ordered: bool = False


@dataclass
class Table:
    header: list[Inline]
    rows: list[list[Inline]]
    caption: Para | None = None


Block = Heading | Para | Table


@dataclass
class Report:
    name: str
    meta: dict[str, str]
    blocks: list[Block] = field(default_factory=list)

    def get(self, key: str, default: str = "") -> str:
        return self.meta.get(key, default)


def parse_file(path: Path) -> Report:
    return parse_text(path.read_text(encoding="utf-8"), path.stem)


def parse_text(text: str, name: str) -> Report:
    lines = text.replace("\r\n", "\n").split("\n")
    meta, body_start = _front_matter(lines)
    report = Report(name=name, meta=meta)
    report.blocks = _blocks(lines[body_start:])
    return report


def _front_matter(lines: list[str]) -> tuple[dict[str, str], int]:
    meta: dict[str, str] = {}
    idx = 0
    while idx < len(lines) and not lines[idx].strip():
        idx += 1
    if idx >= len(lines) or lines[idx].strip() != "---":
        return meta, idx
    idx += 1
    while idx < len(lines) and lines[idx].strip() != "---":
        key, sep, value = lines[idx].partition(":")
        if sep:
            meta[key.strip().lower()] = _strip_comment(value).strip().strip("\"'")
        idx += 1
    return meta, idx + 1


def _strip_comment(value: str) -> str:
    return re.sub(r"\s+#\s.*$|\s+#$", "", value)


def _blocks(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    idx = 0
    while idx < len(lines):
        line = lines[idx].strip()
        if not line:
            idx += 1
        elif line.startswith("|"):
            idx = _take_table(lines, idx, blocks)
        elif line.startswith("#"):
            blocks.append(_heading(line))
            idx += 1
        else:
            blocks.append(_paragraph(line))
            idx += 1
    _attach_captions(blocks)
    return blocks


def _heading(line: str) -> Heading:
    hashes = len(line) - len(line.lstrip("#"))
    level = min(max(hashes, 1), 3)
    text = line[hashes:].strip()
    annex = level == 1 and bool(ANNEX_RE.match(text))
    if annex:
        text = ANNEX_RE.sub("", text, count=1).strip() or text
    return Heading(level=level, text=parse_inline(text), annex=annex)


def _paragraph(line: str) -> Para:
    bullet = BULLET_RE.match(line)
    if bullet and not line.startswith("**"):
        return Para(parse_inline(bullet.group(1)), kind="list")
    ordered = ORDERED_RE.match(line)
    if ordered:
        return Para(parse_inline(ordered.group(1)), kind="list", ordered=True)
    return Para(parse_inline(line))


def _take_table(lines: list[str], idx: int, blocks: list[Block]) -> int:
    rows: list[list[str]] = []
    while idx < len(lines) and lines[idx].strip().startswith("|"):
        cells = _split_row(lines[idx].strip())
        if not all(SEPARATOR_CELL_RE.match(c.replace(" ", "")) for c in cells if c):
            rows.append(cells)
        idx += 1
    if rows:
        width = max(len(r) for r in rows)
        padded = [r + [""] * (width - len(r)) for r in rows]
        parsed = [[parse_inline(c) for c in r] for r in padded]
        blocks.append(Table(header=parsed[0], rows=parsed[1:]))
    return idx


def _split_row(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", inner)]


def _attach_captions(blocks: list[Block]) -> None:
    """A paragraph right before a table becomes its caption when it looks like one."""
    for i, block in enumerate(blocks):
        if not isinstance(block, Table) or i == 0:
            continue
        prev = blocks[i - 1]
        if isinstance(prev, Para) and prev.kind == "para" and CAPTION_RE.match(prev.text.plain):
            prev.kind = "caption"
            block.caption = prev


def parse_inline(text: str) -> Inline:
    """Split text into spans: plain text, **bold**/*italic*, and [^footnotes]."""
    spans: list[Span] = []
    pos = 0
    while True:
        start = text.find("[^", pos)
        if start < 0:
            break
        end = _matching_bracket(text, start)
        if end < 0:
            break
        spans.extend(_emphasis_spans(text[pos:start]))
        note = " ".join(text[start + 2 : end].split())
        spans.append(Span(footnote=_strip_emphasis(note)))
        pos = end + 1
    spans.extend(_emphasis_spans(text[pos:]))
    _tidy_spaces(spans)
    return Inline(spans=spans)


def _matching_bracket(text: str, open_idx: int) -> int:
    depth = 0
    for i in range(open_idx, len(text)):
        if text[i] == "[":
            depth += 1
        elif text[i] == "]":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _emphasis_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    pos = 0
    for m in EMPHASIS_RE.finditer(text):
        if m.start() > pos:
            spans.append(Span(text=text[pos : m.start()]))
        if m.group(2) is not None:
            spans.append(Span(text=m.group(2), bold=True))
        else:
            spans.append(Span(text=m.group(3), italic=True))
        pos = m.end()
    if pos < len(text):
        spans.append(Span(text=text[pos:]))
    return spans


def _strip_emphasis(text: str) -> str:
    return "".join(s.text for s in _emphasis_spans(text))


def _tidy_spaces(spans: list[Span]) -> None:
    """Collapse runs of whitespace; drop a space written before a footnote mark."""
    for span in spans:
        if span.footnote is None:
            span.text = re.sub(r"\s+", " ", span.text)
    for i, span in enumerate(spans[:-1]):
        if span.footnote is None and spans[i + 1].footnote is not None:
            span.text = span.text.rstrip(" ")
    if spans and spans[0].footnote is None:
        spans[0].text = spans[0].text.lstrip()
    if spans and spans[-1].footnote is None:
        spans[-1].text = spans[-1].text.rstrip()

"""The reader view: a report's text with its headings, the cited passage marked, its answer
sentence marked more strongly, the pages in the margin.

The text is rebuilt from the served index version's passages, not read from the file: it is
exactly the text the citation was made from (the offsets of ``/ask`` and the passage ids are
that version's, whatever happened to the file since), it costs no parsing per view, and the
view never touches the file system. Passages overlap (each keeps the text it shares with the
one before); between them lie only white space and headings that no passage holds (a
chapter that opens straight with a section), which come back from the passages' section
paths. A passage's own heading (its first sentence) is shown as a heading. Pages are known
per passage, so the margin names the pages where a passage starts on other pages than the
one before (a footnote, cited to its own page, can go back a page).

Every piece of text is escaped: a report can hold HTML.

>>> chunk = Chunk(id="c1", document_id="d1", text="Er zijn zestien centra.", section="",
...     page_start=2, page_end=2, page_inferred=False, char_start=0, char_end=23, lang="nl")
>>> [b.text for b in blocks([chunk])], margins([chunk])
(['Er zijn zestien centra.'], [(0, 'p. 2')])
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from importlib import resources
from itertools import pairwise
from string import Template

from app.links import anchor
from app.render import page_reference
from index.manifest import DocumentEntry
from index.sources import in_corpus, public_source
from ingest.models import Chunk

PARAGRAPH = re.compile(r"\n\s*\n")
MAX_LEVEL = 5  # h2 .. h6 (h1 is the report's title)


@dataclass(frozen=True)
class Run:
    """A stretch of the report's text: ``[start, end)`` in its offsets (-1: a heading rebuilt
    from a section path, in no passage)."""

    start: int
    end: int
    text: str


@dataclass
class Block:
    """A heading or a paragraph of the rebuilt text."""

    kind: str  # "heading" | "para"
    level: int  # of a heading: 1 for a chapter
    at: int  # where it stands in the report (a rebuilt heading: where its passage starts)
    runs: list[Run] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(_joint(self.runs, i) + r.text for i, r in enumerate(self.runs))

    @property
    def end(self) -> int:
        return max([self.at, *(r.end for r in self.runs)])


def _joint(runs: Sequence[Run], i: int) -> str:
    """What stands before run ``i`` of a paragraph: a space where white space or a gap of
    the passages lies between it and the one before, else nothing."""
    return " " if i and runs[i].start != runs[i - 1].end else ""


def _steps(chunk: Chunk) -> list[str]:
    """The passage's section path (none for the text before the first heading)."""
    if not chunk.section or chunk.section == chunk.title:
        return []
    return chunk.section.split(" > ")


def _in_order(chunks: Iterable[Chunk]) -> list[Chunk]:
    return sorted(chunks, key=lambda c: (c.char_start, c.char_end))


def blocks(chunks: Iterable[Chunk]) -> list[Block]:
    """A report's text as headings and paragraphs, from its passages."""
    out: list[Block] = []
    shown: list[str] = []  # the section path whose headings are shown
    pos = 0  # the end of the text shown so far
    for c in _in_order(chunks):
        start = max(pos, c.char_start)
        if start >= c.char_end:
            continue  # within text shown already
        steps = _steps(c)
        common = 0
        while common < min(len(shown), len(steps)) and shown[common] == steps[common]:
            common += 1
        # the headings of the path not shown yet: those the passage opens with from its
        # text, the others (a chapter that opens straight with a section) from the path
        cut, headed = start, False
        for depth in range(common, len(steps)):
            head = _opens_with(c, cut, steps[depth])
            if head is None:
                out.append(Block("heading", depth + 1, cut, [Run(-1, -1, steps[depth])]))
            else:
                out.append(Block("heading", depth + 1, head[0], [_run(c, *head)]))
                cut = head[1]
            headed = True
        shown = steps
        # continue the paragraph before, unless a heading or a paragraph break lies between
        joined = not headed and start - pos <= 1 and bool(out) and out[-1].kind == "para"
        _paragraphs(out, c, cut, c.char_end, joined)
        pos = c.char_end
    return [b for b in out if b.text.strip()]


def _opens_with(c: Chunk, at: int, heading: str) -> tuple[int, int] | None:
    """Where the passage's text from ``at`` is ``heading`` on a line of its own (after white
    space), in the report's offsets."""
    rest = c.text[at - c.char_start :]
    lead = len(rest) - len(rest.lstrip())
    after = rest[lead + len(heading) : lead + len(heading) + 1]
    if rest[lead:].startswith(heading) and after in ("", "\n"):
        return at + lead, at + lead + len(heading)
    return None


def _run(c: Chunk, start: int, end: int) -> Run:
    return Run(start, end, c.text[start - c.char_start : end - c.char_start])


def _paragraphs(out: list[Block], c: Chunk, start: int, end: int, joined: bool) -> None:
    """The passage's text ``[start, end)`` as paragraphs, the first joined to the paragraph
    before when ``joined``."""
    text = c.text[start - c.char_start : end - c.char_start]
    at = start
    seps = [m.end() - m.start() for m in PARAGRAPH.finditer(text)]
    for i, part in enumerate(PARAGRAPH.split(text)):
        lead = len(part) - len(part.lstrip())
        body = part.strip()
        if body:
            run = Run(at + lead, at + lead + len(body), body)
            if joined and i == 0:
                out[-1].runs.append(run)
            else:
                out.append(Block("para", 0, run.start, [run]))
        at += len(part) + (seps[i] if i < len(seps) else 0)


def margins(chunks: Iterable[Chunk]) -> list[tuple[int, str]]:
    """Where the pages change: (offset, ``p. 14``) at each passage that starts on other pages
    than the passage before it."""
    out: list[tuple[int, str]] = []
    for c in _in_order(chunks):
        pages = page_reference(c.page_start, c.page_end, c.label_start, c.label_end)
        if pages and (not out or out[-1][1] != pages):
            out.append((c.char_start, pages))
    return out


@dataclass(frozen=True)
class Marks:
    """What the view marks, in the report's offsets: the passage, and its answer sentence."""

    passage: tuple[int, int] | None = None
    answer: tuple[int, int] | None = None
    anchor: str = ""  # the id of the passage's first mark


def _page(pages: str) -> str:
    return f'<span class="page">{escape(pages)}</span>'


class _Writer:
    """Writes runs as escaped HTML: the marked spans in ``<mark>`` (the answer's nested in
    the passage's), page notes where they fall (marks closed around them)."""

    def __init__(self, marks: Marks) -> None:
        self.marks = marks
        self.first = True  # the passage's first mark carries its anchor
        self.html: list[str] = []
        self.state = (False, False)

    def switch(self, to: tuple[bool, bool]) -> None:
        was, html = self.state, self.html
        if was == to:
            return
        if was[1] and not to[1]:
            html.append("</mark>")
        if was[0] and not to[0]:
            html.append("</mark>")
        if to[0] and not was[0]:
            ident = f' id="{self.marks.anchor}"' if self.first else ""
            self.first = False
            html.append(f'<mark class="passage"{ident}>')
        if to[1] and not was[1]:
            html.append('<mark class="answer">')
        self.state = to

    def flags(self, at: int) -> tuple[bool, bool]:
        def inside(span: tuple[int, int] | None) -> bool:
            return span is not None and span[0] <= at < span[1]

        return inside(self.marks.passage), inside(self.marks.answer)

    def runs(self, runs: Sequence[Run], notes: list[tuple[int, str]]) -> str:
        """One block's runs; ``notes`` (offset, pages) within them are written in place."""
        self.html = []
        for i, run in enumerate(runs):
            if _joint(runs, i):
                self.switch((False, False))
                self.html.append(" ")
            if run.start < 0:
                self.html.append(escape(run.text))
                continue
            lo = runs[i - 1].end if i else run.start  # a note in the gap: at the next run
            inside = {max(n, run.start): p for n, p in notes if lo <= n < run.end}
            cuts = {run.start, run.end, *inside}
            for span in (self.marks.passage, self.marks.answer):
                cuts |= {min(max(x, run.start), run.end) for x in span or ()}
            edges = sorted(cuts)
            for a, b in pairwise(edges):
                if a in inside:
                    keep = self.state
                    self.switch((False, False))
                    self.html.append(_page(inside[a]))
                    self.switch(keep)
                self.switch(self.flags(a))
                self.html.append(escape(run.text[a - run.start : b - run.start]))
        self.switch((False, False))
        return "".join(self.html)


def body_html(report: list[Block], notes: list[tuple[int, str]], marks: Marks) -> str:
    """The blocks as HTML, each in a ``div.block`` whose margin holds the page notes."""
    html: list[str] = []
    writer = _Writer(marks)
    pending = list(notes)
    for b in report:
        lead = [p for n, p in pending if n <= b.at]
        within = [(n, p) for n, p in pending if b.at < n < b.end]
        pending = [(n, p) for n, p in pending if n > b.at and n >= b.end]
        inner = writer.runs(b.runs, within)
        if b.kind == "heading":
            n = min(b.level, MAX_LEVEL) + 1
            element = f'<h{n} class="heading">{inner}</h{n}>'
        else:
            element = f'<p class="text">{inner}</p>'
        margin = _page(lead[-1]) if lead else ""
        html.append(f'<div class="block">{margin}{element}</div>')
    return "\n".join(html)


def _template() -> Template:
    page = resources.files("app").joinpath("static/reader.html").read_text(encoding="utf-8")
    return Template(page)


TEMPLATE = _template()
ORIGINAL = (  # relative to the view, /documents/{id}/view: its file
    '<span class="sep" aria-hidden="true">·</span>'
    '<a class="original" href="file" target="_blank" rel="noopener">origineel bestand openen</a>'
)


def _pages(doc: DocumentEntry) -> str:
    shown = f"{doc.pages} pagina's" if doc.pages != 1 else "1 pagina"
    return f"{shown} (paginagrenzen afgeleid)" if doc.pages_inferred else shown


def view_page(
    doc: DocumentEntry,
    chunks: Sequence[Chunk],
    passage: Chunk | None,
    answer: tuple[int, int] | None,
    nonce: str,
) -> str:
    """The reader view of a report, at ``passage`` (marked) with ``answer`` (offsets in the
    passage) marked more strongly; ``nonce`` allows its own style and script only."""
    marks = Marks()
    cited = ""
    if passage is not None:
        at = passage.char_start
        span = (at + answer[0], at + answer[1]) if answer else None
        marks = Marks((at, passage.char_end), span, anchor(passage.id))
        pages = page_reference(
            passage.page_start, passage.page_end, passage.label_start, passage.label_end
        )
        where = " · ".join(x for x in (passage.section, pages) if x)
        cited = (
            '<p class="cited">De geciteerde passage is gemarkeerd'
            + (", het antwoord erin sterker" if span else "")
            + f' ({escape(where)}). <a href="#{marks.anchor}">Naar de passage</a></p>'
        )
    langs = Counter(c.lang for c in chunks if c.lang)
    body = body_html(blocks(chunks), margins(chunks), marks)
    return TEMPLATE.substitute(
        nonce=nonce,
        title=escape(doc.title),
        source=escape(public_source(doc.source)),
        pages=escape(_pages(doc)),
        lang=escape(langs.most_common(1)[0][0] if langs else "nl"),
        cited=cited,
        original=ORIGINAL if in_corpus(doc.source) else "",  # else the file is not served
        body=body or '<p class="text">Dit rapport heeft geen passages.</p>',
    )

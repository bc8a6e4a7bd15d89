"""The reader view's text, rebuilt from a report's passages: the report's text with its
headings, the cited passage marked (across the passages it overlaps), the answer inside it,
the pages in the margin, everything escaped."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import lxml.html

from app.links import anchor
from app.reader import Marks, blocks, body_html, margins
from ingest.models import Chunk, Document
from ingest.pipeline import ingest_file
from tests.conftest import REPORT_A


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _html(doc: Document, marks: Marks) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(
        f"<div>{body_html(blocks(doc.chunks), margins(doc.chunks), marks)}</div>"
    )


def _marks(chunk: Chunk, answer: tuple[int, int] | None = None) -> Marks:
    at = chunk.char_start
    span = (at + answer[0], at + answer[1]) if answer else None
    return Marks((at, chunk.char_end), span, anchor(chunk.id))


def test_the_rebuilt_text_is_the_reports_text(grevio_doc: Document) -> None:
    chunks = grevio_doc.chunks
    assert any(b.char_start < a.char_end for a, b in pairwise(chunks))
    rebuilt = "".join(b.text for b in blocks(reversed(chunks)))  # any order of passages
    assert squeezed(rebuilt) == squeezed(grevio_doc.text)  # headings between passages too


def test_headings_come_from_the_text_or_else_from_the_section_path(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(REPORT_A, encoding="utf-8")
    found = [
        (b.kind, b.level, b.text, b.runs[0].start >= 0) for b in blocks(ingest_file(path).chunks)
    ]
    heads = [(level, text, in_text) for kind, level, text, in_text in found if kind == "heading"]
    assert heads == [
        (1, "Inleiding", True),
        (1, "Hoofdstuk II Integraal beleid", False),  # no passage holds it: from the path
        (2, "II.1. Algemeen", True),
        (3, "II.1.1 Wettelijk kader", True),
        (1, "Hoofdstuk IV Bescherming", False),
        (2, "IV.2.2 Centra seksueel geweld", True),
    ]
    assert [text for kind, _, text, _ in found if kind == "para"][-1].startswith("Er zijn zestien")


def test_a_passage_is_marked_across_the_passages_it_overlaps(grevio_doc: Document) -> None:
    chunks = grevio_doc.chunks
    overlapping = next(b for a, b in pairwise(chunks) if b.char_start < a.char_end)
    sentence = overlapping.sentences[1]
    page = _html(grevio_doc, _marks(overlapping, sentence))
    marks = page.xpath("//mark[@class='passage']")
    assert squeezed("".join(m.text_content() for m in marks)) == squeezed(overlapping.text)
    assert marks[0].get("id") == anchor(overlapping.id)
    assert len(page.xpath("//*[@id]")) == 1
    answer = page.xpath("//mark[@class='answer']")
    assert squeezed("".join(m.text_content() for m in answer)) == squeezed(
        overlapping.text[sentence[0] : sentence[1]]
    )
    assert all(m.getparent().get("class") == "passage" for m in answer)
    assert not page.xpath("//mark//span[@class='page']")  # a page note is never marked text


def test_the_margin_names_the_pages_where_they_change(grevio_doc: Document) -> None:
    notes = margins(grevio_doc.chunks)
    first = grevio_doc.chunks[0]
    assert notes[0] == (first.char_start, f"p. {first.page_start}")
    assert all(a[1] != b[1] for a, b in pairwise(notes))
    # a footnote is cited to the page before the text around it: the margin goes back too
    numbers = [int(re.match(r"p\. (\d+)", p)[1]) for _, p in notes]  # type: ignore[index]
    assert any(b < a for a, b in pairwise(numbers))
    shown = _html(grevio_doc, Marks()).xpath("//span[@class='page']")
    assert [s.text_content() for s in shown] == [pages for _, pages in notes]


def test_the_text_is_escaped(tmp_path: Path) -> None:
    path = tmp_path / "opmaak.txt"
    path.write_text(
        'Inleiding\n\nOver <b>vet</b> en <script>alert(1)</script> & "<img src=x>".\n',
        encoding="utf-8",
    )
    doc = ingest_file(path)
    html = body_html(blocks(doc.chunks), margins(doc.chunks), _marks(doc.chunks[0], (11, 20)))
    assert "<script>" not in html and "<b>" not in html and "<img" not in html
    page = lxml.html.fromstring(f"<div>{html}</div>")
    assert not page.xpath("//script|//b|//img")
    assert '<script>alert(1)</script> & "<img src=x>"' in page.text_content()

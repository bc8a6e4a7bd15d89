"""The links of a citation: a PDF at its physical page with its first words searched, any
other report in the reader view at the passage; by id only, every part URL-encoded."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from app.links import anchor, citation_link, file_link, search_words, view_link
from ingest.models import Chunk


@pytest.mark.parametrize(
    ("text", "words"),
    [
        pytest.param(
            "Er zijn zestien Centra Seksueel Geweld (CSG's) in Nederland.",
            "Er zijn zestien Centra Seksueel Geweld",
            id="six-words",
        ),
        pytest.param("Er zijn (CSG's) centra.", "Er zijn", id="up-to-a-bracket"),
        pytest.param("II.1. Algemeen\n\nHet kabinet", "II.1. Algemeen Het kabinet", id="numbered"),
        pytest.param(
            "\uf0b7 het aandeel flexibel personeel",
            "het aandeel flexibel personeel",
            id="bullet-left-out",
        ),
        pytest.param("Regio: Utrecht · 2023: 412 · 2024: 455", "Utrecht", id="table-row-cell"),
        pytest.param("In 2024, zo bleek, daalde", "In 2024, zo bleek, daalde", id="commas"),
        pytest.param("Het ‘eer’-begrip", "Het", id="quotes-stop"),
        pytest.param("Slot.", "Slot", id="trailing-dot"),
        pytest.param("“Citaat”", "", id="nothing-plain"),
        pytest.param("", "", id="empty"),
    ],
)
def test_search_words(text: str, words: str) -> None:
    assert search_words(text) == words


def test_a_file_link_names_the_physical_page_and_encodes_the_words() -> None:
    link = file_link("ab12cd34ef56ab78", 7, "Café’s 1.234,5 kosten & baten #1")
    path, fragment = link.split("#", 1)
    assert path == "/documents/ab12cd34ef56ab78/file"
    assert fragment == "page=7&search=Caf%C3%A9%E2%80%99s%201.234%2C5%20kosten&phrase=true"
    assert parse_qs(fragment) == {
        "page": ["7"],
        "search": ["Café’s 1.234,5 kosten"],  # up to the '&', which no word holds
        "phrase": ["true"],
    }
    assert file_link("x", 3, "(") == "/documents/x/file#page=3"  # nothing to search


def test_a_view_link_scrolls_to_the_passage_and_marks_the_answer() -> None:
    link = view_link("ab12", "cd34", (3, 9))
    parts = urlsplit(link)
    assert parts.path == "/documents/ab12/view"
    assert parse_qs(parts.query) == {"passage": ["cd34"], "start": ["3"], "end": ["9"]}
    assert parts.fragment == anchor("cd34") == "passage-cd34"
    assert urlsplit(view_link("ab12", "cd34")).query == "passage=cd34"
    assert anchor('a"b<c') == "passage-a_b_c"  # never more than a word in an id


def _chunk(source: str, **kw: Any) -> Chunk:
    return Chunk(
        id="c1",
        document_id="d" * 16,
        text="Er zijn zestien centra.",
        section="H1",
        page_start=kw.pop("page", 4),
        page_end=5,
        page_inferred=False,
        char_start=0,
        char_end=23,
        lang="nl",
        source=source,
        label_start="2",
        **kw,
    )


def test_a_citation_links_a_pdf_to_its_page_and_any_other_report_to_the_view() -> None:
    pdf = citation_link(_chunk("sub/rapport.PDF"))
    assert (
        pdf == f"/documents/{'d' * 16}/file#page=4&search=Er%20zijn%20zestien%20centra&phrase=true"
    )
    text = citation_link(_chunk("rapport.txt"), (0, 5))
    assert text == f"/documents/{'d' * 16}/view?passage=c1&start=0&end=5#passage-c1"
    # a PDF indexed from outside the corpus is not served: its text is, in the view
    outside = citation_link(_chunk("/srv/elders/rapport.pdf"))
    assert outside.startswith(f"/documents/{'d' * 16}/view?passage=c1")

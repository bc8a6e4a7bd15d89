"""Pages of text reports: form feeds, or pages inferred from the layout of extracted text."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from ingest.models import Page
from ingest.textpages import split_pages

RULE = " " * 59  # the line of spaces that a PDF-to-text export puts above a footnote block


def _spaced(lines: list[str]) -> str:
    """Layout lines as a PDF-to-text export writes them: a blank line after each."""
    return "\n\n".join(lines)


def _body(page: str, n: int = 8) -> list[str]:
    return [
        f"Regel {i} van de {page} pagina met gewone tekst over huiselijk geweld. " for i in range(n)
    ]


@pytest.fixture(scope="module")
def corpus_pages(corpus_path: Path) -> list[Page]:
    return split_pages(corpus_path.read_text(encoding="utf-8"))


# --- form feeds --------------------------------------------------------------------


def test_form_feeds_give_one_page_per_part() -> None:
    pages = split_pages("Inleiding\nEerste pagina.\fTweede pagina.\fDerde\npagina.")
    assert [p.number for p in pages] == [1, 2, 3]
    assert [p.text for p in pages] == [
        "Inleiding\nEerste pagina.",
        "Tweede pagina.",
        "Derde\npagina.",
    ]
    assert not any(p.inferred for p in pages)
    assert all(p.footnotes == () for p in pages)


@pytest.mark.parametrize("text", ["a\fb", "a\f\fb", "\fa", "a\f", "a\fb\fc\fd\fe"])
def test_form_feed_parts_are_counted(text: str) -> None:
    pages = split_pages(text)
    assert len(pages) == text.count("\f") + 1
    assert [p.number for p in pages] == list(range(1, len(pages) + 1))
    assert "".join(p.text for p in pages) == text.replace("\f", "")


# --- no page marks ---------------------------------------------------------------------


def test_plain_text_is_one_inferred_page() -> None:
    text = "Inleiding\nOp 1 maart 2016 is het Verdrag van kracht geworden.\nDat is goed nieuws.\n"
    pages = split_pages(text)
    assert pages == [Page(number=1, text=text, inferred=True)]


@pytest.mark.parametrize("text", ["", "\n\n\n", "   "])
def test_empty_text_is_one_page(text: str) -> None:
    assert [p.number for p in split_pages(text)] == [1]


def test_layout_text_pages_end_at_footnotes_and_page_numbers() -> None:
    text = (
        _spaced(_body("eerste"))
        + f"\n\n{RULE}\n1 Eerste noot over de wet.\n2 Tweede noot over de regio.\n\n"
        + _spaced(_body("tweede"))
        + "\n\n\n\n \n\n12 \n\n \n\n"
        + _spaced(_body("derde"))
    )
    pages = split_pages(text)
    assert [p.number for p in pages] == [11, 12, 13]  # the printed 12 ends the second page
    assert all(p.inferred for p in pages)
    assert pages[0].footnotes == ("1 Eerste noot over de wet.", "2 Tweede noot over de regio.")
    assert "eerste pagina" in pages[0].text and "tweede" not in pages[0].text
    assert "tweede pagina" in pages[1].text and "eerste" not in pages[1].text
    assert "derde pagina" in pages[2].text
    assert not any("noot" in p.text for p in pages)
    assert not any("12" in p.text.split() for p in pages)


def test_body_resuming_right_after_the_notes_stays_body() -> None:
    text = (
        _spaced(_body("eerste"))
        + f"\n\n{RULE}\n1 Eerste noot over de wet.\n2 Tweede noot over de regio.\n "
        + _spaced(_body("tweede"))
    )
    pages = split_pages(text)
    assert pages[0].footnotes == ("1 Eerste noot over de wet.", "2 Tweede noot over de regio.")
    assert pages[1].text.strip().startswith("Regel 0 van de tweede pagina")


@pytest.mark.parametrize("variant", ["second note", "note with blank line"])
def test_notes_with_lone_numbers_stay_in_the_notes(variant: str) -> None:
    if variant == "second note":  # note 2 also has its number on a line of its own
        notes = "1\n\n Eerste noot over de wet,\nmet een tweede regel.\n2\n\n Tweede noot.\n"
    else:  # note 1 has a blank line inside
        notes = "1\n\n Eerste noot over de wet,\n\nmet een tweede regel.\n2 Tweede noot.\n"
    expected = ("1 Eerste noot over de wet,", "met een tweede regel.", "2 Tweede noot.")
    text = _spaced(_body("eerste")) + f"\n\n{RULE}\n" + notes + _spaced(_body("tweede"))
    pages = split_pages(text)
    assert pages[0].footnotes == expected
    assert not any("noot" in p.text or "tweede regel" in p.text for p in pages)


# --- the committed report ---------------------------------------------------------------


def test_corpus_pages_are_inferred_and_increasing(corpus_pages: list[Page]) -> None:
    numbers = [p.number for p in corpus_pages]
    assert len(numbers) > 40
    assert all(p.inferred for p in corpus_pages)
    assert all(a < b for a, b in itertools.pairwise(numbers))
    assert numbers[0] >= 1
    assert {7, 24, 61} <= set(numbers)  # the page numbers printed in the report


def _page_of(pages: list[Page], needle: str) -> int:
    hits = [p.number for p in pages if needle in p.text or any(needle in n for n in p.footnotes)]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


@pytest.mark.parametrize(
    ("before", "after", "printed"),
    [
        ("Bijlage bij Kamerstukken II, vergaderjaar 2013", "acceptatie van alle burgers", 7),
        ("beleidsinformatie-veilig-thuis-stand", "Er wordt op dit moment gewerkt", 24),
        ("Kamerstukken II, Vergaderjaar 2017-2018, 34 843", "Hoofdstuk IV Bescherming", 36),
        ("geregeld in de Wet op de rechtsbijstand", "Hoofdstuk VII Migratie en asiel", 61),
    ],
)
def test_corpus_printed_page_numbers_anchor_the_pages(
    corpus_pages: list[Page], before: str, after: str, printed: int
) -> None:
    """Text just above a printed page number is on that page, the text after it on the next."""
    assert _page_of(corpus_pages, before) == printed
    assert _page_of(corpus_pages, after) == printed + 1


def test_corpus_footnotes_are_collected(corpus_pages: list[Page]) -> None:
    first = next(p for p in corpus_pages if p.footnotes)
    assert first.footnotes[0].startswith("1 De aanpak van huiselijk geweld op de BES-eilanden")
    notes = [n for p in corpus_pages for n in p.footnotes]
    assert len(notes) > 30
    assert not any(n.startswith(" ") or n.endswith(" ") for n in notes)
    # footnote text is not body text
    assert not any("Regioplan, Amsterdam, 2014." in p.text for p in corpus_pages)


def test_corpus_lone_number_footnotes_keep_their_text(corpus_pages: list[Page]) -> None:
    notes = [n for p in corpus_pages for n in p.footnotes]
    assert not any(n.strip().isdigit() for n in notes)
    assert any(n.startswith("34 Het Kennisplatform Integratie & Samenleving") for n in notes)
    assert any(n.startswith("30 Kwaliteitsdocument Opvang") for n in notes)
    assert not any("Kennisplatform Integratie & Samenleving is een" in p.text for p in corpus_pages)

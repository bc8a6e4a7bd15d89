"""Footnotes at the foot of a PDF page leave the body text and stay with their page."""

from __future__ import annotations

from ingest.clean import split_footnotes
from ingest.models import Page, RawDocument
from ingest.pipeline import build_document


def test_trailing_referenced_notes_are_split_off() -> None:
    lines = [
        "Uit onderzoek1 blijkt dat de aanpak werkt en dat gemeenten samen",
        "optrekken met de politie.2 Dat gebeurt in alle regio's.",
        "1 Regioplan, Amsterdam, 2014.",
        "2 Zie ook hoofdstuk II.",
    ]
    body, notes = split_footnotes(lines)
    assert body == lines[:2]
    assert notes == lines[2:]


def test_a_numbered_list_without_references_stays_body() -> None:
    lines = ["De drie pijlers zijn:", "1 preventie van geweld", "2 bescherming van slachtoffers"]
    assert split_footnotes(lines) == (lines, [])


def test_notes_never_interrupt_a_sentence_across_pages() -> None:
    page1 = (
        "Het kabinet heeft in 2017 besloten dat gemeenten en Veilig Thuis3 samen de\n"
        "aanpak van huiselijk geweld\n"
        "3 Veilig Thuis is het advies- en meldpunt."
    )
    page2 = "verder versterken in alle regio's van het land."
    raw = RawDocument("r.pdf", "R", "0" * 64, "pdf", (Page(1, page1), Page(2, page2)))
    doc = build_document(raw)
    assert "aanpak van huiselijk geweld verder versterken" in doc.text
    assert "3 Veilig Thuis is het advies- en meldpunt." in doc.text
    notes = [c for c in doc.chunks if c.text.startswith("3 Veilig Thuis")]
    assert notes and notes[0].page_start == 1

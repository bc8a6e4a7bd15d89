"""The layout check against a ground truth: it finds what is right and what is wrong."""

from __future__ import annotations

from typing import Any

from eval.reportcheck import check_report, squash
from ingest.models import Page, PageLine, RawDocument
from ingest.pipeline import build_document


def _doc(lines_by_page: list[list[PageLine]], notes: list[tuple[str, ...]], labels: list[str]):
    pages = tuple(
        Page(
            number=i + 1,
            text="\n".join(x.text for x in lines),
            lines=tuple(lines),
            footnotes=notes[i],
            label=labels[i],
        )
        for i, lines in enumerate(lines_by_page)
    )
    return build_document(RawDocument("r.pdf", "R", "0" * 64, "pdf", pages))


P1 = "Het aantal jongeren met jeugdhulp steeg in 2024 naar 412 duizend."
P2 = "De wachttijd voor specialistische hulp bedroeg gemiddeld elf weken."


def _truth(**changes: Any) -> dict[str, Any]:
    truth: dict[str, Any] = {
        "report": "r.pdf",
        "pages": [{"physical": 1, "label": "1"}, {"physical": 2, "label": "2"}],
        "paragraphs": [
            {"text": P1, "section": ["1 Inleiding"], "page": 1, "page_end": 1, "kind": "para"},
            {"text": P2, "section": ["2 Toegang"], "page": 2, "page_end": 2, "kind": "para"},
        ],
        "headings": [
            {"text": "1 Inleiding", "level": 1, "page": 1},
            {"text": "2 Toegang", "level": 1, "page": 2},
        ],
        "footnotes": [{"mark": 1, "text": "Bron: CBS, Jeugdmonitor.", "page": 1}],
        "tables": [
            {
                "section": ["2 Toegang"],
                "page": 2,
                "header": ["Regio", "2024"],
                "rows": [["Utrecht", "455"]],
                "caption": "Tabel 1. Jongeren per regio",
            }
        ],
    }
    truth.update(changes)
    return truth


def _pages(furniture: str = "") -> list[list[PageLine]]:
    cut = P2.index(" bedroeg")
    return [
        [PageLine("1 Inleiding", "heading", 1), PageLine(P1, "body", new_para=True)],
        [
            PageLine("2 Toegang", "heading", 1),
            PageLine(P2[:cut] + furniture + P2[cut:], "body", new_para=True),
            PageLine("Tabel 1. Jongeren per regio", "caption"),
            PageLine("Regio: Utrecht · 2024: 455", "row"),
        ],
    ]


def test_a_well_read_report_scores_full_marks() -> None:
    doc = _doc(_pages(), [("1 Bron: CBS, Jeugdmonitor.",), ()], ["1", "2"])
    result = check_report(doc, _truth())
    assert result.misses == []
    assert result.figures["physical page"] == 1.0
    assert result.figures["printed page"] == 1.0
    assert result.figures["section"] == 1.0
    assert result.figures["footnotes as own passage on their page"] == 1.0
    assert result.figures["table rows with headers"] == 1.0
    assert result.foreign == 0 and result.footnote_in_body == 0


def test_wrong_sections_labels_and_footnote_pages_are_counted() -> None:
    notes: list[tuple[str, ...]] = [(), ("1 Bron: CBS, Jeugdmonitor.",)]
    doc = _doc(_pages(), notes, ["1", "3"])
    truth = _truth()
    truth["paragraphs"][0]["section"] = ["1 Inleiding", "1.1 Aanleiding"]
    result = check_report(doc, truth)
    assert result.found == 2
    assert result.section_ok == 1  # the first paragraph's section is wrong
    assert result.label_ok == 1  # page 2 is printed "2", read as "3"
    assert result.footnote_ok == 0  # the note was put on page 2


def test_a_running_footer_inside_a_paragraph_is_found() -> None:
    doc = _doc(
        _pages(". Monitor Jeugdzorg 2025 | 7."), [("1 Bron: CBS, Jeugdmonitor.",), ()], ["1", "2"]
    )
    result = check_report(doc, _truth())
    assert result.found == 1  # the second paragraph is not there whole
    assert result.foreign >= 1  # and the footer is text the source does not have
    assert any("Monitor Jeugdzorg" in m for m in result.misses)


def test_a_footnote_inside_a_body_passage_is_found() -> None:
    pages = _pages()
    pages[0][1] = PageLine(P1 + " Bron: CBS, Jeugdmonitor.", "body", new_para=True)
    doc = _doc(pages, [(), ()], ["1", "2"])
    result = check_report(doc, _truth())
    assert result.footnote_in_body == 1


def test_squash_ignores_breaks_and_hyphens() -> None:
    assert squash("kinder-\nmishandeling  is") == squash("kindermishandeling is")

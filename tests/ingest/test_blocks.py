"""From cleaned lines to blocks (headings, paragraphs, lists, tables, footnotes) and text."""

from __future__ import annotations

import itertools

import pytest

from ingest.blocks import Block, Line, build_blocks, is_table_row, render
from ingest.clean import vocabulary

CHAPTER = "Hoofdstuk IV Bescherming en ondersteuning"
SECTION = f"{CHAPTER} > IV.2.1 Vrouwenopvang"

LINES = [
    Line(CHAPTER, 1),
    Line("IV.2.1 Vrouwenopvang", 1),
    Line(
        "De opvang is bedoeld voor vrouwen die te maken hebben met huiselijk geweld en die niet", 1
    ),
    Line("meer veilig thuis kunnen wonen. Zij krijgen daar hulp.", 1),
    Line("Tabel: Aantal cliënten in de monitor", 1),
    Line("Leeftijden Cliënten 2015 Cliënten 2016", 1),
    Line("0-17 2.570 2.670", 2),
    Line("Totaal 7.340 8.230", 2),
    Line("De belangrijkste punten zijn:", 2),
    Line("- veiligheid voor de cliënt", 2),
    Line("- begeleiding naar een eigen woning", 2),
    Line("- nazorg.", 2),
    Line("Daarna volgt de evaluatie van het beleid door de gemeente en de regio.", 3),
]


def _blocks(lines: list[Line], notes: dict[int, list[str]] | None = None) -> list[Block]:
    vocab = vocabulary(line.text for line in lines)
    return build_blocks(lines, notes or {}, vocab, width=90)


@pytest.mark.parametrize(
    "row",
    ["0-17 2.570 2.670", "Totaal 7.340 8.230", "2015 23 51 23 3 77 19", "onbekend 290 120"],
)
def test_table_rows(row: str) -> None:
    assert is_table_row(row)


@pytest.mark.parametrize(
    "line",
    [
        "In 2016 waren er 86 slachtoffers in de opvang.",
        "Totaal",
        "2017",
        "Op 1 maart 2016 is het Verdrag van de Raad van Europa voor Nederland in werking getreden.",
        "1 2 3 " * 20,  # too long for a row
    ],
)
def test_not_table_rows(line: str) -> None:
    assert not is_table_row(line)


def test_blocks_of_a_section() -> None:
    blocks = _blocks(LINES, {2: ["5 Een voetnoot."]})
    assert [b.kind for b in blocks] == [
        "heading",
        "heading",
        "para",
        "table",
        "para",
        "list",
        "footnote",
        "para",
    ]
    assert blocks[0].section == CHAPTER
    assert all(b.section == SECTION for b in blocks[1:])
    table = blocks[3]
    assert table.pieces[0][0] == "Tabel: Aantal cliënten in de monitor"
    assert table.pages == [1, 1, 2, 2]
    assert blocks[6].pieces == [("5 Een voetnoot.", 2)]  # notes follow the end of their page


def test_render_spans_and_offsets() -> None:
    blocks = _blocks(LINES, {2: ["5 Een voetnoot."]})
    text, spans, offsets = render(blocks)
    assert text.startswith(f"{CHAPTER}\n\nIV.2.1 Vrouwenopvang\n\n")
    assert (
        "De opvang is bedoeld voor vrouwen die te maken hebben met huiselijk geweld en die niet "
        "meer veilig thuis kunnen wonen. Zij krijgen daar hulp."
    ) in text
    assert "Tabel: Aantal cliënten in de monitor\nLeeftijden" in text
    assert "- veiligheid voor de cliënt\n- begeleiding naar een eigen woning\n- nazorg." in text
    # spans are ordered, disjoint and lie inside the text; the pieces are exactly the text
    previous = 0
    pieces = [piece for block in blocks for piece in block.pieces]
    assert len(spans) == len(pieces)
    for (start, end, page), (piece, piece_page) in zip(spans, pieces, strict=True):
        assert previous <= start <= end <= len(text)
        assert page == piece_page
        assert text[start:end].strip() == piece.strip()
        previous = end
    assert len(offsets) == len(blocks)
    for (start, end), block in zip(offsets, blocks, strict=True):
        assert text[start:end].startswith(block.pieces[0][0].strip())
    # everything between blocks is the blank-line separator
    for (_, end), (start, _) in itertools.pairwise(offsets):
        assert text[end:start] == "\n\n"


def test_paragraph_across_pages_keeps_each_page() -> None:
    lines = [
        Line(
            "Het kabinet heeft in 2016 een programma gestart dat zich richt op preventie en op", 4
        ),
        Line("vroegsignalering bij kwetsbare gezinnen in alle gemeenten van het land.", 5),
    ]
    blocks = _blocks(lines)
    assert len(blocks) == 1
    text, spans, _ = render(blocks)
    assert [p for _, _, p in spans] == [4, 5]
    assert (
        text[spans[1][0] : spans[1][1]]
        == " vroegsignalering bij kwetsbare gezinnen in alle gemeenten van het land."
    )


def test_wrapped_chapter_title_is_one_heading() -> None:
    lines = [
        Line(
            "Hoofdstuk I Doelstellingen, begripsomschrijvingen, gelijkheid en non-discriminatie,", 1
        ),
        Line("algemene verplichtingen", 1),
        Line("I.1. Mensenrechten en emancipatie", 1),
    ]
    blocks = _blocks(lines)
    title = (
        "Hoofdstuk I Doelstellingen, begripsomschrijvingen, gelijkheid en non-discriminatie, "
        "algemene verplichtingen"
    )
    assert [b.kind for b in blocks] == ["heading", "heading"]
    assert blocks[0].section == title
    assert blocks[1].section == f"{title} > I.1. Mensenrechten en emancipatie"


def test_chapter_title_wrapped_over_three_lines() -> None:
    lines = [
        Line("Hoofdstuk VI Onderzoek, vervolging,", 1),
        Line("procesrecht en", 1),
        Line("beschermende maatregelen", 1),
        Line("VI.1. Algemene verplichtingen", 1),
    ]
    blocks = _blocks(lines)
    title = "Hoofdstuk VI Onderzoek, vervolging, procesrecht en beschermende maatregelen"
    assert render(blocks)[0].startswith(title)
    assert blocks[0].section == title
    assert blocks[1].section == f"{title} > VI.1. Algemene verplichtingen"


def test_hyphenation_at_a_line_wrap_is_undone() -> None:
    lines = [
        Line(
            "De aanpak van kindermishandeling is een prioriteit van het kabinet en de gemeenten.", 1
        ),
        Line("Het kabinet investeert daarom fors in de aanpak van kinder-", 1),
        Line("mishandeling en huiselijk geweld in de komende jaren.", 2),
    ]
    text, spans, _ = render(_blocks(lines))
    assert "aanpak van kindermishandeling en huiselijk geweld" in text
    assert "kinder- mishandeling" not in text
    assert [p for _, _, p in spans] == [1, 1, 2]


def test_hyphen_is_kept_for_compounds_and_enumerations() -> None:
    lines = [
        Line("Het VN-Vrouwenverdrag is in 1991 door Nederland geratificeerd en sindsdien van", 1),
        Line(
            "kracht. Het aantal moord- en doodslagzaken wordt apart geteld door het OM, net als", 1
        ),
        Line("het aantal zaken over het VN-", 1),
        Line("Vrouwenverdrag en over moord-", 1),
        Line("en doodslagzaken in de regio.", 1),
    ]
    text, _, _ = render(_blocks(lines))
    assert "over het VN-Vrouwenverdrag en over moord- en doodslagzaken in de regio." in text


@pytest.mark.parametrize(
    "line",
    ["de jaren 2016 en 2017.", "in 2016 en 2017 tot 12 en 14 procent."],
)
def test_a_line_ending_a_sentence_is_not_a_row(line: str) -> None:
    """Defect 6: body lines with two numbers became table rows."""
    assert not is_table_row(line)


def test_prose_starting_with_data_or_tabel_is_a_paragraph() -> None:
    lines = [
        Line("Het rapport beschrijft de aanpak van huiselijk geweld in", 1),
        Line("de jaren 2016 en 2017.", 1),
        Line("Data over geweld in afhankelijkheidsrelaties worden door het CBS verzameld.", 1),
        Line("Tabel: Aantal cliënten", 1),
        Line("Vrouwen 120 130", 1),
    ]
    blocks = build_blocks(lines, {}, set(), 80)
    assert [b.kind for b in blocks] == ["para", "para", "table"]
    assert blocks[0].pieces[-1][0].endswith("2016 en 2017.")
    assert blocks[1].pieces[0][0].startswith("Data over geweld")


@pytest.mark.parametrize(
    "line",
    [
        "de jaren 2016 en 2017",  # hard-wrapped: the sentence goes on on the next line
        "tussen 2013 en 2015 af met 10% respectievelijk 13%",
        "in 2016 14 of 15 procent",
    ],
)
def test_figures_joined_by_words_are_prose_not_a_row(line: str) -> None:
    """Running text joins its figures with words ("2016 en 2017"); a row sets them in
    columns, so a line without a full stop is prose too."""
    assert not is_table_row(line)


@pytest.mark.parametrize(
    "row",
    [
        "2016 2017 totaal",
        "vrijheidsstraf onvoorwaardelijk dagen 122 966 152 1004",
        "0-17 2.570 2.670",
    ],
)
def test_rows_with_words_around_their_figures_stay_rows(row: str) -> None:
    assert is_table_row(row)


def test_a_wrapped_line_starting_with_data_continues_the_paragraph() -> None:
    """A body line that starts with the word "Data" (or "Tabellen") is no table title."""
    lines = [
        Line("Het CBS verzamelt gegevens over huiselijk geweld.", 1),
        Line("Data over geweld tegen vrouwen zijn", 1),
        Line("beschikbaar voor de jaren 2016 en 2017.", 1),
        Line("Tabellen daarover staan in de bijlage.", 1),
        Line("Data", 2),
        Line("Vrouwen 120 130", 2),
    ]
    blocks = build_blocks(lines, {}, set(), 80)
    assert [b.kind for b in blocks] == ["para", "para", "para", "table"]
    assert blocks[1].pieces[0][0] == "Data over geweld tegen vrouwen zijn"
    assert blocks[2].pieces[0][0].startswith("Tabellen")
    assert [t for t, _ in blocks[3].pieces] == ["Data", "Vrouwen 120 130"]

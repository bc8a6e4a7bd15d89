"""Headings of Dutch government reports and the section path they give."""

from __future__ import annotations

import pytest

from ingest.structure import (
    Heading,
    SectionTracker,
    continues_heading,
    follows,
    parse_heading,
)


@pytest.mark.parametrize(
    ("line", "chapter", "level", "key"),
    [
        ("Hoofdstuk II Integraal beleid en gegevens verzamelen", None, 1, "II"),
        ("Hoofdstuk II Integraal beleid en gegevens verzamelen", "I", 1, "II"),
        ("HOOFDSTUK 3: Preventie", None, 1, "3"),
        ("II.1.1 Wettelijk kader", "II", 3, "II.1.1"),
        ("II.1.1 Wettelijk kader", None, 3, "II.1.1"),
        ("II.1. Algemeen", "II", 2, "II.1"),
        ("IV.3.1 Landelijk hulp- en advieslijn Veilig Thuis", "IV", 3, "IV.3.1"),
        ("V.13.2 Data van het OM", "V", 3, "V.13.2"),
        ("2.1 Cijfers over meldingen", "2", 2, "2.1"),
        ("Bijlage 2 Overzicht van de wetgeving", None, 1, "B2"),
        ("Bijlage 2 Overzicht van de wetgeving", "VII", 1, "B2"),
        ("Bijlage A", None, 1, "BA"),
        ("Inleiding", None, 1, "Inleiding"),
        ("  Inleiding  ", "III", 1, "Inleiding"),
        ("Samenvatting", None, 1, "Samenvatting"),
        ("Conclusies", "V", 1, "Conclusies"),
        ("1 Inleiding", None, 1, "1"),
        ("2. Toegang en wachttijden", None, 1, "2"),
        ("IV. Preventie", None, 1, "IV"),
        ("§ 3.2 Uitvoering", None, 2, "3.2"),
        ("1.1.1 Wettelijk kader", None, 3, "1.1.1"),
        ("Chapter 3 Flood risk", None, 1, "3"),
        ("Deel 2 Uitvoering", None, 1, "2"),
        ("Annex A Indicators", None, 1, "BA"),
        ("Executive summary", None, 1, "Executive summary"),
        ("Introduction", None, 1, "Introduction"),
    ],
)
def test_headings(line: str, chapter: str | None, level: int, key: str) -> None:
    heading = parse_heading(line, chapter)
    assert heading is not None
    assert (heading.level, heading.key, heading.text) == (level, key, line.strip())


@pytest.mark.parametrize(
    ("line", "chapter"),
    [
        ("II.2. de uitvoering van het beleid geschetst, voor zover", "II"),
        ("II.2. de uitvoering van het beleid geschetst, voor zover", None),
        ("II.1.1 X", "III"),  # a numbered section from another chapter
        ("IV.3.1 Landelijk hulp- en advieslijn Veilig Thuis", "II"),
        ("II.1.1", "II"),  # a number without a title
        ("Hoofdstuk II is in 2017 herschreven.", None),  # a sentence
        ("Bijlage 1 bevat de cijfers van 2017.", None),
        ("Inleiding van de minister", None),
        ("In de inleiding staat het doel.", None),
        ("2017 was een bijzonder jaar", None),
        ("3 miljoen euro is in 2017 besteed.", None),
        ("", None),
        ("   ", "II"),
        ("Hoofdstuk II " + "Integraal beleid " * 10, None),  # too long for a heading
        (
            "II.3. Dit is een lange zin die eindigt met een punt en meer dan zestig tekens heeft.",
            "II",
        ),
    ],
)
def test_not_headings(line: str, chapter: str | None) -> None:
    assert parse_heading(line, chapter) is None


def test_wrapped_chapter_title_continues() -> None:
    heading = parse_heading(
        "Hoofdstuk I Doelstellingen, begripsomschrijvingen, gelijkheid en non-discriminatie,", None
    )
    assert heading is not None
    assert continues_heading(heading, "algemene verplichtingen")
    assert not continues_heading(heading, "Algemene verplichtingen")  # capital: new text
    assert not continues_heading(heading, "algemene verplichtingen.")  # a sentence
    assert not continues_heading(heading, "")
    ends_open = parse_heading("Hoofdstuk VI Onderzoek, vervolging en", None)
    assert ends_open is not None
    assert continues_heading(ends_open, "beschermende maatregelen")
    closed = parse_heading("Hoofdstuk III Preventie", None)
    assert closed is not None
    assert not continues_heading(closed, "bewustwording bij jongeren")


def test_section_tracker_path() -> None:
    tracker = SectionTracker()
    assert tracker.chapter is None
    assert tracker.path == ""

    def enter(line: str) -> None:
        heading = parse_heading(line, tracker.chapter)
        assert heading is not None, line
        tracker.enter(heading)

    enter("Inleiding")
    assert (tracker.chapter, tracker.path) == ("Inleiding", "Inleiding")
    enter("Hoofdstuk II Integraal beleid en gegevens verzamelen")
    assert tracker.chapter == "II"
    assert tracker.path == "Hoofdstuk II Integraal beleid en gegevens verzamelen"
    enter("II.1. Algemeen")
    enter("II.1.1 Wettelijk kader")
    assert tracker.path == (
        "Hoofdstuk II Integraal beleid en gegevens verzamelen > II.1. Algemeen > "
        "II.1.1 Wettelijk kader"
    )
    enter("II.1.2 Coördinatie")  # a sibling replaces the open subsection
    assert tracker.path.endswith("II.1. Algemeen > II.1.2 Coördinatie")
    enter("II.2. Uitvoering")  # a new section closes the subsection
    assert tracker.path == "Hoofdstuk II Integraal beleid en gegevens verzamelen > II.2. Uitvoering"
    # a numbered line of another chapter is body text, not a heading
    assert parse_heading("III.1. Bewustwording", tracker.chapter) is None
    enter("Hoofdstuk III Preventie")  # a new chapter closes everything
    assert (tracker.chapter, tracker.path) == ("III", "Hoofdstuk III Preventie")
    enter("III.1. Bewustwording")
    assert tracker.path == "Hoofdstuk III Preventie > III.1. Bewustwording"
    enter("Bijlage 1 Caribisch Nederland")
    assert (tracker.chapter, tracker.path) == ("B1", "Bijlage 1 Caribisch Nederland")


def test_section_tracker_replace_last() -> None:
    tracker = SectionTracker()
    first = parse_heading("Hoofdstuk I Doelstellingen, gelijkheid en", None)
    assert first is not None
    tracker.enter(first)
    tracker.replace_last(
        Heading(1, "I", "Hoofdstuk I Doelstellingen, gelijkheid en verplichtingen")
    )
    assert tracker.path == "Hoofdstuk I Doelstellingen, gelijkheid en verplichtingen"
    assert tracker.chapter == "I"


def test_corpus_sections_are_chapters_and_their_sections(corpus_doc) -> None:
    chapters = [s for s in corpus_doc.sections if " > " not in s]
    assert chapters[0] == "Inleiding"
    assert [c.split()[1] for c in chapters[1:]] == ["I", "II", "III", "IV", "V", "VI", "VII"]
    assert chapters[1] == (
        "Hoofdstuk I Doelstellingen, begripsomschrijvingen, gelijkheid en non-discriminatie, "
        "algemene verplichtingen"
    )
    assert (
        "Hoofdstuk IV Bescherming en ondersteuning > IV.2. Gespecialiseerde ondersteuning > "
        "IV.2.1 Vrouwenopvang"
    ) in corpus_doc.sections
    for section in corpus_doc.sections:
        parts = section.split(" > ")
        assert len(parts) <= 3
        if len(parts) > 1:
            root = parts[0].split()[1]
            assert all(p.startswith(f"{root}.") for p in parts[1:]), section


def _walk(lines: list[str]) -> list[str]:
    """The section path after each line that is taken as a heading, as the blocks take it."""
    tracker = SectionTracker()
    paths = []
    for line in lines:
        heading = parse_heading(line, None)
        if heading is not None and tracker.accepts(heading):
            tracker.enter(heading)
            paths.append(tracker.path)
    return paths


def test_a_report_numbered_one_one_point_one_two_keeps_every_chapter() -> None:
    paths = _walk(
        [
            "1 Inleiding",
            "1.1 Aanleiding",
            "1.2 Leeswijzer",
            "2 Toegang",
            "2.1 Wachttijden",
            "2.1.1 Per regio",
            "2.2 Kosten",
            "3 Conclusies",
        ]
    )
    assert paths == [
        "1 Inleiding",
        "1 Inleiding > 1.1 Aanleiding",
        "1 Inleiding > 1.2 Leeswijzer",
        "2 Toegang",
        "2 Toegang > 2.1 Wachttijden",
        "2 Toegang > 2.1 Wachttijden > 2.1.1 Per regio",
        "2 Toegang > 2.2 Kosten",
        "3 Conclusies",
    ]


def test_numbered_sections_after_a_plain_inleiding_are_headings() -> None:
    paths = _walk(["Inleiding", "1.1 Achtergrond", "1.2 Opzet", "2.1 Cijfers"])
    assert paths[-1] == "Inleiding > 2.1 Cijfers"
    assert len(paths) == 4


def test_a_number_out_of_sequence_is_body_text() -> None:
    # "7 Gemeenten" after 2.1 is a count that starts a line, not chapter 7
    paths = _walk(["1 Inleiding", "2 Toegang", "2.1 Wachttijden", "7 Gemeenten", "3 Kosten"])
    assert paths[-1] == "3 Kosten"
    assert "7 Gemeenten" not in " ".join(paths)


def test_an_annex_starts_its_numbering_afresh() -> None:
    paths = _walk(["1 Inleiding", "2 Kosten", "Bijlage A Tabellen", "1 Per regio"])
    assert paths[-1] == "1 Per regio"


@pytest.mark.parametrize(
    ("last", "new", "ok"),
    [
        (None, (1,), True),
        (None, (5,), False),
        (None, (5, 13, 2), True),
        ((1,), (1, 1), True),
        ((1, 2), (1, 3), True),
        ((1, 2), (2,), True),
        ((1, 2), (2, 1), True),
        ((1, 2, 3), (2,), True),
        ((1, 2), (1, 2, 1), True),
        ((1, 2), (1, 2, 5), False),
        ((2, 1), (7,), False),
        ((2, 1), (2, 1), False),
        ((2, 1), (1, 3), False),
    ],
)
def test_follows(last: tuple[int, ...] | None, new: tuple[int, ...], ok: bool) -> None:
    assert follows(last, new) is ok

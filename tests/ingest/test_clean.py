"""Line cleaning: Unicode, page furniture, running headers, hyphenation at line wraps."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.clean import (
    clean_line,
    is_page_furniture,
    is_running_edge,
    join_wrapped,
    normalize,
    repeated_edges,
    vocabulary,
)

VOCAB = vocabulary(
    [
        "De aanpak van kindermishandeling en huiselijk geweld.",
        "Het VN-Vrouwenverdrag en het Verdrag van Istanbul.",
        "Moord- en doodslagzaken worden apart geteld.",
        "Er zijn voorlichtings- en informatiebijeenkomsten.",
        "De e-mailadressen en de e-mail van de gemeente.",
    ]
)


# --- normalisation -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("ﬁnanciën", "financiën"),  # fi ligature
        ("ﬂexibel", "flexibel"),  # fl ligature
        ("Ａｂｃ １２", "Abc 12"),  # full-width forms
        ("kinder\u00admishandeling", "kindermishandeling"),  # soft hyphen
        ("zero\u200bwidth\ufeff", "zerowidth"),  # zero-width space, BOM
        ("a\u00a0b\u2009c\u202fd", "a b c d"),  # no-break, thin, narrow no-break spaces
        ("  a \t\t b  ", "a b"),
        ("cliënten", "cliënten"),
        ("clie\u0308nten", "cliënten"),  # decomposed ë is composed (NFKC)
    ],
)
def test_clean_line(raw: str, clean: str) -> None:
    assert clean_line(raw) == clean


def test_normalize_keeps_line_breaks_and_edges() -> None:
    assert normalize(" a\u00a0\nb ") == " a \nb "


def _is_jamo(c: str) -> bool:
    return any(
        lo <= c <= hi
        for lo, hi in [
            ("\u1100", "\u11ff"),
            ("\u3130", "\u318f"),
            ("\ua960", "\ua97f"),
            ("\ud7b0", "\ud7ff"),
            ("\uffa0", "\uffdc"),
        ]
    )


_SPECIAL = st.sampled_from(
    ["\u00ad", "\u200b", "\ufeff", "\u00a0", "\u2009", "\t", "\r", " ", "  ", "ﬁ", "ﬂ", "Ａ", "ë"]
)
# Combining marks and Hangul jamo are left out here: removing an invisible character can
# bring two code points together that NFKC then composes (see the test below).
_PLAIN = st.characters(
    codec="utf-8",
    exclude_categories=("Mn", "Mc", "Me", "Cs"),
).filter(lambda c: not _is_jamo(c))


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.one_of(_PLAIN, _SPECIAL), max_size=40).map("".join))
def test_clean_line_is_idempotent(line: str) -> None:
    once = clean_line(line)
    assert clean_line(once) == once
    assert normalize(normalize(line)) == normalize(line)
    assert once == once.strip()
    assert "  " not in once


@settings(max_examples=200, deadline=None, database=None)
@given(st.text())
def test_clean_line_is_idempotent_on_any_text(line: str) -> None:
    once = clean_line(line)
    if any(c in line for c in "\u00ad\u200b\u200c\u200d\ufeff"):
        return  # covered by the test below
    assert clean_line(once) == once


@pytest.mark.parametrize("line", ["e\u00ad\u0301", "clie\u200b\u0308nten", "\u1100\u200b\u1161"])
def test_clean_line_is_idempotent_with_invisible_before_combining_mark(line: str) -> None:
    once = clean_line(line)
    assert clean_line(once) == once


# --- page furniture and running headers ----------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "7",
        " 24 ",
        "- 12 -",
        "– 3 –",
        "Pagina 3 van 40",
        "pagina 3",
        "blz. 7",
        "Page 2 of 9",
        "3/40",
    ],
)
def test_lone_page_numbers_are_furniture(line: str) -> None:
    assert is_page_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "2016 2017",
        "12 maart 2018",
        "Totaal 7.340 8.230",
        "0-17 2.570 2.670",
        "Hoofdstuk 2",
        "12345",
        "Zie pagina 7 voor meer.",
        "",
    ],
)
def test_text_is_not_furniture(line: str) -> None:
    assert not is_page_furniture(line)


def _page(n: int, body: str) -> list[str]:
    return ["Rapportage Grevio 2016-2017", body, f"{body} vervolg", "slot van de pagina", f"{n}"]


def test_repeated_edges_finds_running_header() -> None:
    pages = [_page(n, f"Tekst van pagina {'abcdefgh'[n]}") for n in range(1, 6)]
    edges = repeated_edges(pages)
    assert "rapportage grevio #-#" in edges
    assert is_running_edge("Rapportage Grevio 2016-2017", edges)
    assert is_running_edge("  rapportage grevio 2018-2019 ", edges)  # digits ignored
    assert not is_running_edge("Tekst van pagina b", edges)
    assert "#" not in edges  # too short to be a running header


def test_repeated_edges_ignores_the_middle_of_pages() -> None:
    middle = "Deze regel staat midden op elke pagina"
    pages = [["kop a", "kop b", middle, "voet a", "voet b"] for _ in range(4)]
    pages = [[f"{x} {'pqrs'[i]}" if x != middle else x for x in p] for i, p in enumerate(pages)]
    assert middle.lower() not in repeated_edges(pages)


def test_repeated_edges_needs_three_pages() -> None:
    pages = [["Rapportage Grevio 2016-2017", "tekst"], ["Rapportage Grevio 2016-2017", "meer"]]
    assert repeated_edges(pages) == set()
    assert not is_running_edge("Rapportage Grevio 2016-2017", set())


def test_repeated_edges_needs_a_share_of_the_pages() -> None:
    pages = [[f"regel {'abcdefghij'[i]} alleen hier"] for i in range(10)]
    for i in range(3):
        pages[i].insert(0, "Concept rapportage")
    assert repeated_edges(pages) == set()  # 3 of 10 pages < half
    assert "concept rapportage" in repeated_edges(pages, min_share=0.3)


# --- hyphenation at line wraps -------------------------------------------------------


def test_vocabulary_keeps_compounds_whole() -> None:
    assert {"kindermishandeling", "vn-vrouwenverdrag", "e-mailadressen"} <= VOCAB
    assert "moord" in VOCAB


def test_hyphenation_is_undone_for_known_words() -> None:
    assert join_wrapped("de aanpak van kinder-", "mishandeling is", VOCAB) == (
        "de aanpak van kindermishandeling is"
    )


def test_real_compound_keeps_its_hyphen() -> None:
    assert join_wrapped("het VN-", "Vrouwenverdrag", VOCAB) == "het VN-Vrouwenverdrag"
    # known with a hyphen: e-mail stays e-mail even though "email" might be a word
    assert join_wrapped("de e-", "mailadressen", VOCAB | {"emailadressen"}) == ("de e-mailadressen")


def test_enumeration_keeps_hyphen_and_space() -> None:
    assert join_wrapped("moord-", "en doodslagzaken", VOCAB) == "moord- en doodslagzaken"
    assert join_wrapped("voorlichtings-", "en informatie", VOCAB) == "voorlichtings- en informatie"
    assert join_wrapped("gebieds-", "of contactverbod", VOCAB) == "gebieds- of contactverbod"
    assert join_wrapped("hulp-", "en/of advies", VOCAB) == "hulp- en/of advies"


def test_a_word_broken_at_a_line_end_is_whole_again() -> None:
    # Dutch writes compounds whole: a break that the report never spells with a hyphen
    # was put there by hyphenation (``kamerbe-`` + ``woning``)
    assert join_wrapped("de zorg-", "instelling", VOCAB) == "de zorginstelling"
    assert join_wrapped("kamerbe-", "woning", VOCAB) == "kamerbewoning"
    # spelling's hyphens stay: after an acronym, in a compound, in an address, vowel clash
    assert join_wrapped("het VN-", "vrouwenrechtencomité", VOCAB) == "het VN-vrouwenrechtencomité"
    assert join_wrapped("huis-aan-", "huisbladen", VOCAB) == "huis-aan-huisbladen"
    assert join_wrapped("huis-", "aan-huisbladen", VOCAB) == "huis-aan-huisbladen"
    assert join_wrapped("www.cbs.nl/nl-", "nl/maatwerk", VOCAB) == "www.cbs.nl/nl-nl/maatwerk"
    assert join_wrapped("het co-", "ouderschap", VOCAB) == "het co-ouderschap"


def test_plain_wrap_joins_with_a_space() -> None:
    assert join_wrapped("huiselijk", "geweld", VOCAB) == "huiselijk geweld"
    assert join_wrapped("periode 2016 -", "2017", VOCAB) == "periode 2016 - 2017"
    assert join_wrapped("", "geweld", VOCAB) == "geweld"
    assert join_wrapped("huiselijk", "", VOCAB) == "huiselijk"

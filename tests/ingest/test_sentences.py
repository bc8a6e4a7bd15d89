"""Dutch-aware sentence splitting with character offsets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.sentences import sentence_spans


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def test_abbreviations_do_not_end_a_sentence() -> None:
    text = "Dit geldt bijv. voor gemeenten. Zie art. 5 van de wet. Het is o.a. in 2017 gestart."
    spans = sentence_spans(text)
    assert len(spans) == 3
    assert [text[s:e] for s, e in spans] == [
        "Dit geldt bijv. voor gemeenten.",
        "Zie art. 5 van de wet.",
        "Het is o.a. in 2017 gestart.",
    ]
    assert spans[0][0] == 0
    assert spans[-1][1] == len(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Wat nu? Dat weten we niet! Toch gaan we door… Echt.",
            ["Wat nu?", "Dat weten we niet!", "Toch gaan we door…", "Echt."],
        ),
        (
            "Zie paragraaf II.2. Daar staat het.",  # a section number is not an end
            ["Zie paragraaf II.2. Daar staat het."],
        ),
        (
            "Dhr. J. Jansen zei het. Mevr. A.B. de Vries ook.",  # titles and initials
            ["Dhr. J. Jansen zei het.", "Mevr. A.B. de Vries ook."],
        ),
        (
            "De minister (zie art. 3) zei: ‘Ja.’ Daarna ging het mis.",
            ["De minister (zie art. 3) zei: ‘Ja.’", "Daarna ging het mis."],
        ),
        (
            "In 2017 waren er 12.000 meldingen. 40% daarvan kwam van vrouwen.",
            ["In 2017 waren er 12.000 meldingen.", "40% daarvan kwam van vrouwen."],
        ),
        (
            "Het gaat m.b.t. de zorg t.a.v. cliënten i.v.m. de wet. Dat is nieuw.",
            ["Het gaat m.b.t. de zorg t.a.v. cliënten i.v.m. de wet.", "Dat is nieuw."],
        ),
        ("Zonder punt aan het eind", ["Zonder punt aan het eind"]),
        ("  Met witruimte.   Eromheen.  ", ["Met witruimte.", "Eromheen."]),
        ("", []),
        ("   ", []),
    ],
)
def test_sentence_examples(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected


def test_lowercase_after_a_full_stop_does_not_split() -> None:
    assert _sentences("Het aantal steeg met 5 procent t.o.v. vorig jaar. en verder") == [
        "Het aantal steeg met 5 procent t.o.v. vorig jaar. en verder"
    ]


def test_offsets_within_a_range_refer_to_the_whole_text() -> None:
    text = "Kop. Een zin hier. Nog een zin. Staart."
    start = text.index("Een")
    end = text.index(" Staart")
    spans = sentence_spans(text, start, end)
    assert [text[s:e] for s, e in spans] == ["Een zin hier.", "Nog een zin."]
    assert all(start <= s < e <= end for s, e in spans)


_WORDS = st.sampled_from(
    ["de", "gemeente", "bijv.", "o.a.", "art.", "5", "II.2.", "Wet", "Zie", "Het", "cliënten"]
)
_TOKEN = st.one_of(_WORDS, st.sampled_from([".", "!", "?", "…", " ", "\n", "  ", "’", "("]))


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(_TOKEN, max_size=40).map(" ".join), st.data())
def test_spans_are_ordered_trimmed_and_cover_all_text(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    spans = sentence_spans(text, start, end)
    prev_end = start
    for s, e in spans:
        assert prev_end <= s < e <= end
        assert not text[s].isspace() and not text[e - 1].isspace()
        prev_end = e
    covered = {i for s, e in spans for i in range(s, e)}
    for i in range(start, end):
        if not text[i].isspace():
            assert i in covered, (text, i)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Het steeg tot 119.000. In 2018 daalde het.",
            ["Het steeg tot 119.000.", "In 2018 daalde het."],
        ),
        ("Zij werd lid. Daarna vertrok ze.", ["Zij werd lid.", "Daarna vertrok ze."]),
        ("Zie hoofdstuk II. Daarna volgt de rest.", ["Zie hoofdstuk II.", "Daarna volgt de rest."]),
        ("Zie bijlage B. De tabel staat daar.", ["Zie bijlage B.", "De tabel staat daar."]),
        ("Zie art. 3 lid 2. De rechter beslist.", ["Zie art. 3 lid 2.", "De rechter beslist."]),
        # still no end: an initial before a name, a section number with its sub-levels
        ("Dhr. J. Jansen zei het.", ["Dhr. J. Jansen zei het."]),
        ("Zie paragraaf II.2. Daar staat het.", ["Zie paragraaf II.2. Daar staat het."]),
    ],
)
def test_a_numeral_letter_or_word_ends_a_sentence_before_an_opening_word(
    text: str, expected: list[str]
) -> None:
    """Defect 5: no split after "119.000.", "lid.", "hoofdstuk II.", "bijlage B."."""
    assert _sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an initial after a title or another initial is part of a name, even before "De"
        ("Dhr. J. De Vries zei het.", ["Dhr. J. De Vries zei het."]),
        ("Het rapport van J. K. De Smet volgt.", ["Het rapport van J. K. De Smet volgt."]),
        # dotted initials end a sentence only before an opening word, like a single letter
        ("Mevr. A.B. De Wit zei het.", ["Mevr. A.B. De Wit zei het."]),
        ("Het is van A.B. Daarna volgt C.", ["Het is van A.B.", "Daarna volgt C."]),
        # a word that is also an abbreviation ("vol." for volume) ends before an opening word
        ("De opvang zat vol. Daarom wachten zij.", ["De opvang zat vol.", "Daarom wachten zij."]),
        ("Zie Stcrt. vol. 3 van 2017.", ["Zie Stcrt. vol. 3 van 2017."]),
        # sentence openers beyond articles: "Daar", "Hier", "Toch"
        ("Zie bijlage B. Daar staat het.", ["Zie bijlage B.", "Daar staat het."]),
        (
            "Het steeg tot 1.200. Toch is dat weinig.",
            ["Het steeg tot 1.200.", "Toch is dat weinig."],
        ),
        # a true abbreviation stays a non-end before any word
        ("Zie bijv. De Volkskrant van 2017.", ["Zie bijv. De Volkskrant van 2017."]),
    ],
)
def test_initials_and_ambiguous_abbreviations(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Word's Symbol-font bullets come out of a PDF as U+F0B7; items end with ";" or nothing
        (
            "Het beeld:\n\uf0b7 de groei vlakt af;\n\uf0b7 de wachttijden zijn korter",
            ["Het beeld:", "\uf0b7 de groei vlakt af;", "\uf0b7 de wachttijden zijn korter"],
        ),
        ("Stappen:\n1. melden\n2. onderzoeken", ["Stappen:", "1. melden", "2. onderzoeken"]),
        ("• één\n– twee", ["• één", "– twee"]),
        # a wrapped line that opens no item stays in its sentence
        ("De groei vlakt\naf in 2024. Zo is het.", ["De groei vlakt\naf in 2024.", "Zo is het."]),
    ],
)
def test_each_list_item_on_a_new_line_is_a_sentence(text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in sentence_spans(text)] == expected

"""The sentence-by-sentence check of a generated answer (qa.grounding)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from qa.grounding import check_answer, facts, sentences

SOURCES = [
    "In 2017 ontvingen 1.234 slachtoffers hulp van Veilig Thuis; 17,3% was jonger dan 18.",
    "De Wet verplichte meldcode geldt sinds 1 juli 2013.",
]


def always(score: float):  # type: ignore[no-untyped-def]
    def support(sentence: str, cited: Sequence[int]) -> float:
        return score

    return support


def test_facts_are_numbers_months_and_names() -> None:
    got = facts("Sinds 1 juli 2013 geldt in Nederland de Wet meldcode van het CSG [2].")
    assert got == ["1", "2013", "juli", "Nederland", "Wet", "CSG"]
    assert facts("De opvang groeide.") == []  # the opening word is no name


@pytest.mark.parametrize(
    ("sentence", "kept"),
    [
        ("In 2017 kregen 1234 slachtoffers hulp van Veilig Thuis [1].", True),  # 1.234 = 1234
        ("Het aandeel jongeren was 17,3% [1].", True),
        ("Het aandeel jongeren was 17,4% [1].", False),
        ("In 2018 kregen 1.234 slachtoffers hulp [1].", False),
        ("Veilig Thuis hielp slachtoffers in Limburg [1].", False),  # a name no source holds
        ("De meldcode geldt sinds 1 juli 2013 [1].", False),  # true, but not in [1]
        ("De meldcode geldt sinds 1 juli 2013 [2].", True),
        ("De meldcode geldt sinds 1 augustus 2013 [2].", False),  # the month counts
        ("De meldcode geldt sinds 2013 [1][2].", True),  # either cited source may hold it
    ],
)
def test_each_fact_must_be_in_a_cited_source(sentence: str, kept: bool) -> None:
    checked = check_answer(sentence, SOURCES, always(1.0), threshold=0.5)
    assert bool(checked.kept) is kept, checked.dropped


def test_markers_after_the_full_stop_belong_to_the_sentence() -> None:
    text = "De meldcode geldt sinds 2013. [2] In 2017 kregen slachtoffers hulp. [1]"
    assert sentences(text) == [
        "De meldcode geldt sinds 2013. [2]",
        "In 2017 kregen slachtoffers hulp. [1]",
    ]
    assert len(check_answer(text, SOURCES, always(1.0), 0.5).kept) == 2


def test_uncited_unknown_and_weak_sentences_are_dropped_with_their_reason() -> None:
    seen: list[tuple[str, tuple[int, ...]]] = []

    def support(sentence: str, cited: Sequence[int]) -> float:
        seen.append((sentence, tuple(cited)))
        return 0.9 if "meldcode" in sentence else 0.2

    text = "Er is hulp. Zie bron [3]. De meldcode bestaat [2]. Slachtoffers kregen hulp [1]."
    checked = check_answer(text, SOURCES, support, threshold=0.5)
    assert checked.text == "De meldcode bestaat [2]."
    assert [d.reason for d in checked.dropped] == ["uncited", "unknown_source", "weak"]
    assert checked.dropped[-1].score == pytest.approx(0.2)
    # the support is asked of the sentence without its markers, with 0-based sources
    assert seen == [("De meldcode bestaat.", (1,)), ("Slachtoffers kregen hulp.", (0,))]


def test_an_answer_of_nothing_but_fabrication_keeps_nothing() -> None:
    checked = check_answer("Er waren 99 centra in 2031 [1].", SOURCES, always(1.0), 0.5)
    assert checked.kept == () and checked.dropped[0].missing == ("99", "2031")

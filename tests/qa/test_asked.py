"""Reading a question once, and the checks that tell a passage cannot answer it."""

from __future__ import annotations

from index.lexical import tokenize
from index.search import Hit
from ingest.models import Chunk
from qa.answertype import AnswerType
from qa.asked import Asked, names
from qa.doubt import Doubt
from qa.terms import TermWeights

PASSAGES = [
    "De Kindertelefoon voerde in 2017 ruim duizend gesprekken met kinderen.",
    "Korrelatie voerde in 2017 2640 gesprekken, inclusief chat en e-mail.",
    "Het Openbaar Ministerie (OM) vervolgt verdachten van huiselijk geweld.",
    "In Nederland geldt de meldcode voor alle beroepskrachten in Nederland.",
    "Nederland werkt samen met gemeenten in Nederland.",
    "De gemeenten in Nederland zorgen voor opvang.",
] + [f"Een passage {i} over gemeenten en beleid in Nederland." for i in range(20)]
WEIGHTS = TermWeights(PASSAGES)


def _hit(text: str) -> Hit:
    return Hit(Chunk("c1", "d1", text, "II.1", 1, 1, False, 0, len(text), "nl"), 1.0, 0.9, 1.0)


def test_names_are_runs_of_capitalised_words_after_the_first() -> None:
    assert names("Sinds wanneer is het Verdrag van Istanbul in Nederland van kracht?") == [
        "Verdrag van Istanbul",
        "Nederland",
    ]
    assert names("Hoeveel zaken kreeg het OM? Wat deed de Kindertelefoon") == [
        "OM",
        "Kindertelefoon",
    ]


def test_a_question_is_read_once() -> None:
    asked = Asked.read("Hoeveel gesprekken voerde de Kindertelefoon in 2017?", WEIGHTS)
    assert asked.kind is AnswerType.COUNT
    assert asked.years == frozenset({"2017"})
    assert asked.counted == frozenset({"sprek"})
    assert len(asked.names) == 1  # Kindertelefoon; the common "Nederland" would not count
    assert asked.unknown == ()


def test_a_passage_about_someone_else_cannot_answer() -> None:
    asked = Asked.read("Hoeveel gesprekken voerde de Kindertelefoon in 2017?", WEIGHTS)
    sentence = "Korrelatie voerde in 2017 2640 gesprekken, inclusief chat en e-mail."
    assert asked.misfit(sentence, _hit(sentence)) == Doubt("name", "Kindertelefoon")
    right = PASSAGES[0]
    assert asked.misfit(right, _hit(right)) is None


def test_a_passage_on_another_year_or_thing_cannot_answer() -> None:
    asked = Asked.read("Hoeveel gesprekken voerde de Kindertelefoon in 2019?", WEIGHTS)
    assert asked.misfit(PASSAGES[0], _hit(PASSAGES[0])) == Doubt("year", "2019")
    counted = Asked.read("Hoeveel meldingen kreeg de Kindertelefoon in 2017?", WEIGHTS)
    assert counted.misfit(PASSAGES[0], _hit(PASSAGES[0])) == Doubt("counted", "meldingen")


def test_an_abbreviation_stands_for_its_long_form() -> None:
    passage = "Het Openbaar Ministerie vervolgt in 2017 ruim 500 verdachten."
    om = Asked.read(
        "Hoeveel verdachten vervolgde het OM in 2017?",
        TermWeights([*PASSAGES, "Het OM vervolgt verdachten."]),
        abbreviations={"OM": "Openbaar Ministerie"},
    )
    both = Asked.read(
        "Hoeveel verdachten vervolgde de BOA in 2017?",
        TermWeights([*PASSAGES, "De BOA schrijft boetes uit."]),
        abbreviations={"BOA": "Openbaar Ministerie"},
    )
    assert om.names == (("OM", frozenset(tokenize("OM Openbaar Ministerie"))),)
    assert om.misfit(passage, _hit(passage)) is None
    assert both.misfit(passage, _hit(passage)) is None


def test_a_name_is_matched_by_its_forms_not_by_a_shared_start() -> None:
    """Defect 4: "kinderen" shared five letters with "Kindertelefoon" and satisfied it."""
    weights = TermWeights([*PASSAGES, "De Kindertelefoon is er voor kinderen."])
    asked = Asked.read("Hoeveel gesprekken voerde de Kindertelefoon in 2017?", weights)
    children = "In 2017 waren er 2571 gesprekken met kinderen over geweld thuis."
    assert asked.misfit(children, _hit(children)) == Doubt("name", "Kindertelefoon")
    plural = "In 2017 voerden de Kindertelefoons 2571 gesprekken."
    assert asked.misfit(plural, _hit(plural)) is None


def test_unknown_names_count_in_dutch_and_countries_in_english() -> None:
    assert Asked.read("Hoe werkt de meldcode in België?", WEIGHTS, "nl").unknown == ("België",)
    english = Asked.read("How does the Netherlands compare with Germany?", WEIGHTS, "en")
    assert english.unknown == ("Germany",)
    # one run of capitalised words can hold several countries
    both = Asked.read("How do Belgium and Germany compare?", WEIGHTS, "en")
    assert both.unknown == ("Belgium", "Germany")
    known = TermWeights([*PASSAGES, "Ook in België geldt een meldcode."])
    assert Asked.read("How do Belgium and Germany compare?", known, "en").unknown == ("Germany",)
    # English words are not names the reports should use
    assert Asked.read("What do Dutch municipalities do?", WEIGHTS, "en").unknown == ()

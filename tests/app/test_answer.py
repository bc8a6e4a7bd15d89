"""The answering sentence and the confidence, on hand-made passages."""

from __future__ import annotations

import pytest

from app.answer import (
    Answer,
    TermWeights,
    best_sentence,
    confidence,
    judge,
    lacks_asked_number,
    missing_years,
)
from index.search import Hit, SearchStats
from ingest.models import Chunk


def _hit(text: str, cid: str = "c1") -> Hit:
    chunk = Chunk(cid, "d1", text, "II.1 Algemeen", 1, 1, False, 0, len(text), "nl")
    return Hit(chunk, 1.0, 0.9, 1.0)


def test_best_sentence_is_the_one_covering_the_question() -> None:
    text = (
        "IV.2.2 Centra seksueel geweld\n\nHet kabinet werkt samen met gemeenten. "
        "Er zijn zestien Centra Seksueel Geweld in Nederland. Zij zijn dag en nacht open."
    )
    weights = TermWeights([text, "Andere tekst over gemeenten en het kabinet."])
    answer = best_sentence("Hoeveel Centra Seksueel Geweld zijn er?", [_hit(text)], weights)
    assert answer is not None
    assert answer.text == "Er zijn zestien Centra Seksueel Geweld in Nederland."
    assert text[answer.start : answer.end] == answer.text
    assert answer.passage_id == "c1"


def test_a_heading_is_never_the_answer() -> None:
    text = "IV.2.2 Centra seksueel geweld\n\nSlachtoffers kunnen er terecht voor hulp."
    answer = best_sentence("Centra seksueel geweld", [_hit(text)], TermWeights([text]))
    assert answer is not None and not answer.text.startswith("IV.2.2")


def test_no_hits_no_answer() -> None:
    assert best_sentence("vraag", [], TermWeights([])) is None


@pytest.mark.parametrize(
    ("z", "agree", "coverage", "expected"),
    [
        (4.0, True, 0.5, 0.6 * 0.5 + 0.25 + 0.15 * 0.5),
        (6.0, False, 1.0, 0.6 + 0.15),
        (9.0, True, 1.0, 1.0),
        (1.0, False, 0.0, 0.0),
    ],
)
def test_confidence_by_hand(z: float, agree: bool, coverage: float, expected: float) -> None:
    answer = Answer("x", "c1", 0, 1, coverage)
    assert confidence(SearchStats(z, agree), answer) == pytest.approx(expected, abs=1e-4)


def test_confidence_without_answer_uses_retrieval_only() -> None:
    assert confidence(SearchStats(4.0, True), None) == pytest.approx(0.55)


def test_a_year_no_passage_mentions_lowers_the_confidence() -> None:
    text = "In 2016 en 2017 zijn zestien Centra Seksueel Geweld actief geweest in Nederland."
    hits = [_hit(text)]
    weights = TermWeights([text])
    stats = SearchStats(5.0, True)
    question = "Hoeveel Centra Seksueel Geweld waren er in 2019?"
    answer, conf = judge(question, hits, stats, weights)
    assert missing_years("Cijfers over 2019 en 2016?", hits) == ["2019"]
    assert missing_years("Cijfers over 2017?", hits) == []
    assert conf == pytest.approx(confidence(stats, answer) * 0.1, abs=1e-3)
    _, known_year = judge("Hoeveel Centra Seksueel Geweld waren er in 2017?", hits, stats, weights)
    assert known_year > conf


def test_a_number_question_needs_a_number_in_its_answer() -> None:
    with_number = Answer("Er zijn zestien centra.", "c1", 0, 10, 0.5)
    with_digits = Answer("In 2017 waren er 1103 slachtoffers.", "c1", 0, 10, 0.5)
    without = Answer("De centra helpen slachtoffers.", "c1", 0, 10, 0.5)
    assert not lacks_asked_number("Hoeveel centra zijn er?", with_number)
    assert not lacks_asked_number("How many victims were there?", with_digits)
    assert lacks_asked_number("Hoeveel centra zijn er?", without)
    assert lacks_asked_number("Hoeveel centra zijn er?", None)
    assert not lacks_asked_number("Wat doen de centra?", without)

"""The answering sentence and the confidence, on hand-made passages."""

from __future__ import annotations

import pytest

from index.search import Hit, SearchStats
from ingest.models import Chunk
from qa.asked import Asked
from qa.doubt import Doubt
from qa.judge import Answer, best_sentence, confidence, judge
from qa.terms import TermWeights


def _hit(text: str, cid: str = "c1") -> Hit:
    chunk = Chunk(cid, "d1", text, "II.1 Algemeen", 1, 1, False, 0, len(text), "nl")
    return Hit(chunk, 1.0, 0.9, 1.0)


def test_best_sentence_is_the_one_covering_the_question() -> None:
    text = (
        "IV.2.2 Centra seksueel geweld\n\nHet kabinet werkt samen met gemeenten. "
        "Er zijn zestien Centra Seksueel Geweld in Nederland. Zij zijn dag en nacht open."
    )
    weights = TermWeights([text, "Andere tekst over gemeenten en het kabinet."])
    asked = Asked.read("Hoeveel Centra Seksueel Geweld zijn er?", weights)
    answer = best_sentence(asked, [_hit(text)], weights)
    assert answer is not None
    assert answer.text == "Er zijn zestien Centra Seksueel Geweld in Nederland."
    assert text[answer.start : answer.end] == answer.text
    assert answer.passage_id == "c1"


def test_a_heading_is_never_the_answer() -> None:
    text = "IV.2.2 Centra seksueel geweld\n\nSlachtoffers kunnen er terecht voor hulp."
    weights = TermWeights([text])
    answer = best_sentence(Asked.read("Centra seksueel geweld", weights), [_hit(text)], weights)
    assert answer is not None and not answer.text.startswith("IV.2.2")


def test_no_hits_no_answer() -> None:
    weights = TermWeights([])
    assert best_sentence(Asked.read("vraag", weights), [], weights) is None


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


def test_a_year_no_passage_mentions_keeps_a_tenth_of_the_confidence() -> None:
    text = "In 2016 en 2017 zijn zestien Centra Seksueel Geweld actief geweest in Nederland."
    hits = [_hit(text)]
    weights = TermWeights([text])
    stats = SearchStats(5.0, True)
    asked = Asked.read("Hoeveel Centra Seksueel Geweld waren er in 2019?", weights)
    verdict = judge(asked, hits, stats, weights)
    answer, conf = verdict.answer, verdict.confidence
    assert answer is not None and verdict.doubt == answer.misfit == Doubt("year", "2019")
    assert verdict.doubt.text == "De gevonden passages gaan niet over 2019."
    assert conf == pytest.approx(confidence(stats, answer) * 0.1, abs=1e-3)
    known = Asked.read("Hoeveel Centra Seksueel Geweld waren er in 2017?", weights)
    known_verdict = judge(known, hits, stats, weights)
    answer, known_conf = known_verdict.answer, known_verdict.confidence
    assert answer is not None and answer.misfit is None and known_verdict.doubt is None
    assert known_conf > 5 * conf


def test_a_sentence_holding_the_figure_wins_over_one_that_only_repeats_the_question() -> None:
    text = (
        "Gemeenten krijgen extra geld voor de aanpak van mensenhandel. "
        "Het gaat om € 2 miljoen per jaar vanaf 2018. "
        "De aanpak van mensenhandel is een taak van politie en gemeenten samen."
    )
    weights = TermWeights([text, "Iets anders over gemeenten."])
    asked = Asked.read(
        "Hoeveel extra geld krijgen gemeenten voor de aanpak van mensenhandel?", weights
    )
    answer = best_sentence(asked, [_hit(text)], weights)
    assert answer is not None and answer.misfit is None
    assert "€ 2 miljoen" in answer.text
    assert text[answer.start : answer.end] == answer.text


def test_no_sentence_of_the_asked_kind_means_a_misfit_and_low_confidence() -> None:
    text = "Het kabinet heeft het programma in 2018 gelanceerd, samen met de gemeenten."
    weights = TermWeights([text])
    asked = Asked.read("Hoeveel geld heeft het kabinet voor het programma uitgetrokken?", weights)
    stats = SearchStats(6.0, True)
    verdict = judge(asked, [_hit(text)], stats, weights)
    assert verdict.answer is not None and verdict.doubt == Doubt("kind", "money")
    assert (
        verdict.doubt.text == "De gevonden passages geven geen bedrag als antwoord op deze vraag."
    )
    assert verdict.confidence < 0.15


def test_a_name_no_report_uses_lowers_the_confidence_of_a_dutch_question() -> None:
    text = "De meldcode huiselijk geweld geldt in Nederland voor alle beroepskrachten."
    weights = TermWeights([text])
    stats = SearchStats(6.0, True)
    dutch = Asked.read("Hoe is de meldcode huiselijk geweld in België geregeld?", weights, "nl")
    verdict = judge(dutch, [_hit(text)], stats, weights)
    conf = verdict.confidence
    assert verdict.doubt is not None and verdict.doubt.text == "De rapporten noemen België nergens."
    plain = Asked.read("Hoe is de meldcode huiselijk geweld geregeld?", weights, "nl")
    plain_conf = judge(plain, [_hit(text)], stats, weights).confidence
    assert dutch.unknown == ("België",)
    assert conf < 0.15 < plain_conf

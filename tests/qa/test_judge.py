"""The answering sentence, the confidence and the outcome, on hand-made passages, with the
models shipped in ``qa/judge.json``."""

from __future__ import annotations

from dataclasses import replace

from index.search import Hit, SearchStats
from ingest.models import Chunk
from qa.asked import Asked
from qa.doubt import Doubt
from qa.judge import judge
from qa.model import shipped_models
from qa.signals import can_answer
from qa.terms import TermWeights


def _hit(text: str, cid: str = "c1", dense: float = 0.9) -> Hit:
    chunk = Chunk(cid, "d1", text, "II.1 Algemeen", 1, 1, False, 0, len(text), "nl")
    return Hit(chunk, 1.0, dense, 1.0)


CSG = (
    "IV.2.2 Centra seksueel geweld\n\nHet kabinet werkt samen met gemeenten. "
    "Er zijn zestien Centra Seksueel Geweld in Nederland. Zij zijn dag en nacht open."
)


def test_the_sentence_covering_the_question_is_the_answer() -> None:
    weights = TermWeights([CSG, "Andere tekst over gemeenten en het kabinet."])
    asked = Asked.read("Hoeveel Centra Seksueel Geweld zijn er?", weights)
    verdict = judge(asked, [_hit(CSG)], SearchStats(5.0, True), weights)
    answer = verdict.answer
    assert answer is not None
    assert answer.text.startswith("Er zijn zestien Centra Seksueel Geweld in Nederland.")
    assert CSG[answer.start : answer.end] == answer.text
    assert answer.passage_id == "c1"
    assert 0.0 <= verdict.confidence <= 1.0 and 0.0 <= verdict.correct <= 1.0
    assert verdict.status in {"answered", "uncertain", "not_found"}


def test_a_heading_is_never_the_answer() -> None:
    text = "IV.2.2 Centra seksueel geweld\n\nSlachtoffers kunnen er terecht voor hulp."
    weights = TermWeights([text])
    verdict = judge(
        Asked.read("Centra seksueel geweld", weights), [_hit(text)], SearchStats(), weights
    )
    assert verdict.answer is not None and not verdict.answer.text.startswith("IV.2.2")


def test_no_hits_no_answer_and_not_found() -> None:
    weights = TermWeights([])
    verdict = judge(Asked.read("vraag", weights), [], SearchStats(), weights)
    assert verdict.answer is None and verdict.status == "not_found"
    assert verdict.doubt is not None


def test_a_year_no_passage_mentions_lowers_the_confidence_and_is_the_reason() -> None:
    text = "In 2016 en 2017 zijn zestien Centra Seksueel Geweld actief geweest in Nederland."
    hits = [_hit(text)]
    weights = TermWeights([text])
    stats = SearchStats(5.0, True)
    other = judge(
        Asked.read("Hoeveel Centra Seksueel Geweld waren er in 2019?", weights),
        hits,
        stats,
        weights,
    )
    known = judge(
        Asked.read("Hoeveel Centra Seksueel Geweld waren er in 2017?", weights),
        hits,
        stats,
        weights,
    )
    assert other.confidence < known.confidence
    assert other.answer is not None and other.answer.misfit == Doubt("year", "2019")
    if other.status != "answered":
        assert other.doubt == Doubt("year", "2019")
        assert other.doubt.text == "De gevonden passages gaan niet over 2019."


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
    verdict = judge(asked, [_hit(text)], SearchStats(5.0, True), weights)
    assert verdict.answer is not None
    assert "€ 2 miljoen" in verdict.answer.text
    assert text[verdict.answer.start : verdict.answer.end] == verdict.answer.text


def test_a_name_no_report_uses_lowers_the_confidence_and_is_the_reason() -> None:
    text = "De meldcode huiselijk geweld geldt in Nederland voor alle beroepskrachten."
    weights = TermWeights([text])
    stats = SearchStats(6.0, True)
    dutch = Asked.read("Hoe is de meldcode huiselijk geweld in België geregeld?", weights, "nl")
    plain = Asked.read("Hoe is de meldcode huiselijk geweld geregeld?", weights, "nl")
    verdict = judge(dutch, [_hit(text)], stats, weights)
    assert dutch.unknown == ("België",)
    assert verdict.confidence < judge(plain, [_hit(text)], stats, weights).confidence
    assert verdict.status != "answered"
    assert verdict.doubt is not None and verdict.doubt.text == "De rapporten noemen België nergens."


def test_the_outcome_follows_the_shipped_thresholds() -> None:
    models = shipped_models()
    assert 0.0 < models.not_found < models.answered <= 1.0
    assert models.status(models.not_found - 0.01, 1.0) == "not_found"
    assert models.status(models.not_found + 0.01, models.answered) == "answered"
    assert models.status(models.not_found + 0.01, models.answered - 0.01) == "uncertain"
    # a sentence that lacks what the question names or asks for is never the answer
    assert models.status(models.not_found + 0.01, 1.0, can_answer=False) == "uncertain"


def test_a_sentence_can_answer_only_with_the_names_and_the_value_asked_for() -> None:
    full = {"names": 1.0, "kind_asked": 1.0, "holds_kind": 1.0}
    assert can_answer(full)
    assert not can_answer({**full, "names": 0.5})  # Amsterdam asked, only Utrecht named
    assert not can_answer({**full, "holds_kind": 0.0})  # a count asked, no number given
    assert can_answer({"names": 1.0, "kind_asked": 0.0, "holds_kind": 0.0})  # an open question


def test_a_sentence_without_the_asked_name_is_not_shown_as_the_answer() -> None:
    text = (
        "II.1 Wachttijden\n\nDe gemiddelde inschrijfduur bedroeg in 2024 landelijk 7,4 jaar. "
        "In de regio Utrecht bedroeg de gemiddelde inschrijfduur 10,8 jaar."
    )
    # a name is specific when few passages use it
    other = ["Een woning in Amsterdam is duur.", *(f"Over onderwerp {n}." for n in range(12))]
    weights = TermWeights([text, *other])
    asked = Asked.read("gemiddelde inschrijfduur regio Amsterdam", weights, "nl")
    assert [name for name, _ in asked.names] == ["Amsterdam"]
    # thresholds that answer anything: only the missing name keeps it from being answered
    eager = replace(shipped_models(), answered=0.0, not_found=0.0)
    verdict = judge(asked, [_hit(text)], SearchStats(6.0, True), weights, models=eager)
    assert verdict.answer is not None and "Amsterdam" not in verdict.answer.text
    assert verdict.status == "uncertain"
    named = Asked.read("gemiddelde inschrijfduur regio Utrecht", TermWeights([text, *other]), "nl")
    assert judge(named, [_hit(text)], SearchStats(6.0, True), weights, models=eager).status == (
        "answered"
    )

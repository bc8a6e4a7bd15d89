"""Term weights on hand-computable passages; what is read of each passage, made at load."""

from __future__ import annotations

import math

import pytest

import qa.terms
from index.embedders import FakeEmbedder
from index.search import SearchConfig, Searcher, Snapshot
from qa import ReadyIndex, answer
from qa.answertype import AnswerType, holds
from qa.asked import Asked
from qa.signals import candidates
from qa.terms import TermWeights
from vraagbaak.settings import Settings


def test_idf_of_known_and_unknown_terms() -> None:
    weights = TermWeights(["opvang vrouwen", "opvang kinderen", "meldcode"])
    # n = 3; "opvang" in 2 passages, "meldcode" in 1, "belgie" in none
    assert weights.idf("opvang") == pytest.approx(math.log(1 + 1.5 / 2.5))
    assert weights.idf("meldcode") == pytest.approx(math.log(1 + 2.5 / 1.5))
    assert weights.idf("belgie") == pytest.approx(math.log(1 + 3.5 / 0.5))


def _ready(settings: Settings) -> ReadyIndex:
    embedder = FakeEmbedder()
    snapshot = Snapshot.load(settings.index_dir, embedder)
    return ReadyIndex.of(Searcher(snapshot, embedder, SearchConfig()))


def test_no_passage_is_read_again_for_a_question(
    built_index: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ready = _ready(built_index)
    read: list[str] = []
    monkeypatch.setattr(qa.terms, "tokenize", lambda text: read.append(text) or [])
    answer(ready, "Hoeveel Centra Seksueel Geweld zijn er?")
    answer(ready, "Hoe lang duurt de opvang?")
    assert read == []  # the passages' terms, sentences, windows were made at load


@pytest.mark.parametrize(
    "question",
    ["Hoeveel Centra Seksueel Geweld zijn er?", "Hoe lang duurt de opvang?", "Wat doet het OM?"],
)
def test_a_sentence_holds_the_kind_asked_as_its_text_does(
    built_index: Settings, question: str
) -> None:
    ready = _ready(built_index)
    asked = Asked.read(question, ready.weights)
    hits = ready.searcher.search(question, top_k=5)
    for _ in range(2):  # worked out the first time, remembered the second
        for c in candidates(asked, hits, ready.weights, ready.known):
            text = c.hit.chunk.text[c.start : c.end]
            expected = asked.kind is not AnswerType.NONE and holds(asked.kind, text)
            assert c.features["holds_kind"] == float(expected)

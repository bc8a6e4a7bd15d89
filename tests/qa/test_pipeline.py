"""The stages of answering a question: each timed, together no more than the whole, none
for an answer served again."""

from __future__ import annotations

import pytest

from index.embedders import FakeEmbedder
from index.search import SearchConfig, Searcher, Snapshot
from qa import ReadyIndex, answer
from qa.pipeline import STAGES
from vraagbaak.settings import Settings

QUESTION = "Hoeveel Centra Seksueel Geweld zijn er?"


def _ready(
    settings: Settings, mode: str = "hybrid", embedder: FakeEmbedder | None = None
) -> ReadyIndex:
    embedder = embedder or FakeEmbedder()
    snapshot = Snapshot.load(settings.index_dir, embedder)
    return ReadyIndex.of(Searcher(snapshot, embedder, SearchConfig(mode=mode)))


def test_every_stage_is_timed_and_they_fit_in_the_whole(built_index: Settings) -> None:
    result = answer(_ready(built_index), QUESTION)
    assert list(result.stages) == [s for s in STAGES if s != "serialise"]
    assert all(ms >= 0 for ms in result.stages.values())
    assert result.stages["embed"] > 0 and result.stages["dense"] > 0
    assert result.stages["lexical"] > 0 and result.stages["judge"] > 0
    assert sum(result.stages.values()) <= result.took_ms


def test_a_given_query_vector_is_not_embedded_again(built_index: Settings) -> None:
    embedder = FakeEmbedder()
    ready = _ready(built_index, embedder=embedder)
    vector = ready.searcher.embed_query(QUESTION)
    calls = embedder.calls
    answer(ready, QUESTION, query_vector=vector)
    assert embedder.calls == calls


@pytest.mark.parametrize("mode", ["lexical", "dense"])
def test_a_side_not_searched_takes_no_time(built_index: Settings, mode: str) -> None:
    stages = answer(_ready(built_index, mode), QUESTION).stages
    skipped = "dense" if mode == "lexical" else "lexical"
    assert stages[skipped] == 0.0
    assert stages[mode] > 0


def test_an_answer_served_again_ran_no_stage(built_index: Settings) -> None:
    result = answer(_ready(built_index), QUESTION)
    again = result.again(0.1)
    assert again.cached and again.stages == {}
    assert again == result.again(0.1)  # timings are not part of the answer

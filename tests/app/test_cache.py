"""The answer cache: least recently used out, and keyed on the question with its case kept."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from app.cache import AnswerCache, CacheKey
from qa import AskResult

# names and abbreviations are judged case-sensitively: shouted, the question has no name the
# reports know ("unknown_name"); in its own casing the reports answer it
SHOUTED = "SINDS WANNEER GELDT DE WET VERPLICHTE MELDCODE?"
CASED = "Sinds wanneer geldt de Wet verplichte meldcode?"


def result(question: str) -> AskResult:
    return AskResult(
        question=question,
        language="nl",
        answerable=False,
        confidence=0.0,
        answer=None,
        hits=[],
        index_version="v1",
        took_ms=1.0,
    )


def key(question: str, version: str = "v1") -> CacheKey:
    return CacheKey(question, 5, None, version)


def test_the_least_recently_used_answer_goes_first() -> None:
    cache = AnswerCache(size=2)
    cache.put(key("a"), result("a"))
    cache.put(key("b"), result("b"))
    assert cache.get(key("a")) is not None  # now "b" is the least recently used
    cache.put(key("c"), result("c"))
    assert [cache.get(key(q)) is not None for q in "abc"] == [True, False, True]
    assert len(cache) == 2


def test_size_zero_keeps_nothing() -> None:
    cache = AnswerCache(size=0)
    cache.put(key("a"), result("a"))
    assert cache.get(key("a")) is None


def test_the_key_keeps_case_and_version() -> None:
    cache = AnswerCache(size=8)
    cache.put(key("CSG"), result("CSG"))
    assert cache.get(key("csg")) is None
    assert cache.get(key("CSG", version="v2")) is None


def _verdict(body: dict[str, Any]) -> tuple[Any, ...]:
    return body["answerable"], body["confidence"], body["reason"], body["answer"]


def _ask(client: TestClient, question: str) -> dict[str, Any]:
    response = client.post("/ask", json={"question": question})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_the_casing_asked_first_does_not_decide_the_verdict_of_another(
    client: TestClient,
) -> None:
    shouted = _ask(client, SHOUTED)
    cased = _ask(client, CASED)
    # each casing is read on its own (capitals can make words look like names): the
    # response of one is never the cached response of the other
    assert shouted["question"] == SHOUTED
    assert cased["question"] == CASED
    # and each is still served from the cache under its own casing
    assert _verdict(_ask(client, SHOUTED)) == _verdict(shouted)
    assert _verdict(_ask(client, "  Sinds wanneer geldt de Wet   verplichte meldcode? ")) == (
        _verdict(cased)
    )

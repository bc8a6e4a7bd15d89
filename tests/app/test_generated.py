"""The optional generated answer (VRAAGBAAK_LLM_URL), against a protocol-faithful fake model
server on 127.0.0.1: good sentences are kept, fabricated numbers and names are dropped and
counted, a fully fabricated answer falls back to the quoted one, and a failing server
changes nothing but the mode."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import openai
import pytest
from fastapi.testclient import TestClient

from app.api import create_app
from tests.app.conftest import SettingsFactory
from tests.app.fake_llm import FakeModelServer, fake_model_server
from tests.app.test_api import CSG_QUESTION, NONSENSE

GOOD = "Er zijn zestien Centra Seksueel Geweld in Nederland [1]."
FABRICATED = "In 2031 waren er 28 centra op Bonaire [1]."
UNCITED = "Slachtoffers kunnen er altijd terecht."


@pytest.fixture
def llm() -> Iterator[FakeModelServer]:
    with fake_model_server() as server:
        yield server


@pytest.fixture
def ai(llm: FakeModelServer, make_settings: SettingsFactory) -> Iterator[openai.OpenAI]:
    # the fake embedder's similarities mean nothing: the support threshold is off here and
    # tested with real scores in tests/qa/test_grounding.py
    settings = make_settings(llm_url=llm.url, llm_model="klein", llm_api_key="k", llm_support="-1")
    with TestClient(create_app(settings)) as client:
        yield openai.OpenAI(
            base_url="http://testserver/v1", api_key="x", http_client=client, max_retries=0
        )


def _ask(ai: openai.OpenAI, question: str = CSG_QUESTION) -> tuple[str, dict[str, Any]]:
    completion = ai.chat.completions.create(
        model="vraagbaak", messages=[{"role": "user", "content": question}]
    )
    info = (completion.model_extra or {})["vraagbaak"]
    assert info["status"] != "not_found" or question == NONSENSE
    return completion.choices[0].message.content or "", info


def test_a_supported_answer_is_given_as_generated(ai: openai.OpenAI, llm: FakeModelServer) -> None:
    llm.script = lambda question, sources: GOOD
    content, info = _ask(ai)
    assert (info["mode"], info["dropped_sentences"], info["fallback"]) == ("generated", 0, None)
    assert content.split("\n\n")[0].endswith(GOOD)
    assert "[1] " in content  # the sources still follow
    sent = llm.requests[-1]
    assert sent["model"] == "klein" and sent["authorization"] == "Bearer k"
    assert "zestien Centra Seksueel Geweld" in sent["messages"][1]["content"]  # the passage


def test_fabricated_numbers_and_names_are_dropped_and_counted(
    ai: openai.OpenAI, llm: FakeModelServer
) -> None:
    llm.script = lambda question, sources: f"{GOOD} {FABRICATED} {UNCITED}"
    content, info = _ask(ai)
    assert (info["mode"], info["dropped_sentences"]) == ("generated", 2)
    assert GOOD in content
    assert "2031" not in content and "Bonaire" not in content and UNCITED not in content


def test_a_fully_fabricated_answer_falls_back_to_the_quoted_one(
    ai: openai.OpenAI, llm: FakeModelServer
) -> None:
    llm.script = lambda question, sources: "Quoted first."
    quoted, _ = _ask(ai, CSG_QUESTION)  # uncited: dropped; the quoted answer is given
    llm.script = lambda question, sources: f"{FABRICATED} Er zijn 18 centra [1]. Zie [7]."
    content, info = _ask(ai, CSG_QUESTION)
    assert (info["mode"], info["dropped_sentences"]) == ("extractive", 3)
    assert info["fallback"] == "no generated sentence passed the check"
    assert content == quoted and "zestien" in content


def test_a_failing_model_server_gives_the_quoted_answer(
    ai: openai.OpenAI, llm: FakeModelServer
) -> None:
    llm.status = 500
    content, info = _ask(ai)
    assert info["mode"] == "extractive" and "answer model failed" in info["fallback"]
    assert "HTTP 500" in info["fallback"] and "zestien" in content


def test_nothing_is_generated_when_the_reports_do_not_answer(
    ai: openai.OpenAI, llm: FakeModelServer
) -> None:
    llm.script = lambda question, sources: FABRICATED
    content, info = _ask(ai, NONSENSE)
    assert info["status"] == "not_found" and info["mode"] == "extractive"
    assert llm.requests == [] and "2031" not in content


def test_the_stream_carries_the_mode_and_the_checked_text(
    ai: openai.OpenAI, llm: FakeModelServer
) -> None:
    llm.script = lambda question, sources: f"{GOOD} {FABRICATED}"
    chunks = list(
        ai.chat.completions.create(
            model="vraagbaak", messages=[{"role": "user", "content": CSG_QUESTION}], stream=True
        )
    )
    info = (chunks[0].model_extra or {})["vraagbaak"]
    assert (info["mode"], info["dropped_sentences"]) == ("generated", 1)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert GOOD in text and "2031" not in text

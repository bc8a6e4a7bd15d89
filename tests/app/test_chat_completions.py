"""``/v1``: the OpenAI chat completions protocol, driven by the official ``openai`` client
against the real app (every response is parsed by the client's own models)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openai
import pytest
from fastapi.testclient import TestClient

from app.completions import model_id
from ingest.pipeline import ingest_file
from tests.app.test_api import CSG_QUESTION, CSG_SENTENCE, NONSENSE


@pytest.fixture
def ai(client: TestClient) -> openai.OpenAI:
    """The official client, talking to the app in process (TestClient is an httpx.Client)."""
    return openai.OpenAI(
        base_url="http://testserver/v1", api_key="unused", http_client=client, max_retries=0
    )


def _check_quotes(citations: list[dict[str, Any]], corpus: Path) -> None:
    """Each citation's quote is exactly the report's text at its offsets."""
    assert citations, "no citations"
    texts: dict[str, str] = {}
    for c in citations:
        if c["document_id"] not in texts:
            for path in corpus.iterdir():
                doc = ingest_file(path)
                texts[doc.document_id] = doc.text
        assert texts[c["document_id"]][c["char_start"] : c["char_end"]] == c["quote"]
        assert c["link"].startswith("http://testserver/documents/")


def test_models_lists_all_reports_and_each_report(ai: openai.OpenAI, client: TestClient) -> None:
    ids = [m.id for m in ai.models.list()]
    docs = client.get("/documents").json()
    assert ids[0] == "vraagbaak"
    assert sorted(ids[1:]) == sorted(model_id(d["id"]) for d in docs)


def test_completion_parses_in_the_client_and_cites_the_report(
    ai: openai.OpenAI, corpus: Path
) -> None:
    completion = ai.chat.completions.create(
        model="vraagbaak", messages=[{"role": "user", "content": CSG_QUESTION}]
    )
    assert completion.object == "chat.completion"
    choice = completion.choices[0]
    assert choice.index == 0 and choice.finish_reason == "stop"
    assert choice.message.role == "assistant"
    text = choice.message.content or ""
    answer, sources = text.split(" [1]\n\n", 1)  # the answer sentence(s), then the sources
    assert answer.startswith(CSG_SENTENCE), text
    assert sources.startswith("**Bronnen**") and "\n\n[1] " in sources and "\n> " in sources
    assert completion.usage is not None
    assert completion.usage.total_tokens == (
        completion.usage.prompt_tokens + completion.usage.completion_tokens
    )
    assert completion.usage.prompt_tokens > 0 and completion.usage.completion_tokens > 0
    extra = completion.model_extra or {}
    citations = extra["citations"]
    assert [c["index"] for c in citations] == list(range(1, len(citations) + 1))
    assert CSG_SENTENCE in citations[0]["quote"]  # source 1 holds the answer sentence
    assert extra["vraagbaak"]["status"] == "answered"
    assert extra["vraagbaak"]["mode"] == "extractive"
    # each Markdown source line names the cited report, section and pages
    first = citations[0]
    assert f"[1] {first['title']}" in text and first["pages_text"] in text
    _check_quotes(citations, corpus)


def test_stream_sends_citations_first_and_ends_with_done(
    ai: openai.OpenAI, client: TestClient, corpus: Path
) -> None:
    stream = ai.chat.completions.create(
        model="vraagbaak",
        messages=[{"role": "user", "content": CSG_QUESTION}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    first = chunks[0].model_extra or {}
    assert chunks[0].choices[0].delta.role == "assistant"
    _check_quotes(first["citations"], corpus)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices]
    assert finishes[-1] == "stop" and finishes.count("stop") == 1
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    # the streamed text is the non-streamed one, and the raw stream ends with [DONE]
    whole = ai.chat.completions.create(
        model="vraagbaak", messages=[{"role": "user", "content": CSG_QUESTION}]
    )
    assert text == whole.choices[0].message.content
    raw = client.post(
        "/v1/chat/completions",
        json={"model": "vraagbaak", "stream": True, "messages": [{"role": "user", "content": "x"}]},
    )
    assert raw.headers["content-type"].startswith("text/event-stream")
    events = [line for line in raw.text.split("\n\n") if line]
    assert events[-1] == "data: [DONE]"
    assert "citations" in json.loads(events[0].removeprefix("data: "))


def test_not_found_cites_nothing_in_both_modes(ai: openai.OpenAI) -> None:
    messages: Any = [{"role": "user", "content": NONSENSE}]
    completion = ai.chat.completions.create(model="vraagbaak", messages=messages)
    extra = completion.model_extra or {}
    assert extra["vraagbaak"]["status"] == "not_found"
    assert extra["citations"] == []
    assert (completion.choices[0].message.content or "").startswith(
        "**Niet gevonden in de rapporten.**"
    )
    chunks = list(ai.chat.completions.create(model="vraagbaak", messages=messages, stream=True))
    assert (chunks[0].model_extra or {})["citations"] == []


def test_english_question_is_answered_in_english(ai: openai.OpenAI) -> None:
    completion = ai.chat.completions.create(
        model="vraagbaak",
        messages=[{"role": "user", "content": "How many sexual violence centres are there?"}],
    )
    extra = completion.model_extra or {}
    content = completion.choices[0].message.content or ""
    english = {
        "answered": "**Sources**",
        "uncertain": "**Possible answer — check the passage:**",
        "not_found": "**Not found in the reports.**",
    }
    assert english[extra["vraagbaak"]["status"]] in content
    assert not any(word in content for word in ("**Bronnen**", "Mogelijk", "Niet gevonden"))


def test_a_report_model_searches_that_report_only(ai: openai.OpenAI, client: TestClient) -> None:
    docs = client.get("/documents").json()
    for doc in docs:
        completion = ai.chat.completions.create(
            model=model_id(doc["id"]), messages=[{"role": "user", "content": CSG_QUESTION}]
        )
        citations = (completion.model_extra or {})["citations"]
        assert all(c["document_id"] == doc["id"] for c in citations)
        assert completion.model == model_id(doc["id"])


def test_follow_up_is_read_with_the_earlier_question(client: TestClient) -> None:
    body = {
        "model": "vraagbaak",
        "messages": [
            {"role": "system", "content": "Je bent een behulpzame assistent."},
            {"role": "user", "content": CSG_QUESTION},
            {"role": "assistant", "content": CSG_SENTENCE},
            {"role": "user", "content": [{"type": "text", "text": "En waar zijn die?"}]},
        ],
    }
    out = client.post("/v1/chat/completions", json=body).json()
    assert out["vraagbaak"]["question"] == f"{CSG_QUESTION} En waar zijn die?"
    alone = client.post(
        "/v1/chat/completions",
        json={**body, "messages": body["messages"][-1:]},
    ).json()
    assert alone["vraagbaak"]["question"] == "En waar zijn die?"


def test_unknown_fields_are_ignored(client: TestClient) -> None:
    body = {
        "model": "vraagbaak",
        "messages": [{"role": "user", "content": CSG_QUESTION, "name": "anna"}],
        "temperature": 0.2,
        "max_tokens": 50,
        "tools": [],
        "some_future_field": {"x": 1},
    }
    response = client.post("/v1/chat/completions", json=body)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]}, 404, None),
        ({"model": "vraagbaak", "messages": []}, 400, None),
        ({"model": "vraagbaak"}, 400, None),
        ({"model": "vraagbaak", "messages": [{"role": "assistant", "content": "x"}]}, 400, None),
        ({"model": "vraagbaak", "messages": [{"role": "user", "content": "   "}]}, 400, None),
        ({"model": "vraagbaak", "messages": [{"role": "user", "content": "x" * 5000}]}, 400, None),
        ({"model": "vraagbaak", "n": 2, "messages": [{"role": "user", "content": "x"}]}, 400, None),
    ],
)
def test_errors_are_openai_error_objects(
    client: TestClient, body: dict[str, Any], status: int, code: str | None
) -> None:
    response = client.post("/v1/chat/completions", json=body)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["message"] and error["type"]


def test_client_raises_its_own_errors(ai: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as err:
        ai.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])
    assert err.value.code == "model_not_found"
    with pytest.raises(openai.BadRequestError):
        ai.chat.completions.create(model="vraagbaak", messages=[])


def test_bad_json_is_an_openai_error(client: TestClient) -> None:
    response = client.post(
        "/v1/chat/completions", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_request_error"

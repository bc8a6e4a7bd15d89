"""The HTTP API, driven through the real app (lifespan included) on the fake-embedder index."""

from __future__ import annotations

import io
import json
import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from pypdf import PdfWriter

from app.api import create_app
from index import layout
from index.builder import reindex
from index.embedders import FakeEmbedder
from ingest.pipeline import ingest_file
from tests.app.conftest import (
    AUTH,
    SettingsFactory,
    code_of,
    detail_of,
    index_state,
    service_of,
    wait_for_reindex,
)
from tests.index.test_abbrev import (
    BOUW_PASSAGE,
    DISTRACTOR,
    PGB_QUESTION,
    ZORG_PASSAGE,
    write_pgb_reports,
)
from vraagbaak.settings import Settings

CSG_QUESTION = "Hoeveel Centra Seksueel Geweld zijn er?"
CSG_SENTENCE = "Er zijn zestien Centra Seksueel Geweld (CSG's) in Nederland."
NONSENSE = "xqzv wplk"

REPORT_C = """Inleiding

Deze rapportage gaat over de jeugdbescherming in 2019.

Hoofdstuk 1 Toezicht

In 2019 stonden ruim 41.000 kinderen onder toezicht van een gecertificeerde instelling
voor jeugdbescherming. De wachttijden liepen op tot gemiddeld negen weken.
"""
REPORT_C_QUESTION = "Hoeveel kinderen stonden onder toezicht van een gecertificeerde instelling?"

PASSAGE_KEYS = {"id", "rank", "score", "text", "citation"}
CITATION_KEYS = {
    "document_id",
    "title",
    "source",
    "page_start",
    "page_end",
    "label_start",
    "label_end",
    "pages_text",
    "page_inferred",
    "ocr",
    "section",
    "char_start",
    "char_end",
    "link",
}
ASK_KEYS = {
    "question",
    "searched",
    "language",
    "status",
    "answerable",
    "confidence",
    "answer",
    "passages",
    "index_version",
    "took_ms",
    "reason",
}


# -- helpers ---------------------------------------------------------------------------------
def ask(client: TestClient, question: str, **extra: Any) -> dict[str, Any]:
    response = client.post("/ask", json={"question": question, "top_k": 5, **extra})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def post_raw(client: TestClient, path: str, payload: Any) -> Any:
    """POST JSON built with ensure_ascii (so lone surrogates and control characters survive)."""
    return client.post(
        path, content=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )


def assert_only_about(detail: str, field: str) -> None:
    """Every "; "-separated part of a validation detail names ``field`` (and nothing else)."""
    parts = re.split(r"; (?=[\w.]+: )", detail)
    assert all(p.startswith(f"{field}:") for p in parts), detail


def check_ask_shape(body: dict[str, Any]) -> None:
    assert set(body) == ASK_KEYS, body
    assert isinstance(body["answerable"], bool)
    assert 0.0 <= body["confidence"] <= 1.0
    assert body["took_ms"] >= 0
    assert body["index_version"]
    for rank, p in enumerate(body["passages"], start=1):
        assert set(p) == PASSAGE_KEYS
        assert set(p["citation"]) == CITATION_KEYS
        assert p["rank"] == rank
        assert p["text"]
    assert body["status"] in {"answered", "uncertain", "not_found"}
    assert body["answerable"] is (body["status"] != "not_found")
    if body["status"] == "answered":
        assert body["answer"] is not None and body["reason"] is None
    else:
        assert set(body["reason"]) == {"code", "text"} and body["reason"]["text"]
    if body["status"] == "uncertain":
        assert body["answer"] is not None  # the likeliest sentence, marked for checking
    if body["answer"] is not None:
        answer = body["answer"]
        assert set(answer) == {"text", "passage_id", "start", "end"}
        passage = next(p for p in body["passages"] if p["id"] == answer["passage_id"])
        assert 0 <= answer["start"] < answer["end"] <= len(passage["text"])
        assert passage["text"][answer["start"] : answer["end"]] == answer["text"]


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("pw")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


# -- health and readiness --------------------------------------------------------------------
def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_503_until_an_index_exists_then_picks_it_up(
    settings: Settings, corpus: Path
) -> None:
    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert code_of(response) == "index_not_ready"
        assert "vraagbaak ingest" in detail_of(response)
        assert client.get("/healthz").status_code == 200  # alive, just not ready

        version = reindex(settings, FakeEmbedder()).version
        service_of(client).holder.refresh()  # what the 1 s watcher in the lifespan does
        response = client.get("/readyz")
        assert response.status_code == 200
        assert response.json() == {"status": "ready", "index_version": version}


def test_readyz_names_the_served_version(client: TestClient, built_index: Settings) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["index_version"] == layout.current_name(built_index.index_dir)


def test_ask_before_any_index_is_503_with_the_fix(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        response = client.post("/ask", json={"question": CSG_QUESTION})
        assert response.status_code == 503
        assert code_of(response) == "index_not_ready"
        assert "vraagbaak ingest" in detail_of(response)
        assert client.get("/documents").json() == []


# -- /ask --------------------------------------------------------------------------------------
def test_ask_answers_with_cited_passages(client: TestClient, built_index: Settings) -> None:
    body = ask(client, CSG_QUESTION)
    check_ask_shape(body)
    assert body["question"] == CSG_QUESTION
    assert body["language"] == "nl"
    assert body["answerable"] is True
    assert body["index_version"] == layout.current_name(built_index.index_dir)
    assert len(body["passages"]) == 5
    assert CSG_SENTENCE in body["answer"]["text"]
    top = body["passages"][0]
    assert top["id"] == body["answer"]["passage_id"]
    assert top["citation"]["title"] == "Rapport a"
    assert top["citation"]["page_start"] == top["citation"]["page_end"] == 2
    assert top["citation"]["page_inferred"] is False
    assert top["citation"]["section"] == "Hoofdstuk IV Bescherming > IV.2.2 Centra seksueel geweld"
    scores = [p["score"] for p in body["passages"]]
    assert scores == sorted(scores, reverse=True)


def test_ask_citations_point_into_the_cleaned_report(client: TestClient, corpus: Path) -> None:
    body = ask(client, "Wat is de Wet verplichte meldcode huiselijk geweld?", top_k=50)
    assert len(body["passages"]) == 6  # every passage of the two reports
    documents: dict[str, Any] = {}
    for p in body["passages"]:
        c = p["citation"]
        assert c["page_start"] >= 1 and c["page_end"] >= c["page_start"]
        assert c["section"], p
        assert 0 <= c["char_start"] < c["char_end"]
        if c["source"] not in documents:  # named relative to the corpus folder
            documents[c["source"]] = ingest_file(corpus / c["source"])
        doc = documents[c["source"]]
        assert doc.document_id == c["document_id"]
        assert doc.text[c["char_start"] : c["char_end"]] == p["text"]
        pages = [n for s, e, n in doc.page_spans if s < c["char_end"] and e > c["char_start"]]
        assert (min(pages), max(pages)) == (c["page_start"], c["page_end"])
        assert c["page_inferred"] is doc.pages_inferred
    inferred = {Path(s).name: d.pages_inferred for s, d in documents.items()}
    assert inferred == {"rapport-a.txt": False, "notitie-b.txt": True}  # only A has a \f


def test_answer_is_the_sentence_without_the_section_heading(client: TestClient) -> None:
    # the sentence (with its neighbour, when the ranker takes both), never the heading
    assert ask(client, CSG_QUESTION)["answer"]["text"].startswith(CSG_SENTENCE)


def test_ask_abstains_on_nonsense_but_still_returns_the_closest_passages(
    client: TestClient,
) -> None:
    body = ask(client, NONSENSE)
    check_ask_shape(body)
    assert body["answerable"] is False
    assert body["answer"] is None
    assert body["confidence"] < 0.5
    assert len(body["passages"]) == 5


def test_ask_top_k_and_repeated_questions(client: TestClient) -> None:
    assert len(ask(client, CSG_QUESTION, top_k=1)["passages"]) == 1
    assert len(ask(client, CSG_QUESTION, top_k=50)["passages"]) == 6
    first = ask(client, "  Hoeveel centra   seksueel geweld\n zijn er? ")
    assert first["question"] == "Hoeveel centra seksueel geweld zijn er?"  # whitespace folded
    again = ask(client, "Hoeveel centra seksueel geweld zijn er?")  # from the cache
    assert [p["id"] for p in first["passages"]] == [p["id"] for p in again["passages"]]
    assert again["answer"] == first["answer"]


def test_a_cached_answer_echoes_the_question_as_asked(client: TestClient) -> None:
    ask(client, "HOEVEEL CENTRA SEKSUEEL GEWELD ZIJN ER?")
    assert ask(client, CSG_QUESTION)["question"] == CSG_QUESTION


@pytest.mark.parametrize(
    ("question", "needle"),
    [
        pytest.param("", "empty", id="empty"),
        pytest.param(" \t\n ", "empty", id="whitespace"),
        pytest.param("\u00a0\u2003", "empty", id="unicode-whitespace"),
        pytest.param("a" * 1001, "the limit is 1000", id="1001-chars"),
        pytest.param("a " * 500 + "b", "the limit is 1000", id="1001-chars-with-spaces"),
    ],
)
def test_ask_and_search_refuse_an_empty_or_long_question_alike(
    client: TestClient, question: str, needle: str
) -> None:
    asked = post_raw(client, "/ask", {"question": question})
    searched = client.get("/search", params={"q": question})
    for response in (asked, searched):
        assert response.status_code == 422, response.text
        assert code_of(response) == "invalid_question"
        assert needle in detail_of(response)
    assert asked.json() == searched.json()


def test_a_question_of_the_limit_with_folded_space_is_accepted(client: TestClient) -> None:
    question = "a" * 999 + "   \n  b"  # 1001 characters after folding to one space
    assert post_raw(client, "/ask", {"question": question}).status_code == 422
    assert post_raw(client, "/ask", {"question": "a" * 998 + "   \n  b"}).status_code == 200
    assert client.get("/search", params={"q": "a" * 998 + "   \n  b"}).status_code == 200


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        pytest.param({"question": "x", "top_k": 0}, "top_k", id="top_k-0"),
        pytest.param({"question": "x", "top_k": 51}, "top_k", id="top_k-51"),
        pytest.param({"question": "x", "top_k": 2.5}, "top_k", id="top_k-float"),
        pytest.param({"question": 5}, "question", id="question-int"),
        pytest.param({"question": None}, "question", id="question-null"),
        pytest.param({"question": ["a"]}, "question", id="question-list"),
        pytest.param({"question": "x", "top_k": "x"}, "top_k", id="top_k-str"),
        pytest.param({"top_k": 5}, "question", id="missing-question"),
        pytest.param({"question": "x", "foo": 1}, "foo", id="extra-field"),
        pytest.param({"question": "x", "filters": {"bad": 1}}, "filters.bad", id="extra-filter"),
        pytest.param(
            {"question": "x", "filters": {"document_id": "d" * 65}},
            "filters.document_id",
            id="document_id-too-long",
        ),
        pytest.param({"question": "lone \ud800 surrogate"}, "question", id="lone-surrogate"),
    ],
)
def test_ask_rejects_bad_input_with_a_readable_422(
    client: TestClient, payload: dict[str, Any], field: str
) -> None:
    response = post_raw(client, "/ask", payload)
    assert response.status_code == 422, response.text
    assert code_of(response) == "invalid_request"
    assert_only_about(detail_of(response), field)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"{not json", id="malformed"),
        pytest.param(b'{"question": "x",}', id="trailing-comma"),
    ],
)
def test_ask_rejects_a_body_that_is_not_json(client: TestClient, content: bytes) -> None:
    response = client.post("/ask", content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert "the request body is not valid JSON" in detail_of(response)


def test_ask_rejects_a_body_that_is_not_utf8(client: TestClient) -> None:
    for content in (b"\xff\xfe\x00", b'{"question": "caf\xe9"}'):
        response = client.post(
            "/ask", content=content, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 400, response.text
        assert code_of(response) == "malformed_body"


def test_framework_errors_have_the_error_response_shape(client: TestClient) -> None:
    responses = [
        client.get("/no-such-page"),
        client.get("/ask"),
        client.post("/ask", content=b"\xff\xfe", headers={"Content-Type": "application/json"}),
    ]
    assert [r.status_code for r in responses] == [404, 405, 422]
    assert [code_of(r) for r in responses] == ["not_found", "method_not_allowed", "invalid_request"]


def test_malformed_json_detail_names_the_body_not_a_position(client: TestClient) -> None:
    response = client.post(
        "/ask", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert detail_of(response).startswith("body:")


def test_ask_rejects_a_non_object_body(client: TestClient) -> None:
    payloads: list[Any] = [[], "a question", 42]
    for payload in payloads:
        response = post_raw(client, "/ask", payload)
        assert response.status_code == 422, payload
        assert detail_of(response).startswith("body:")


def test_filters_document_id_restricts_the_passages(client: TestClient) -> None:
    docs = {d["title"]: d["id"] for d in client.get("/documents").json()}
    only_b = ask(client, CSG_QUESTION, filters={"document_id": docs["Notitie b"]})
    assert only_b["passages"], only_b
    assert {p["citation"]["document_id"] for p in only_b["passages"]} == {docs["Notitie b"]}
    only_a = ask(
        client, "opvang slachtoffers mensenhandel", filters={"document_id": docs["Rapport a"]}
    )
    assert {p["citation"]["document_id"] for p in only_a["passages"]} == {docs["Rapport a"]}


def test_search_takes_the_document_filter_too(client: TestClient) -> None:
    docs = {d["title"]: d["id"] for d in client.get("/documents").json()}
    for title in ("Rapport a", "Notitie b"):
        params = {"q": "Centra Seksueel Geweld", "top_k": 5, "document_id": docs[title]}
        body = client.get("/search", params=params).json()
        assert body["passages"], body
        assert {p["citation"]["document_id"] for p in body["passages"]} == {docs[title]}
    both = client.get("/search", params={"q": "Centra Seksueel Geweld", "top_k": 10}).json()
    assert {p["citation"]["document_id"] for p in both["passages"]} == set(docs.values())


def test_an_unknown_document_id_is_a_clear_404_not_an_empty_answer(client: TestClient) -> None:
    known = {d["id"]: d["source"] for d in client.get("/documents").json()}
    responses = [
        client.post("/ask", json={"question": CSG_QUESTION, "filters": {"document_id": "0" * 16}}),
        client.get("/search", params={"q": CSG_QUESTION, "document_id": "0" * 16}),
    ]
    for response in responses:
        assert response.status_code == 404, response.text
        assert code_of(response) == "document_not_found"
        detail = response.json()["detail"]
        assert "no indexed report has id '0000000000000000'" in detail
        assert all(f"{i} ({source})" in detail for i, source in known.items())
    too_long = client.get("/search", params={"q": "x", "document_id": "d" * 65})
    assert too_long.status_code == 422 and code_of(too_long) == "invalid_request"


@pytest.fixture
def pgb_client(built_index: Settings) -> Iterator[TestClient]:
    """The two small reports and two that define "PGB" each its own way."""
    write_pgb_reports(built_index.corpus_dir)
    reindex(built_index, FakeEmbedder())
    with TestClient(create_app(built_index)) as c:
        yield c


def test_a_filtered_question_uses_that_reports_abbreviations(pgb_client: TestClient) -> None:
    docs = {d["source"]: d["id"] for d in pgb_client.get("/documents").json()}
    for name, own in [("zorg.txt", ZORG_PASSAGE), ("bouw.txt", BOUW_PASSAGE)]:
        params = {"q": PGB_QUESTION, "top_k": 10, "document_id": docs[name]}
        texts = [p["text"] for p in pgb_client.get("/search", params=params).json()["passages"]]
        # its passage that says only the long form outranks the one on something else
        assert texts.index(next(t for t in texts if own in t)) < texts.index(
            next(t for t in texts if DISTRACTOR in t)
        ), (name, texts)
        answer = ask(pgb_client, PGB_QUESTION, filters={"document_id": docs[name]})
        assert {p["citation"]["document_id"] for p in answer["passages"]} == {docs[name]}
    texts = [
        p["text"]
        for p in pgb_client.get("/search", params={"q": PGB_QUESTION, "top_k": 20}).json()[
            "passages"
        ]
    ]
    first_distractor = texts.index(next(t for t in texts if DISTRACTOR in t))
    for own in (ZORG_PASSAGE, BOUW_PASSAGE):  # unfiltered: each report with its own meaning
        assert texts.index(next(t for t in texts if own in t)) < first_distractor, texts


ODD_QUESTIONS = [
    "Wat zijn CSG’s? «citaat» – ‘enkel’ “dubbel”",
    "Hoeveel centra zijn er? 🙂👍🏽🇳🇱",
    "🙂" * 1000,
    "ﷺ" * 400,  # expands to 18 characters under NFKC
    "Ǆ ß ﬁ İ ς",  # case folding and ligatures
    "ما هو عدد المراكز؟ \u202e gespiegeld",
    "中文问题：有多少个中心？",
    "\x00\x01\x07 vraag met besturingstekens \x1b[31m",
    "\u200b",  # zero-width space alone: not whitespace to Python
    "e\u0301" * 400,  # combining accents
    "Donaudampfschifffahrtsgesellschaftskapitänswitwe" * 20,
    "x" * 1000,
    "<script>alert(1)</script> <img src=x onerror=alert(2)>",
    "'; DROP TABLE documents; -- \" OR 1=1",
    "{{7*7}} ${7*7} %s %n \\u0000 \\",
    "../../../../etc/passwd",
    "AND OR NOT ( ) * ? ~ ^ : [ ] { }",
]


def test_odd_questions_are_answered_never_500(client: TestClient) -> None:
    problems: list[tuple[Any, ...]] = []
    for question in ODD_QUESTIONS:
        response = post_raw(client, "/ask", {"question": question, "top_k": 5})
        if response.status_code != 200:
            problems.append((question[:40], response.status_code, response.text[:200]))
            continue
        check_ask_shape(response.json())
        search = client.get("/search", params={"q": question[:1000]})
        if search.status_code != 200:
            problems.append((question[:40], "search", search.status_code, search.text[:200]))
    assert problems == []


# -- /search ---------------------------------------------------------------------------------
def test_search_returns_ranked_passages(client: TestClient) -> None:
    response = client.get("/search", params={"q": "Centra Seksueel Geweld", "top_k": 3})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"query", "passages", "index_version", "took_ms"}
    assert body["query"] == "Centra Seksueel Geweld"
    assert len(body["passages"]) == 3
    assert [p["rank"] for p in body["passages"]] == [1, 2, 3]
    assert "zestien Centra Seksueel Geweld" in body["passages"][0]["text"]
    assert set(body["passages"][0]["citation"]) == CITATION_KEYS


def test_citations_give_the_printed_page_beside_the_physical_one(
    printed_client: TestClient,
) -> None:
    found = printed_client.get("/search", params={"q": "zelfstandig wonen nazorg"}).json()
    top = found["passages"][0]
    assert "zelfstandig wonen" in top["text"]
    assert {k: top["citation"][k] for k in ("page_start", "page_end", "label_start", "ocr")} == {
        "page_start": 2,
        "page_end": 2,
        "label_start": "12",
        "ocr": False,
    }
    assert top["citation"]["label_end"] == "12"
    assert top["citation"]["pages_text"] == "p. 2 (gedrukt 12)"
    body = ask(printed_client, "Hoeveel plaatsen telde de opvang in 2019?")
    first = next(p for p in body["passages"] if "412 plaatsen" in p["text"])
    assert first["citation"]["pages_text"] == "p. 1 (gedrukt i)"
    # a text report has no printed numbers: physical pages alone
    plain = next(p for p in body["passages"] if p["citation"]["source"].endswith(".txt"))
    assert plain["citation"]["label_start"] is None and plain["citation"]["label_end"] is None
    assert plain["citation"]["pages_text"] == f"p. {plain['citation']['page_start']}"


def test_search_requires_q(client: TestClient) -> None:
    response = client.get("/search")
    assert response.status_code == 422
    assert_only_about(detail_of(response), "query.q")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "x", "top_k": 0}, "query.top_k"),
        ({"q": "x", "top_k": 51}, "query.top_k"),
        ({"q": "x", "top_k": "veel"}, "query.top_k"),
    ],
)
def test_search_rejects_bad_parameters(
    client: TestClient, params: dict[str, Any], field: str
) -> None:
    response = client.get("/search", params=params)
    assert response.status_code == 422, response.text
    assert code_of(response) == "invalid_request"
    assert_only_about(detail_of(response), field)


def test_search_folds_white_space_like_ask(client: TestClient) -> None:
    body = client.get("/search", params={"q": "  Centra \n Seksueel   Geweld "}).json()
    assert body["query"] == "Centra Seksueel Geweld"


# -- /documents ------------------------------------------------------------------------------
def test_documents_lists_both_reports(client: TestClient, corpus: Path) -> None:
    response = client.get("/documents")
    assert response.status_code == 200
    docs = {d["title"]: d for d in response.json()}
    assert set(docs) == {"Rapport a", "Notitie b"}
    for d in docs.values():
        assert set(d) == {"id", "title", "source", "pages", "chunks", "sha256", "indexed_at"}
        assert re.fullmatch(r"[0-9a-f]{64}", d["sha256"])
        assert d["chunks"] >= 1
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", d["indexed_at"])
    assert docs["Rapport a"]["pages"] == 2
    assert docs["Notitie b"]["pages"] == 1
    assert docs["Rapport a"]["source"] == "rapport-a.txt"  # relative to the corpus folder
    assert sum(d["chunks"] for d in docs.values()) == service_of(client).holder.chunk_count()


# -- admin endpoints -------------------------------------------------------------------------
def _admin_calls(client: TestClient, headers: dict[str, str]) -> list[Any]:
    files = {"file": ("x.txt", b"Een korte tekst over niets in het bijzonder.", "text/plain")}
    return [
        client.post("/documents", files=files, headers=headers),
        client.delete("/documents/0000000000000000", headers=headers),
        client.post("/reindex", headers=headers),
    ]


def test_admin_endpoints_are_disabled_without_a_token(client: TestClient, corpus: Path) -> None:
    for response in _admin_calls(client, AUTH):
        assert response.status_code == 403, response.text
        assert "VRAAGBAAK_ADMIN_TOKEN" in detail_of(response)
    assert not (corpus / "x.txt").exists()


def test_admin_endpoints_need_the_right_bearer_token(
    admin_client: TestClient, corpus: Path
) -> None:
    for headers, status in [
        ({}, 401),
        ({"Authorization": "s3cret"}, 401),
        ({"Authorization": "Basic czNjcmV0"}, 401),
        ({"Authorization": "Bearer wrong"}, 403),
        ({"Authorization": "Bearer s3cret-and-more"}, 403),
    ]:
        for response in _admin_calls(admin_client, headers):
            assert response.status_code == status, (headers, response.text)
            assert detail_of(response)
    assert not (corpus / "x.txt").exists()
    assert admin_client.get("/reindex").json()["started_at"] is None


def test_upload_a_text_report_then_it_is_found(
    admin_client: TestClient, admin_settings: Settings
) -> None:
    before = admin_client.get("/readyz").json()["index_version"]
    files = {"file": ("jeugdbescherming-2019.txt", REPORT_C.encode(), "text/plain")}
    response = admin_client.post("/documents", files=files, headers=AUTH)
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["reindex"] == "started"
    assert body["stored_as"] == "jeugdbescherming-2019.txt"  # relative to the corpus folder
    assert (admin_settings.corpus_dir / body["stored_as"]).read_text() == REPORT_C
    status = wait_for_reindex(admin_client)
    assert status["ok"] is True and status["error"] is None
    assert status["report"]["added"] == [body["stored_as"]]

    docs = admin_client.get("/documents").json()
    assert len(docs) == 3
    new = next(d for d in docs if d["id"] == body["document_id"])
    assert new["title"] == "Jeugdbescherming 2019"
    assert admin_client.get("/readyz").json()["index_version"] != before

    answer = ask(admin_client, REPORT_C_QUESTION)
    assert answer["passages"][0]["citation"]["document_id"] == body["document_id"]
    assert answer["answerable"] is True
    assert "41.000 kinderen" in answer["answer"]["text"]


def test_upload_with_an_existing_name_replaces_the_report(
    admin_client: TestClient, admin_settings: Settings
) -> None:
    old = {d["title"]: d for d in admin_client.get("/documents").json()}["Notitie b"]
    files = {"file": ("notitie-b.txt", REPORT_C.encode(), "text/plain")}
    response = admin_client.post("/documents", files=files, headers=AUTH)
    assert response.status_code == 202, response.text
    wait_for_reindex(admin_client)
    docs = {d["title"]: d for d in admin_client.get("/documents").json()}
    assert len(docs) == 2
    assert docs["Notitie b"]["sha256"] != old["sha256"]
    assert (admin_settings.corpus_dir / "notitie-b.txt").read_text() == REPORT_C


def test_upload_over_the_size_limit_is_413(make_settings: SettingsFactory) -> None:
    settings = make_settings(admin_token="s3cret", max_file_mb="0.001")  # 1048 bytes
    with TestClient(create_app(settings)) as client:
        before = index_state(client, settings)
        big = ("Een zin over de opvang van slachtoffers. " * 60).encode()
        files = {"file": ("groot.txt", big, "text/plain")}
        response = client.post("/documents", files=files, headers=AUTH)
        assert response.status_code == 413, response.text
        detail = detail_of(response)
        assert "size limit" in detail and "0.001 MB" in detail
        assert "groot.txt" in detail
        assert index_state(client, settings) == before


@pytest.mark.parametrize(
    ("name", "data", "status", "needle"),
    [
        pytest.param("rapport.docx", b"PK\x03\x04 not really a docx", 415, ".docx", id="docx"),
        pytest.param("setup.exe", b"MZ\x90\x00\x03", 415, ".exe", id="exe"),
        pytest.param("geen-extensie", b"gewone tekst", 415, "(none)", id="no-suffix"),
        pytest.param("corrupt.pdf", b"%PDF-1.4 garbage", 400, "not a readable PDF", id="corrupt"),
        pytest.param("geen.pdf", b"dit is geen pdf", 400, "PDF header", id="pdf-suffix-only"),
        pytest.param("beveiligd.pdf", encrypted_pdf(), 400, "encrypted", id="encrypted-pdf"),
        pytest.param("leeg.txt", b"", 400, "empty", id="empty"),
        pytest.param("latin1.txt", "café".encode("latin-1"), 400, "not UTF-8", id="latin1"),
        pytest.param("binair.txt", b"\x00\x01\x02\x03", 415, "binary", id="binary-txt"),
    ],
)
def test_bad_uploads_are_rejected_and_leave_the_index_alone(
    admin_client: TestClient,
    admin_settings: Settings,
    name: str,
    data: bytes,
    status: int,
    needle: str,
) -> None:
    before = index_state(admin_client, admin_settings)
    files = {"file": (name, data, "application/octet-stream")}
    response = admin_client.post("/documents", files=files, headers=AUTH)
    assert response.status_code == status, response.text
    assert needle in detail_of(response)
    assert index_state(admin_client, admin_settings) == before


def test_upload_without_a_file_is_422(admin_client: TestClient) -> None:
    response = admin_client.post("/documents", headers=AUTH)
    assert response.status_code == 422
    assert_only_about(detail_of(response), "file")


def test_delete_a_report(admin_client: TestClient, admin_settings: Settings) -> None:
    docs = {d["title"]: d for d in admin_client.get("/documents").json()}
    gone = docs["Notitie b"]
    response = admin_client.delete(f"/documents/{gone['id']}", headers=AUTH)
    assert response.status_code == 202, response.text
    assert response.json()["document_id"] == gone["id"]
    wait_for_reindex(admin_client)
    assert [d["title"] for d in admin_client.get("/documents").json()] == ["Rapport a"]
    assert not (admin_settings.corpus_dir / "notitie-b.txt").exists()
    body = ask(admin_client, "opvang slachtoffers mensenhandel", top_k=50)
    assert {p["citation"]["document_id"] for p in body["passages"]} == {docs["Rapport a"]["id"]}
    again = admin_client.delete(f"/documents/{gone['id']}", headers=AUTH)
    assert again.status_code == 404


def test_delete_an_unknown_report_is_404(admin_client: TestClient) -> None:
    before = admin_client.get("/documents").json()
    response = admin_client.delete("/documents/0123456789abcdef", headers=AUTH)
    assert response.status_code == 404
    assert "0123456789abcdef" in detail_of(response)
    assert admin_client.get("/documents").json() == before


def test_reindex_on_request(admin_client: TestClient, admin_settings: Settings) -> None:
    assert admin_client.get("/reindex").json()["running"] is False
    response = admin_client.post("/reindex", headers=AUTH)
    assert response.status_code == 202
    assert response.json() == {"reindex": "started"}
    status = wait_for_reindex(admin_client)
    assert status["ok"] is True
    assert status["report"]["changed"] is False  # the corpus did not change
    assert len(status["report"]["unchanged"]) == 2

    (admin_settings.corpus_dir / "notitie-b.txt").write_text(REPORT_C, encoding="utf-8")
    before = admin_client.get("/readyz").json()["index_version"]
    assert admin_client.post("/reindex", headers=AUTH).status_code == 202
    status = wait_for_reindex(admin_client)
    assert status["report"]["replaced"] == ["notitie-b.txt"]
    assert admin_client.get("/readyz").json()["index_version"] != before


# -- ops -------------------------------------------------------------------------------------
def _metric(text: str, name: str) -> float:
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    assert match, f"{name} not in /metrics"
    return float(match.group(1))


def test_metrics_expose_requests_and_the_index(client: TestClient) -> None:
    client.get("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'vraagbaak_requests_total{method="GET",route="/healthz",status="200"} 1.0' in text
    assert _metric(text, "vraagbaak_index_chunks") == 6
    assert _metric(text, "vraagbaak_index_documents") == 2


def test_metrics_count_questions_and_abstentions(client: TestClient) -> None:
    assert ask(client, CSG_QUESTION)["answerable"] is True
    nonsense = ask(client, NONSENSE)
    assert nonsense["answerable"] is False
    text = client.get("/metrics").text
    assert 'vraagbaak_requests_total{method="POST",route="/ask",status="200"} 2.0' in text
    assert _metric(text, "vraagbaak_questions_total") == 2
    assert _metric(text, "vraagbaak_unanswerable_total") == 1
    reason = nonsense["reason"]["code"]
    assert _metric(text, f'vraagbaak_unanswerable_by_reason_total{{reason="{reason}"}}') == 1


def test_chat_page_is_served(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    for needle in ('id="question"', 'id="ask"', 'id="results"', 'aria-live="polite"'):
        assert needle in page
    assert '<label for="question">Uw vraag</label>' in page
    assert '<html lang="nl">' in page
    # self-contained, and nothing untrusted is parsed as HTML
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "<script src" not in page
    assert "innerHTML" not in page and "insertAdjacentHTML" not in page


def test_docs_page(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert "openapi.json" in response.text


def test_openapi_schema(client: TestClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert {"/ask", "/search", "/documents", "/reindex", "/healthz", "/readyz"} <= set(
        spec["paths"]
    )
    ask_params = spec["paths"]["/ask"]["post"].get("parameters", [])
    assert ask_params == []  # the service is a dependency, not a query parameter


# -- concurrency -----------------------------------------------------------------------------
class GatedEmbedder(FakeEmbedder):
    """The fake embedder whose passage embedding waits for a signal (a reindex in progress)."""

    def __init__(self) -> None:
        super().__init__()
        self.embedding = threading.Event()
        self.release = threading.Event()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.embedding.set()
        self.release.wait(30)
        return super().embed_passages(texts)


def test_questions_are_answered_while_a_reindex_runs(admin_settings: Settings) -> None:
    embedder = GatedEmbedder()
    with TestClient(create_app(admin_settings, embedder=embedder)) as client:
        old = client.get("/readyz").json()["index_version"]
        with (admin_settings.corpus_dir / "notitie-b.txt").open("a", encoding="utf-8") as fh:
            fh.write("\nHoofdstuk II Toezicht\n\nDe inspectie bezocht alle locaties in 2019.\n")
        assert client.post("/reindex", headers=AUTH).status_code == 202
        assert embedder.embedding.wait(30), "the reindex never reached the embedder"
        assert client.get("/reindex").json()["running"] is True

        questions = [CSG_QUESTION, NONSENSE, REPORT_C_QUESTION, "opvang mensenhandel"] * 5
        with ThreadPoolExecutor(max_workers=8) as pool:
            during = list(pool.map(lambda q: post_raw(client, "/ask", {"question": q}), questions))
            # all 20 were answered mid-reindex
            assert service_of(client).reindexer.status.running is True
            embedder.release.set()
            wait_for_reindex(client)
            after = list(pool.map(lambda q: post_raw(client, "/ask", {"question": q}), questions))

        assert [r.status_code for r in during + after] == [200] * 40
        assert {r.json()["index_version"] for r in during} == {old}
        new = client.get("/readyz").json()["index_version"]
        assert new != old
        assert {r.json()["index_version"] for r in after} == {new}


def test_the_chat_page_takes_the_question_limit_from_the_settings(
    make_settings: SettingsFactory,
) -> None:
    with TestClient(create_app(make_settings(max_question_chars="300"))) as client:
        page = client.get("/").text
    assert 'id="question" name="question" rows="3" maxlength="300"' in page
    assert "input.maxLength" in page  # the script's counter reads the same limit


def test_reindex_while_another_process_holds_the_lock_is_409(
    admin_client: TestClient, admin_settings: Settings, tmp_path: Path
) -> None:
    with layout.reindex_lock(admin_settings.index_dir):  # as `vraagbaak ingest` would
        response = admin_client.post("/reindex", headers=AUTH)
    assert response.status_code == 409, response.text
    assert code_of(response) == "reindex_busy"
    assert "vraagbaak ingest" in response.json()["detail"]
    assert str(tmp_path) not in response.text
    assert admin_client.get("/reindex").json()["started_at"] is None  # nothing started
    assert admin_client.post("/reindex", headers=AUTH).status_code == 202  # free again
    wait_for_reindex(admin_client)

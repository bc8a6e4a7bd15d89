"""The HTTP error contract: one body shape, one list of codes, the same code for the same
condition on every endpoint, declared in the OpenAPI schema; typed admin and ops responses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api import create_app
from app.errors import ErrorCode
from tests.app.conftest import AUTH, SettingsFactory, code_of, detail_of, wait_for_reindex
from vraagbaak.settings import Settings

ERROR_STATUSES = {"400", "401", "403", "404", "409", "413", "415", "422", "503"}


@pytest.mark.parametrize("blank", ["", " ", " \t\n ", "\u00a0\u2003"])
def test_a_blank_question_is_invalid_question_on_ask_and_search(
    client: TestClient, blank: str
) -> None:
    asked = client.post("/ask", json={"question": blank})
    searched = client.get("/search", params={"q": blank})
    assert (asked.status_code, searched.status_code) == (422, 422)
    assert asked.json() == searched.json()
    assert code_of(asked) == "invalid_question"
    assert "empty" in detail_of(asked)


def test_the_question_limit_is_the_setting_on_ask_and_search(
    make_settings: SettingsFactory,
) -> None:
    settings = make_settings(max_question_chars="20")
    with TestClient(create_app(settings)) as client:
        for text, status in [("a" * 20, 200), ("a" * 21, 422), ("a" * 10 + " " * 30 + "b", 200)]:
            asked = client.post("/ask", json={"question": text})
            searched = client.get("/search", params={"q": text})
            assert (asked.status_code, searched.status_code) == (status, status), text
            if status == 422:
                assert code_of(asked) == code_of(searched) == "invalid_question"
                assert "the limit is 20" in detail_of(asked)
                assert asked.json() == searched.json()


def test_a_question_limit_above_1000_is_honoured_too(make_settings: SettingsFactory) -> None:
    settings = make_settings(max_question_chars="2000")
    with TestClient(create_app(settings)) as client:
        long = " ".join(["meldcode"] * 180)  # 1619 characters
        assert client.post("/ask", json={"question": long}).status_code == 200
        assert client.get("/search", params={"q": long}).status_code == 200


def test_every_code_is_snake_case_and_documented() -> None:
    doc = ErrorCode.__doc__ or ""
    for code in ErrorCode:
        assert code.value.replace("_", "").isalpha() and code.value.islower(), code
        assert f"``{code.value}``" in doc, f"{code.value} is not documented in ErrorCode"


def _admin_errors(client: TestClient) -> list[Any]:
    files = {"file": ("x.txt", b"Een korte tekst.", "text/plain")}
    return [
        client.post("/documents", files=files),  # 401
        client.post("/documents", files=files, headers={"Authorization": "Bearer nee"}),  # 403
        client.delete("/documents/0123456789abcdef", headers=AUTH),  # 404
        client.post("/documents", files={"file": ("x.docx", b"PK", "x")}, headers=AUTH),  # 415
    ]


def test_every_error_is_the_error_model(admin_client: TestClient) -> None:
    responses = [
        *_admin_errors(admin_client),
        admin_client.post("/ask", json={"question": 5}),
        admin_client.get("/search", params={"q": "x", "top_k": 0}),
        admin_client.get("/nergens"),
        admin_client.put("/ask"),
    ]
    codes = [code_of(r) for r in responses]  # code_of checks the shape
    assert [r.status_code for r in responses] == [401, 403, 404, 415, 422, 422, 404, 405]
    assert codes == [
        "missing_token",
        "wrong_token",
        "document_not_found",
        "unsupported_file",
        "invalid_request",
        "invalid_request",
        "not_found",
        "method_not_allowed",
    ]


def test_the_openapi_schema_declares_the_error_model(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    declared: set[str] = set()
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            for status, response in op["responses"].items():
                if status[0] not in "45":
                    continue
                declared.add(status)
                schema = response["content"]["application/json"]["schema"]
                # the OpenAI protocol under /v1 has its own error object
                body = "OpenAIErrorBody" if path.startswith("/v1/") else "ErrorBody"
                assert schema == {"$ref": f"#/components/schemas/{body}"}, (path, method)
    assert declared >= ERROR_STATUSES
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    codes = spec["components"]["schemas"]["ErrorCode"]["enum"]
    assert set(codes) == {c.value for c in ErrorCode}
    ask_errors = spec["paths"]["/ask"]["post"]["responses"]
    assert {"422", "503"} <= set(ask_errors)


def _schema_ref(spec: dict[str, Any], path: str, method: str, status: str) -> str:
    content = spec["paths"][path][method]["responses"][status]["content"]
    return str(content["application/json"]["schema"].get("$ref", "")).rsplit("/", 1)[-1]


def test_admin_and_ops_responses_are_typed(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert _schema_ref(spec, "/documents", "post", "202") == "UploadResponse"
    assert _schema_ref(spec, "/documents/{document_id}", "delete", "202") == "DeleteResponse"
    assert _schema_ref(spec, "/reindex", "post", "202") == "ReindexStarted"
    assert _schema_ref(spec, "/reindex", "get", "200") == "ReindexStatusInfo"
    assert _schema_ref(spec, "/readyz", "get", "200") == "Readiness"


def _iso(value: Any) -> datetime:
    assert isinstance(value, str), value
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, value
    return parsed


def test_every_timestamp_is_iso_8601(admin_client: TestClient) -> None:
    assert admin_client.post("/reindex", headers=AUTH).status_code == 202
    status = wait_for_reindex(admin_client)
    assert _iso(status["finished_at"]) >= _iso(status["started_at"])
    for doc in admin_client.get("/documents").json():
        _iso(doc["indexed_at"])


def test_readyz_before_an_index_is_the_error_model(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert code_of(response) == "index_not_ready"
        assert code_of(client.get("/search", params={"q": "x"})) == "index_not_ready"

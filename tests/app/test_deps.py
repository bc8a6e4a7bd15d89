"""The dependencies: the admin token (a secret, compared in constant time, a bearer scheme in
the OpenAPI schema) and replacing what the lifespan loaded through dependency_overrides."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from app import deps
from app.api import create_app
from qa import ReadyIndex
from tests.app.conftest import ADMIN_TOKEN, AUTH, code_of, service_of
from vraagbaak.settings import Settings


def _admin_calls(client: TestClient, headers: dict[str, str]) -> list[Any]:
    files = {"file": ("x.txt", b"Een korte tekst over niets in het bijzonder.", "text/plain")}
    return [
        client.post("/documents", files=files, headers=headers),
        client.delete("/documents/0000000000000000", headers=headers),
        client.post("/reindex", headers=headers),
    ]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": ADMIN_TOKEN}, {"Authorization": "Basic czNjcmV0"}],
    ids=["none", "no-scheme", "basic"],
)
def test_no_bearer_token_is_401_with_www_authenticate(
    admin_client: TestClient, headers: dict[str, str]
) -> None:
    for response in _admin_calls(admin_client, headers):
        assert response.status_code == 401, response.text
        assert response.headers["www-authenticate"] == "Bearer"
        assert code_of(response) == "missing_token"


def test_a_wrong_token_and_a_disabled_admin_are_403(
    admin_client: TestClient, client: TestClient
) -> None:
    for response in _admin_calls(admin_client, {"Authorization": "Bearer wrong"}):
        assert response.status_code == 403 and code_of(response) == "wrong_token"
        assert "www-authenticate" not in response.headers
    for response in _admin_calls(client, AUTH):
        assert response.status_code == 403 and code_of(response) == "admin_disabled"


def test_the_admin_token_is_a_secret(admin_settings: Settings) -> None:
    assert isinstance(admin_settings.admin_token, SecretStr)
    assert ADMIN_TOKEN not in repr(admin_settings) and ADMIN_TOKEN not in str(admin_settings)


def test_the_token_is_compared_in_constant_time(
    admin_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    compared: list[tuple[Any, Any]] = []
    real = secrets.compare_digest

    def spy(a: Any, b: Any) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(deps.secrets, "compare_digest", spy)
    assert admin_client.post("/reindex", headers={"Authorization": "Bearer nee"}).status_code == 403
    assert admin_client.post("/reindex", headers=AUTH).status_code == 202
    assert compared == [(b"nee", ADMIN_TOKEN.encode()), (ADMIN_TOKEN.encode(),) * 2]
    service_of(admin_client).reindexer.wait(30)


def test_the_openapi_schema_declares_the_bearer_scheme(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes == {
        "AdminToken": {
            "type": "http",
            "scheme": "bearer",
            "description": "VRAAGBAAK_ADMIN_TOKEN, for upload, delete and starting a reindex",
        }
    }
    secured = {
        (path, method)
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if op.get("security") == [{"AdminToken": []}]
    }
    assert secured == {
        ("/documents", "post"),
        ("/documents/{document_id}", "delete"),
        ("/reindex", "post"),
    }


class NoIndex:
    """A holder with nothing loaded."""

    def current(self) -> ReadyIndex:
        from vraagbaak.errors import IndexNotBuiltError

        raise IndexNotBuiltError("no index in this test")

    def documents(self) -> list[Any]:
        return []


def test_a_dependency_is_replaced_through_dependency_overrides(built_index: Settings) -> None:
    app = create_app(built_index)
    with TestClient(app) as client:
        assert client.get("/readyz").status_code == 200
        app.dependency_overrides[deps.get_holder] = NoIndex
        response = client.get("/readyz")
        assert response.status_code == 503 and code_of(response) == "index_not_ready"
        assert client.get("/documents").json() == []
        app.dependency_overrides.clear()
        assert client.get("/readyz").status_code == 200


def test_the_lifespan_loads_the_service_once(built_index: Settings) -> None:
    app: FastAPI = create_app(built_index)
    with TestClient(app) as client:
        service = service_of(client)
        for _ in range(3):
            client.post("/ask", json={"question": "Hoeveel Centra Seksueel Geweld zijn er?"})
        assert service_of(client) is service
        assert service.holder.loaded is not None

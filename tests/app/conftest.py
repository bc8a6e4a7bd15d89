"""Fixtures of the service tests: the real app on the fake-embedder index, admin settings."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any, cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pypdf import PdfWriter
from pypdf.constants import PageLabelStyle

from app.api import create_app
from app.errors import ErrorCode
from app.service import Service
from index.builder import reindex
from index.embedders import FakeEmbedder
from tests.ingest.conftest import build_pdf
from vraagbaak.settings import Settings, get_settings

ADMIN_TOKEN = "s3cret"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
SettingsFactory = Callable[..., Settings]


# a report whose printed page numbers are not its physical pages: i, 12, 13 on pages 1, 2, 3
PRINTED_PAGES = [
    ["Hoofdstuk 1 Opvang", "De opvang voor slachtoffers telde in 2019 ruim 412 plaatsen."],
    ["Hoofdstuk 2 Nazorg", "Na de opvang volgt begeleiding naar zelfstandig wonen."],
    ["2.1 Wonen", "Gemeenten zoeken woningen voor de vrouwen die de opvang verlaten."],
]


def printed_pages_pdf() -> bytes:
    """A three-page PDF numbered i, 12, 13 (its own page labels), one section per page."""
    writer = PdfWriter(clone_from=io.BytesIO(build_pdf(PRINTED_PAGES)))
    writer.set_page_label(0, 0, PageLabelStyle.LOWERCASE_ROMAN, start=1)
    writer.set_page_label(1, 2, PageLabelStyle.DECIMAL, start=12)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def service_of(client: TestClient) -> Service:
    """The service the app started in its lifespan."""
    return cast(Service, cast(FastAPI, client.app).state.service)


def wait_for_reindex(client: TestClient, timeout: float = 60.0) -> dict[str, Any]:
    """Block until the background reindex is done; its status as GET /reindex reports it."""
    assert service_of(client).reindexer.wait(timeout), "the reindex did not end in time"
    status = cast(dict[str, Any], client.get("/reindex").json())
    assert status["running"] is False, status
    return status


def detail_of(response: Any) -> str:
    """The detail of an error response, checked to be in the one error shape."""
    body = response.json()
    assert set(body) == {"code", "detail"}, body
    assert body["code"] in set(ErrorCode), body
    assert isinstance(body["detail"], str) and body["detail"], body
    return str(body["detail"])


def code_of(response: Any) -> str:
    detail_of(response)
    return str(response.json()["code"])


def index_state(client: TestClient, settings: Settings) -> tuple[Any, ...]:
    """What must not change after a rejected upload."""
    return (
        client.get("/readyz").json()["index_version"],
        client.get("/documents").json(),
        sorted(p.name for p in settings.corpus_dir.iterdir()),
        client.get("/reindex").json()["started_at"],
    )


@pytest.fixture
def make_settings(built_index: Settings, monkeypatch: pytest.MonkeyPatch) -> SettingsFactory:
    """``make_settings(admin_token="s3cret", max_file_mb="0.001")``: fresh Settings from env.

    The autouse fixture of tests/conftest.py already points the data and corpus folders at
    tmp_path; the extra values are set as VRAAGBAAK_* variables, so they read as in production.
    """

    def make(**env: str) -> Settings:
        for key, value in env.items():
            monkeypatch.setenv(f"VRAAGBAAK_{key.upper()}", value)
        get_settings.cache_clear()
        return get_settings()  # a fresh Settings() read from the environment

    return make


@pytest.fixture
def client(built_index: Settings) -> Iterator[TestClient]:
    """The app serving the two small reports; admin endpoints disabled (no token)."""
    with TestClient(create_app(built_index)) as c:
        yield c


@pytest.fixture
def admin_settings(make_settings: SettingsFactory) -> Settings:
    return make_settings(admin_token=ADMIN_TOKEN)


@pytest.fixture
def admin_client(admin_settings: Settings) -> Iterator[TestClient]:
    """The app with VRAAGBAAK_ADMIN_TOKEN set; send ``headers=AUTH``."""
    with TestClient(create_app(admin_settings)) as c:
        yield c


@pytest.fixture
def printed_client(built_index: Settings) -> Iterator[TestClient]:
    """The app serving the two small reports and a PDF printed i, 12, 13 on its pages 1-3."""
    (built_index.corpus_dir / "gedrukt.pdf").write_bytes(printed_pages_pdf())
    reindex(built_index, FakeEmbedder())
    with TestClient(create_app(built_index)) as c:
        yield c

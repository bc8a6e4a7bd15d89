"""Fixtures of the service tests: the real app on the fake-embedder index, admin settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.api import create_app
from app.engine import Engine
from vraagbaak.settings import Settings, get_settings

ADMIN_TOKEN = "s3cret"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
SettingsFactory = Callable[..., Settings]


def engine_of(client: TestClient) -> Engine:
    """The engine the app built in its lifespan."""
    return cast(Engine, cast(FastAPI, client.app).state.engine)


def wait_for_reindex(client: TestClient, timeout: float = 60.0) -> dict[str, Any]:
    """Block until the background reindex is done; its status as GET /reindex reports it."""
    engine_of(client).wait_for_reindex(timeout)
    status = cast(dict[str, Any], client.get("/reindex").json())
    assert status["running"] is False, status
    return status


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

"""Uploads: bad names refused, the size limit enforced while the body arrives, the copy into
the corpus atomic; whatever is refused, nothing already indexed is lost."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.api import create_app
from app.uploads import upload_name
from ingest.pipeline import iter_report_files
from tests.app.conftest import AUTH, SettingsFactory, code_of, index_state, wait_for_reindex
from vraagbaak.settings import Settings

REPORT = b"Inleiding\n\nDeze notitie gaat over de opvang van slachtoffers in 2020.\n"
BOUNDARY = "vraagbaak-test-boundary"


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(".hidden.txt", id="leading-dot"),
        pytest.param("..txt", id="dots"),
        pytest.param("..", id="parent"),
        pytest.param("***", id="empty-after-sanitising"),
        pytest.param("   ", id="blank"),
        pytest.param("../buiten.txt", id="parent-path"),
        pytest.param("sub/rapport.txt", id="folder"),
        pytest.param("r" * 250 + ".txt", id="too-long"),
    ],
)
def test_a_bad_file_name_is_refused_and_nothing_changes(
    admin_client: TestClient, admin_settings: Settings, name: str
) -> None:
    before = index_state(admin_client, admin_settings)
    files = {"file": (name, REPORT, "text/plain")}
    response = admin_client.post("/documents", files=files, headers=AUTH)
    assert response.status_code == 400, response.text
    assert code_of(response) == "invalid_file_name"
    assert "rename the file" in response.json()["detail"]
    assert index_state(admin_client, admin_settings) == before
    assert sorted(p.name for p in admin_settings.corpus_dir.parent.iterdir()) == [
        "corpus",
        "data",
    ]  # nothing written next to the corpus either


def test_good_names_are_kept_and_odd_characters_replaced() -> None:
    assert upload_name("Jaarverslag 2019 (def).pdf") == "Jaarverslag 2019 _def_.pdf"
    assert upload_name("rapport-é.txt") == "rapport-é.txt"  # \w is Unicode


def test_the_upload_reaches_the_corpus_in_one_rename(
    admin_client: TestClient, admin_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = admin_settings.corpus_dir
    renames: list[tuple[Path, Path, bytes, list[Path]]] = []
    real_replace = os.replace

    def spy(src: Any, dst: Any) -> None:
        if Path(dst).parent == corpus:  # what a reindex running now would see
            renames.append(
                (Path(src), Path(dst), Path(src).read_bytes(), [*iter_report_files(corpus)])
            )
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    files = {"file": ("notitie-c.txt", REPORT, "text/plain")}
    response = admin_client.post("/documents", files=files, headers=AUTH)
    assert response.status_code == 202, response.text
    [(src, dst, data, visible)] = renames
    assert dst == corpus / "notitie-c.txt"
    assert src.parent == corpus and src.name.startswith(".")  # staged beside it, hidden
    assert data == REPORT  # complete before it gets its name
    assert dst not in visible and src not in visible  # the indexer saw neither before
    assert not [p for p in corpus.iterdir() if p.name.startswith(".")]  # no staging left
    wait_for_reindex(admin_client)
    assert "Notitie c" in {d["title"] for d in admin_client.get("/documents").json()}


def test_a_rejected_upload_leaves_no_staging_file(
    admin_client: TestClient, admin_settings: Settings
) -> None:
    before = index_state(admin_client, admin_settings)
    files = {"file": ("kapot.pdf", b"%PDF-1.4 garbage", "application/pdf")}
    assert admin_client.post("/documents", files=files, headers=AUTH).status_code == 400
    assert index_state(admin_client, admin_settings) == before  # the corpus listing included


# -- the size limit, while the body arrives -----------------------------------------------
class Body:
    """A multipart upload sent in ``chunks`` pieces; counts the pieces the server pulled."""

    def __init__(self, chunks: int, chunk_size: int) -> None:
        self.head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            'filename="groot.txt"\r\nContent-Type: text/plain\r\n\r\n'
        ).encode()
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.chunks = chunks
        self.chunk = b"Een zin over de opvang. " * (chunk_size // 24)
        self.pulled = 0

    @property
    def length(self) -> int:
        return len(self.head) + self.chunks * len(self.chunk) + len(self.tail)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.head
        for _ in range(self.chunks):
            self.pulled += 1
            yield self.chunk
        yield self.tail


def post_streamed(app: FastAPI, body: Body, declare_length: bool) -> httpx.Response:
    headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}", **AUTH}
    if declare_length:
        headers["Content-Length"] = str(body.length)

    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)  # pulls the body piece by piece
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.post("/documents", content=body, headers=headers)

    return asyncio.run(send())


@pytest.fixture
def small_limit(make_settings: SettingsFactory) -> Iterator[tuple[FastAPI, TestClient, Settings]]:
    settings = make_settings(admin_token="s3cret", max_file_mb="0.001")  # 1048 bytes
    app = create_app(settings)
    with TestClient(app) as client:  # the lifespan runs; requests go through post_streamed
        yield app, client, settings


def test_a_declared_length_over_the_limit_is_refused_before_reading(
    small_limit: tuple[FastAPI, TestClient, Settings],
) -> None:
    app, client, settings = small_limit
    before = index_state(client, settings)
    body = Body(chunks=40, chunk_size=16 * 1024)  # 640 KiB
    response = post_streamed(app, body, declare_length=True)
    assert body.pulled == 0  # not a byte of the file was read
    assert response.status_code == 413, response.text
    assert code_of(response) == "file_too_large"
    assert "0.001 MB" in response.json()["detail"]
    assert index_state(client, settings) == before


def test_a_body_without_length_is_cut_off_once_over_the_limit(
    small_limit: tuple[FastAPI, TestClient, Settings],
) -> None:
    app, client, settings = small_limit
    before = index_state(client, settings)
    body = Body(chunks=40, chunk_size=16 * 1024)
    response = post_streamed(app, body, declare_length=False)
    # the limit with the multipart allowance is 1048 + 64 KiB: passed in the 5th piece
    assert body.pulled == 5, body.pulled
    assert response.status_code == 413, response.text
    assert code_of(response) == "file_too_large"
    assert index_state(client, settings) == before


def test_an_upload_just_over_the_file_limit_is_still_refused(
    small_limit: tuple[FastAPI, TestClient, Settings],
) -> None:
    app, client, settings = small_limit
    before = index_state(client, settings)
    body = Body(chunks=1, chunk_size=2048)  # within the multipart allowance, over the file limit
    response = post_streamed(app, body, declare_length=True)
    assert response.status_code == 413, response.text
    assert "groot.txt" in response.json()["detail"]
    assert index_state(client, settings) == before


def test_an_upload_within_the_limit_streams_in(
    small_limit: tuple[FastAPI, TestClient, Settings],
) -> None:
    app, client, _ = small_limit
    body = Body(chunks=2, chunk_size=480)
    response = post_streamed(app, body, declare_length=False)
    assert response.status_code == 202, response.text
    wait_for_reindex(client)

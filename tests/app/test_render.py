"""No response shows a path of the server's file system: a report is named relative to the
corpus folder (or, indexed from elsewhere, by its file name), messages name no folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from app.api import create_app
from app.errors import hide_paths
from index.builder import reindex
from index.embedders import FakeEmbedder
from tests.app.conftest import AUTH, code_of, wait_for_reindex
from vraagbaak.settings import Settings

CSG_QUESTION = "Hoeveel Centra Seksueel Geweld zijn er?"
REPORT_C = """Inleiding

Deze rapportage gaat over de jeugdbescherming in 2019. In 2019 stonden ruim 41.000 kinderen
onder toezicht van een gecertificeerde instelling voor jeugdbescherming.
"""
ELSEWHERE = """Inleiding

Deze losse notitie gaat over de wachtlijsten bij Veilig Thuis in de regio Utrecht.
"""


def _server_paths(tmp_path: Path) -> set[str]:
    return {str(tmp_path), str(tmp_path.resolve())}


def _assert_no_server_path(texts: list[str], tmp_path: Path) -> None:
    for text in texts:
        for path in _server_paths(tmp_path):
            assert path not in text, text


def test_no_response_shows_a_server_path(
    admin_client: TestClient, admin_settings: Settings, tmp_path: Path
) -> None:
    assert admin_settings.corpus_dir.is_absolute()  # the corpus folder given as absolute path
    shown: list[Any] = []

    def keep(response: Any) -> Any:
        shown.append(response)
        return response

    keep(admin_client.get("/readyz"))
    keep(admin_client.post("/ask", json={"question": CSG_QUESTION}))
    keep(admin_client.get("/search", params={"q": "Centra Seksueel Geweld"}))
    keep(admin_client.get("/documents"))
    files = {"file": ("jeugd.txt", REPORT_C.encode(), "text/plain")}
    uploaded = keep(admin_client.post("/documents", files=files, headers=AUTH))
    assert uploaded.status_code == 202, uploaded.text
    assert uploaded.json()["stored_as"] == "jeugd.txt"
    wait_for_reindex(admin_client)
    keep(admin_client.get("/reindex"))
    keep(admin_client.get("/documents"))
    doc_id = uploaded.json()["document_id"]
    removed = keep(admin_client.delete(f"/documents/{doc_id}", headers=AUTH))
    assert removed.status_code == 202, removed.text
    assert removed.json()["removed"] == "jeugd.txt"
    assert not (admin_settings.corpus_dir / "jeugd.txt").exists()
    wait_for_reindex(admin_client)
    keep(admin_client.get("/reindex"))
    keep(admin_client.delete(f"/documents/{doc_id}", headers=AUTH))
    for name, data in [("kapot.pdf", b"%PDF-1.4 garbage"), ("leeg.txt", b""), ("x.docx", b"PK")]:
        files = {"file": (name, data, "application/octet-stream")}
        assert keep(admin_client.post("/documents", files=files, headers=AUTH)).status_code >= 400
    assert [r.status_code for r in shown].count(200) >= 7
    _assert_no_server_path([r.text for r in shown], tmp_path)
    citation = shown[1].json()["passages"][0]["citation"]
    assert citation["source"] == "rapport-a.txt"


def test_not_ready_messages_show_no_server_path(settings: Settings, tmp_path: Path) -> None:
    with TestClient(create_app(settings)) as client:
        responses = [
            client.get("/readyz"),
            client.post("/ask", json={"question": CSG_QUESTION}),
            client.get("/search", params={"q": "x"}),
        ]
    assert [r.status_code for r in responses] == [503] * 3
    assert {code_of(r) for r in responses} == {"index_not_ready"}
    _assert_no_server_path([r.text for r in responses], tmp_path)


def test_a_report_from_outside_the_corpus_is_shown_by_its_file_name(
    admin_settings: Settings, tmp_path: Path
) -> None:
    outside = tmp_path / "elders" / "losse-notitie.txt"
    outside.parent.mkdir()
    outside.write_text(ELSEWHERE, encoding="utf-8")
    reindex(admin_settings, FakeEmbedder(), paths=[admin_settings.corpus_dir, outside])
    with TestClient(create_app(admin_settings)) as client:
        docs = {d["title"]: d for d in client.get("/documents").json()}
        assert docs["Losse notitie"]["source"] == "losse-notitie.txt"
        body = client.post(
            "/ask", json={"question": "Hoe lang zijn de wachtlijsten bij Veilig Thuis in Utrecht?"}
        ).json()
        sources = {p["citation"]["source"] for p in body["passages"]}
        assert "losse-notitie.txt" in sources
        response = client.delete(f"/documents/{docs['Losse notitie']['id']}", headers=AUTH)
        assert response.status_code == 404 and code_of(response) == "document_not_found"
        assert "not in the corpus folder" in response.json()["detail"]
        assert outside.exists()  # the service removes files of its corpus only
        _assert_no_server_path([response.text, str(docs), str(body)], tmp_path)


def test_hide_paths_names_files_relative_to_the_corpus(tmp_path: Path) -> None:
    corpus, data = tmp_path / "corpus", tmp_path / "data"
    text = f"{corpus}/sub/a.pdf: unreadable; lock held on {data}/index; see {corpus}"
    assert hide_paths(text, corpus, data) == (
        "sub/a.pdf: unreadable; lock held on the data folder/index; see the corpus folder"
    )
    nested = tmp_path / "data" / "corpus"
    assert hide_paths(f"{nested}/a.txt in {data}", nested, data) == "a.txt in the data folder"

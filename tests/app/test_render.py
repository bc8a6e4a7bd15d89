"""Rendering results: the pages of a citation (physical, with the printed number where it
differs), a report's outline from its passages; and no response shows a path of the server's
file system: a report is named relative to the corpus folder (or, indexed from elsewhere, by
its file name), messages name no folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api import create_app
from app.errors import hide_paths
from app.render import citation, outline, page_reference
from index.builder import reindex
from index.embedders import FakeEmbedder
from ingest.models import Chunk
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


# -- pages of a citation ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("pages", "shown"),
    [
        pytest.param((14, 14, "12", "12"), "p. 14 (gedrukt 12)", id="printed-differs"),
        pytest.param((14, 15, "12", "13"), "p. 14–15 (gedrukt 12–13)", id="range"),
        pytest.param((3, 3, "3", "3"), "p. 3", id="printed-is-physical"),
        pytest.param((3, 4, "3", "4"), "p. 3–4", id="range-printed-is-physical"),
        pytest.param((7, 7, "", ""), "p. 7", id="unknown"),
        pytest.param((1, 2, "ii", "1"), "p. 1–2 (gedrukt ii–1)", id="roman-then-arabic"),
        pytest.param((5, 6, "3", ""), "p. 5–6 (gedrukt 3–?)", id="one-end-unknown"),
        pytest.param((9, 9, "", "7"), "p. 9 (gedrukt ?–7)", id="start-unknown"),
        pytest.param((None, None, "", ""), "", id="no-page"),
        pytest.param((4, None, "2", ""), "p. 4 (gedrukt 2–?)", id="no-end"),
    ],
)
def test_page_reference(pages: tuple[Any, Any, str, str], shown: str) -> None:
    assert page_reference(*pages) == shown


def _chunk(
    section: str, start: int, end: int, labels: tuple[str, str] = ("", ""), **kw: Any
) -> Chunk:
    text = kw.pop("text", f"Tekst over {section}.")
    char_start = kw.pop("char_start", 0)
    return Chunk(
        id=f"c{char_start}",
        document_id="d" * 16,
        text=text,
        section=section,
        page_start=start,
        page_end=end,
        page_inferred=False,
        char_start=char_start,
        char_end=char_start + len(text),
        lang="nl",
        title="Rapport",
        source="rapport.pdf",
        label_start=labels[0],
        label_end=labels[1],
        **kw,
    )


def test_a_citation_carries_the_printed_pages_and_ocr() -> None:
    c = citation(_chunk("H1", 14, 15, ("12", "13"), ocr=True))
    assert (c.page_start, c.page_end, c.label_start, c.label_end) == (14, 15, "12", "13")
    assert c.pages_text == "p. 14–15 (gedrukt 12–13)" and c.ocr is True
    plain = citation(_chunk("H1", 2, 2))
    assert (plain.label_start, plain.label_end, plain.ocr) == (None, None, False)
    assert plain.pages_text == "p. 2"


def test_the_outline_spans_each_sections_passages_and_subsections() -> None:
    h1, h2 = "Hoofdstuk 1 Inleiding", "Hoofdstuk 2 Opvang"
    chunks = [  # given out of order: the outline follows the text
        _chunk(f"{h2} > 2.2 Nazorg", 7, 8, ("5", "6"), char_start=400),
        _chunk(h1, 1, 2, ("i", "ii"), char_start=0),
        _chunk(h1, 2, 3, ("ii", ""), char_start=100),  # page 3 has no printed number
        _chunk(f"{h2} > 2.1 Plaatsen", 4, 6, ("2", "4"), char_start=200),
        _chunk(f"{h2} > 2.1 Plaatsen", 6, 6, ("4", "4"), char_start=300),
    ]
    found = [
        (s.section, s.heading, s.level, s.page_start, s.page_end, s.label_start, s.label_end)
        for s in outline(chunks)
    ]
    assert found == [
        (h1, h1, 1, 1, 3, "i", None),
        (h2, h2, 1, 4, 8, "2", "6"),
        (f"{h2} > 2.1 Plaatsen", "2.1 Plaatsen", 2, 4, 6, "2", "4"),
        (f"{h2} > 2.2 Nazorg", "2.2 Nazorg", 2, 7, 8, "5", "6"),
    ]
    assert [s.passages for s in outline(chunks)] == [2, 0, 2, 1]
    assert outline([]) == []

"""Reports over the API: a new edition replaces the old one entirely, the same file again
changes nothing, the same content under another name is refused as a duplicate; a scan is
refused with its reason, or read by OCR; one report with its outline."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from index.embedders import FakeEmbedder
from index.passages import dense_units
from tests.app.conftest import (
    AUTH,
    code_of,
    index_state,
    service_of,
    wait_for_reindex,
)
from tests.conftest import REPORT_A, REPORT_B
from tests.ingest.test_ocr import needs_tesseract
from vraagbaak.settings import Settings

REPORT = """Inleiding

Deze notitie gaat over de meldingen van huiselijk geweld in de regio Utrecht.

Hoofdstuk 1 Meldingen

In 2019 ontving Veilig Thuis in de regio 412 meldingen van huiselijk geweld.
"""
CORRECTED = REPORT.replace("412", "437")  # the revised edition: a corrected figure
FIGURE_QUESTION = "Hoeveel meldingen ontving Veilig Thuis in de regio in 2019?"
LISTED = {"id", "title", "source", "pages", "chunks", "sha256", "indexed_at"}


def upload(client: TestClient, name: str, data: bytes) -> Any:
    return client.post("/documents", files={"file": (name, data, "text/plain")}, headers=AUTH)


def ids_by_source(client: TestClient) -> dict[str, str]:
    return {d["source"]: d["id"] for d in client.get("/documents").json()}


# -- new editions ----------------------------------------------------------------------------
def test_a_new_edition_replaces_the_old_one_entirely(admin_client: TestClient) -> None:
    first = upload(admin_client, "meldingen.txt", REPORT.encode())
    assert first.status_code == 202, first.text
    assert first.json()["status"] == "added" and first.json()["replaces"] is None
    wait_for_reindex(admin_client)
    old_id = first.json()["document_id"]
    old = service_of(admin_client).holder.current().searcher.snapshot.passages_of(old_id)
    assert any("412 meldingen" in c.text for c in old)

    second = upload(admin_client, "meldingen.txt", CORRECTED.encode())
    assert second.status_code == 202, second.text
    body = second.json()
    assert body["status"] == "replaced" and body["replaces"] == old_id
    assert body["document_id"] != old_id and body["reindex"] == "started"
    status = wait_for_reindex(admin_client)
    assert status["ok"] is True
    assert status["report"]["replaced"] == ["meldingen.txt"]
    assert status["report"]["replaced_ids"] == {"meldingen.txt": old_id}

    assert ids_by_source(admin_client)["meldingen.txt"] == body["document_id"]
    assert old_id not in ids_by_source(admin_client).values()
    assert code_of(admin_client.get(f"/documents/{old_id}")) == "document_not_found"
    # the corrected figure is found, the old one is not
    found = admin_client.get("/search", params={"q": FIGURE_QUESTION}).json()
    assert "437 meldingen" in found["passages"][0]["text"]
    answer = admin_client.post("/ask", json={"question": FIGURE_QUESTION}).json()
    assert "437" in answer["answer"]["text"]
    everything = admin_client.get("/search", params={"q": "412 meldingen", "top_k": 50}).json()
    assert not any("412" in p["text"] for p in everything["passages"])
    # no passage of the old edition is left, on the lexical side or the dense side
    snapshot = service_of(admin_client).holder.current().searcher.snapshot
    assert not {c.id for c in old} & {c.id for c in snapshot.chunks}
    assert snapshot.lexical.scores("412").max() == 0
    assert len(snapshot.store) == len(snapshot.owners)
    assert int(snapshot.owners.max()) < len(snapshot.chunks)
    served = set(dense_units(snapshot.chunks)[0])
    gone = [t for t in dense_units(old)[0] if t not in served]
    scores, _ = snapshot.store.search(FakeEmbedder().embed_passages(gone), 1)
    assert float(scores.max()) < 0.999  # the fake embedder's vectors are exact


def test_the_same_file_again_changes_nothing(
    admin_client: TestClient, admin_settings: Settings
) -> None:
    before = index_state(admin_client, admin_settings)
    response = upload(admin_client, "rapport-a.txt", REPORT_A.encode())
    assert response.status_code == 200, response.text
    assert response.json() == {
        "status": "unchanged",
        "document_id": ids_by_source(admin_client)["rapport-a.txt"],
        "stored_as": "rapport-a.txt",
        "replaces": None,
        "reindex": None,
    }
    assert index_state(admin_client, admin_settings) == before  # no reindex started
    assert service_of(admin_client).reindexer.status.started_at is None
    assert not [p for p in admin_settings.corpus_dir.iterdir() if p.name.startswith(".")]


def test_an_upload_repeated_before_its_reindex_ends_is_unchanged(
    admin_client: TestClient,
) -> None:
    first = upload(admin_client, "meldingen.txt", REPORT.encode())
    again = upload(admin_client, "meldingen.txt", REPORT.encode())  # not served yet, perhaps
    assert first.status_code == 202 and again.status_code == 200, again.text
    assert again.json()["status"] == "unchanged"
    assert again.json()["document_id"] == first.json()["document_id"]
    wait_for_reindex(admin_client)
    assert upload(admin_client, "meldingen.txt", REPORT.encode()).json()["reindex"] is None


# -- duplicates ------------------------------------------------------------------------------
def test_the_same_content_under_another_name_is_a_duplicate(
    admin_client: TestClient, admin_settings: Settings
) -> None:
    before = index_state(admin_client, admin_settings)
    existing = ids_by_source(admin_client)["rapport-a.txt"]
    for name in ("kopie-van-a.txt", "notitie-b.txt"):  # a new name, or another report's
        response = upload(admin_client, name, REPORT_A.encode())
        assert response.status_code == 409, response.text
        assert code_of(response) == "duplicate_report"
        detail = response.json()["detail"]
        assert "'rapport-a.txt'" in detail and existing in detail and "nothing was stored" in detail
        assert index_state(admin_client, admin_settings) == before  # nothing stored or started
    assert (admin_settings.corpus_dir / "notitie-b.txt").read_text() == REPORT_B  # kept


def test_a_removed_report_may_come_back_under_another_name(admin_client: TestClient) -> None:
    old_id = ids_by_source(admin_client)["rapport-a.txt"]
    assert admin_client.delete(f"/documents/{old_id}", headers=AUTH).status_code == 202
    # at once, while the reindex that drops it may still run: its file is gone already
    response = upload(admin_client, "rapport-a-2017.txt", REPORT_A.encode())
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "added"
    wait_for_reindex(admin_client)
    assert ids_by_source(admin_client) == {
        "notitie-b.txt": ids_by_source(admin_client)["notitie-b.txt"],
        "rapport-a-2017.txt": old_id,  # the same content: the same id
    }


# -- one report and its outline --------------------------------------------------------------
def test_a_report_with_its_outline(client: TestClient) -> None:
    listed = {d["source"]: d for d in client.get("/documents").json()}["rapport-a.txt"]
    response = client.get(f"/documents/{listed['id']}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == LISTED | {"outline", "abbreviations"}
    assert {k: body[k] for k in LISTED} == listed
    assert body["abbreviations"] == {"CSG": "Centra Seksueel Geweld"}
    chapter, section = "Hoofdstuk II Integraal beleid", "II.1. Algemeen"
    assert [
        (s["section"], s["heading"], s["level"], s["page_start"], s["page_end"], s["passages"])
        for s in body["outline"]
    ] == [
        ("Inleiding", "Inleiding", 1, 1, 1, 1),
        (chapter, chapter, 1, 1, 1, 0),  # no passage of its own: its section's pages
        (f"{chapter} > {section}", section, 2, 1, 1, 1),
        (f"{chapter} > {section} > II.1.1 Wettelijk kader", "II.1.1 Wettelijk kader", 3, 1, 1, 1),
        ("Hoofdstuk IV Bescherming", "Hoofdstuk IV Bescherming", 1, 2, 2, 0),
        (
            "Hoofdstuk IV Bescherming > IV.2.2 Centra seksueel geweld",
            "IV.2.2 Centra seksueel geweld",
            2,
            2,
            2,
            1,
        ),
    ]
    assert sum(s["passages"] for s in body["outline"]) == listed["chunks"]
    assert all(s["label_start"] is None and s["label_end"] is None for s in body["outline"])


def test_an_unknown_report_is_404(client: TestClient) -> None:
    response = client.get("/documents/0000000000000000")
    assert response.status_code == 404
    assert code_of(response) == "document_not_found"
    assert "GET /documents" in response.json()["detail"]


def test_the_outline_gives_printed_pages_beside_physical_ones(printed_client: TestClient) -> None:
    doc_id = ids_by_source(printed_client)["gedrukt.pdf"]
    outline = printed_client.get(f"/documents/{doc_id}").json()["outline"]
    assert [
        (s["section"], s["page_start"], s["page_end"], s["label_start"], s["label_end"])
        for s in outline
    ] == [
        ("Hoofdstuk 1 Opvang", 1, 1, "i", "i"),
        ("Hoofdstuk 2 Nazorg", 2, 3, "12", "13"),  # with its section 2.1 on page 3
        ("Hoofdstuk 2 Nazorg > 2.1 Wonen", 3, 3, "13", "13"),
    ]


# -- scans -------------------------------------------------------------------------------------
def _scan_pdf() -> bytes:
    """A two-page report as a scanner makes it: page pictures, no text layer."""
    import io

    import pypdfium2

    from tests.ingest.conftest import build_pdf

    lines = [
        [
            "Inleiding",
            "In 2019 ontving Veilig Thuis in de regio 412 meldingen van huiselijk geweld.",
        ],
        ["Hoofdstuk 1 Opvang", "De opvang in de regio telde in 2019 zestig plaatsen voor vrouwen."],
    ]
    pdf = pypdfium2.PdfDocument(build_pdf(lines))
    images = [pdf[i].render(scale=200 / 72).to_pil().convert("L") for i in range(len(pdf))]
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=200, save_all=True, append_images=images[1:])
    return out.getvalue()


def _pdf_upload(client: TestClient, name: str, data: bytes) -> Any:
    return client.post("/documents", files={"file": (name, data, "application/pdf")}, headers=AUTH)


def test_a_scan_is_refused_with_a_reason_when_ocr_is_off(
    make_settings: Any, built_index: Settings
) -> None:
    from app.api import create_app

    settings = make_settings(admin_token="s3cret", ocr="false")
    with TestClient(create_app(settings)) as client:
        before = ids_by_source(client)
        response = _pdf_upload(client, "scan.pdf", _scan_pdf())
        assert response.status_code == 400, response.text
        body = response.json()
        assert body["code"] == "unreadable_file"
        assert "scan" in body["detail"] and "tesseract" in body["detail"]
        assert ids_by_source(client) == before  # nothing lost, nothing added
        assert not (settings.corpus_dir / "scan.pdf").exists()


@needs_tesseract
def test_a_scan_is_read_by_ocr_and_its_passages_say_so(admin_client: TestClient) -> None:
    response = _pdf_upload(admin_client, "scan.pdf", _scan_pdf())
    assert response.status_code == 202, response.text
    wait_for_reindex(admin_client)
    found = admin_client.get("/search", params={"q": "412 meldingen Veilig Thuis"}).json()
    top = found["passages"][0]
    assert "412 meldingen" in top["text"]
    assert top["citation"]["ocr"] is True and top["citation"]["source"] == "scan.pdf"

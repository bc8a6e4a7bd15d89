"""Checking a citation against its source over the API: every citation's link opens a PDF at
the physical page that holds the passage, or the reader view with the passage marked; the
original file is served by id only, from the corpus only, and only while it holds the bytes
that were indexed; old links of removed or replaced reports answer 404."""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, unquote

import lxml.html
import pypdfium2 as pdfium
import pytest
from fastapi.testclient import TestClient

from app.api import create_app
from index import layout
from index.builder import reindex
from index.embedders import FakeEmbedder
from tests.app.conftest import AUTH, code_of, detail_of, service_of, wait_for_reindex
from tests.conftest import GREVIO_REPORT, REPORT_A
from vraagbaak.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
PDF_REPORTS = ("wonen", "jeugdzorg")  # roman front matter; numbered sections, pages 1..17
FILE_LINK = re.compile(r"^/documents/(?P<id>[0-9a-f]{16})/file#page=(?P<page>\d+)(?P<rest>.*)$")
VIEW_LINK = re.compile(r"^/documents/(?P<id>[0-9a-f]{16})/view\?(?P<query>[^#]+)#(?P<anchor>.+)$")
CSG_QUESTION = "Hoeveel Centra Seksueel Geweld zijn er?"
HTML_REPORT = """Inleiding

Over opmaak: <b>vet</b> en <script>window.__xss = 1</script> in een rapport, plus een
<img src=x onerror="window.__xss = 2"> afbeelding & een ampersand.
"""


def questions(path: Path, n: int) -> list[str]:
    """The first ``n`` answerable questions of a question set."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [r["question"] for r in rows if r.get("answer")][:n]


def words(text: str) -> list[str]:
    return [w.casefold() for w in re.findall(r"\w{4,}", text)]


def squeezed(text: str) -> str:
    """Text with white space removed and case folded: how a page's text is compared."""
    return re.sub(r"\s+", "", text).casefold()


def share_on(ws: list[str], page_text: str) -> float:
    return sum(w in page_text for w in ws) / max(1, len(ws))


def ask(client: TestClient, question: str, top_k: int = 5) -> dict[str, Any]:
    response = client.post("/ask", json={"question": question, "top_k": top_k})
    assert response.status_code == 200, response.text
    return cast(dict[str, Any], response.json())


# -- a corpus of two real multi-page PDFs (the fictional test reports), built once -----------
@pytest.fixture(scope="module")
def pdf_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("pdf-reports")
    corpus = root / "corpus"
    corpus.mkdir()
    for name in PDF_REPORTS:
        shutil.copy(ROOT / "eval" / "reports" / f"{name}.pdf", corpus / f"{name}.pdf")
    settings = Settings(
        corpus_dir=corpus, data_dir=root / "data", embedder="fake", background="none"
    )
    reindex(settings, FakeEmbedder())
    return settings


@pytest.fixture
def pdf_client(pdf_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(pdf_settings)) as c:
        yield c


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text (squeezed), extracted by pdfium: another reader than ingest's."""
    doc = pdfium.PdfDocument(io.BytesIO(pdf))
    try:
        return [squeezed(doc[i].get_textpage().get_text_range()) for i in range(len(doc))]
    finally:
        doc.close()


def test_pdf_links_open_the_physical_page_that_holds_the_passage(
    pdf_client: TestClient, pdf_settings: Settings
) -> None:
    files: dict[str, list[str]] = {}
    checked, printed_differs = 0, 0
    for name in PDF_REPORTS:
        for question in questions(ROOT / "eval" / "blind" / f"{name}.jsonl", 8):
            for p in ask(pdf_client, question)["passages"]:
                c = p["citation"]
                link = FILE_LINK.match(c["link"])
                assert link, c["link"]
                assert link["id"] == c["document_id"]
                page = int(link["page"])
                assert page == c["page_start"]  # the physical page, not the printed one
                printed_differs += c["label_start"] not in (None, str(page))
                if c["document_id"] not in files:
                    served = pdf_client.get(f"/documents/{c['document_id']}/file")
                    assert served.status_code == 200
                    assert served.content == (pdf_settings.corpus_dir / c["source"]).read_bytes()
                    files[c["document_id"]] = page_texts(served.content)
                pages = files[c["document_id"]]

                ws = words(p["text"])
                assert share_on(ws[:8], pages[page - 1]) >= 0.75, (page, p["text"][:80])
                on_its_pages = " ".join(pages[page - 1 : c["page_end"]])
                assert share_on(ws, on_its_pages) >= 0.85, (page, p["text"][:80])
                if c["page_end"] == page:
                    assert share_on(ws, pages[page - 1]) >= 0.85, (page, p["text"][:80])

                # the passage's first words, searched where the viewer can
                rest = parse_qs(link["rest"].lstrip("&"))
                searched = unquote(rest["search"][0])
                assert rest["phrase"] == ["true"]
                assert 1 <= len(searched.split()) <= 6
                assert share_on(words(searched) or [searched.casefold()], pages[page - 1]) >= 0.75
                checked += 1
    assert checked >= 60 and len(files) == 2
    assert printed_differs >= 10  # the physical page was checked where the printed one differs


def test_the_file_is_served_inline_with_its_content_type(
    printed_client: TestClient, built_index: Settings
) -> None:
    docs = {d["source"]: d for d in printed_client.get("/documents").json()}
    pdf = printed_client.get(f"/documents/{docs['gedrukt.pdf']['id']}/file")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith('inline; filename="gedrukt.pdf"')
    assert pdf.headers["x-content-type-options"] == "nosniff"
    assert pdf.content == (built_index.corpus_dir / "gedrukt.pdf").read_bytes()
    assert pdf.content.startswith(b"%PDF-")
    assert int(pdf.headers["content-length"]) == len(pdf.content)

    text = printed_client.get(f"/documents/{docs['rapport-a.txt']['id']}/file")
    assert text.status_code == 200
    assert text.headers["content-type"] == "text/plain; charset=utf-8"
    assert text.headers["content-disposition"].startswith('inline; filename="rapport-a.txt"')
    assert "sandbox" in text.headers["content-security-policy"]  # never run as a page
    assert text.content == REPORT_A.encode()


def test_pdf_citations_of_search_and_ask_carry_the_page_link(printed_client: TestClient) -> None:
    found = printed_client.get("/search", params={"q": "woningen voor de vrouwen", "top_k": 10})
    pdf = [p for p in found.json()["passages"] if p["citation"]["source"] == "gedrukt.pdf"]
    assert pdf
    for p in pdf:
        c = p["citation"]
        assert c["link"].startswith(f"/documents/{c['document_id']}/file#page={c['page_start']}")
    # "2.1 Wonen" is printed 13 on physical page 3: the link names page 3
    wonen = next(p for p in pdf if "Gemeenten zoeken woningen" in p["text"])
    assert wonen["citation"]["label_start"] == "13"
    assert wonen["citation"]["link"].split("#")[1].startswith("page=3&search=2.1%20Wonen")


# -- the reader view of a text report --------------------------------------------------------
@pytest.fixture
def text_client(built_index: Settings) -> Iterator[TestClient]:
    """The two small reports, the GREVIO report (211,000 characters) and one holding HTML."""
    shutil.copy(GREVIO_REPORT, built_index.corpus_dir / GREVIO_REPORT.name)
    (built_index.corpus_dir / "opmaak.txt").write_text(HTML_REPORT, encoding="utf-8")
    reindex(built_index, FakeEmbedder())
    with TestClient(create_app(built_index)) as c:
        yield c


def marked(page: Any, kind: str = "passage") -> list[Any]:
    return cast(list[Any], page.xpath(f"//mark[contains(concat(' ', @class, ' '), ' {kind} ')]"))


def check_view(client: TestClient, passage: dict[str, Any], answer: dict[str, Any] | None) -> Any:
    """Open the passage's link; the view's marked element holds the passage (and its answer
    sentence, more strongly), scrolled to by the link's anchor, its page in the margin."""
    c = passage["citation"]
    link = VIEW_LINK.match(c["link"])
    assert link, c["link"]
    query = parse_qs(link["query"])
    assert query["passage"] == [passage["id"]]
    response = client.get(c["link"])  # the client sends no fragment
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    page = lxml.html.fromstring(response.text)

    marks = marked(page)
    assert marks, c["link"]
    assert marks[0].get("id") == link["anchor"]  # the element the link scrolls to
    assert len(page.xpath(f'//*[@id="{link["anchor"]}"]')) == 1
    shown = "".join(m.text_content() for m in marks)
    assert squeezed(shown) == squeezed(passage["text"])

    strong = marked(page, "answer")
    if answer is not None:
        assert query["start"] == [str(answer["start"])] and query["end"] == [str(answer["end"])]
        # an answer over two paragraphs is marked in each
        assert squeezed("".join(m.text_content() for m in strong)) == squeezed(answer["text"])
        assert all(m.getparent().tag == "mark" for m in strong)  # inside the passage's mark
    else:
        assert "start" not in query and not strong

    # the page in the margin: the last note before the passage names its pages
    before = page.xpath(f'//*[@id="{link["anchor"]}"]/preceding::span[@class="page"]')
    assert before and before[-1].text_content() == c["pages_text"]
    return page


def test_text_report_links_open_the_reader_view_at_the_marked_passage(
    text_client: TestClient,
) -> None:
    checked = 0
    grevio = questions(ROOT / "eval" / "gold" / "gold.jsonl", 10)
    for question in [CSG_QUESTION, *grevio]:
        body = ask(text_client, question)
        answer = body["answer"]
        for p in body["passages"]:
            holds = answer is not None and p["id"] == answer["passage_id"]
            check_view(text_client, p, answer if holds else None)
            checked += 1
    assert checked >= 50


def test_the_reader_view_shows_the_whole_report_with_its_headings(
    text_client: TestClient,
) -> None:
    doc = next(d for d in text_client.get("/documents").json() if d["source"] == GREVIO_REPORT.name)
    detail = text_client.get(f"/documents/{doc['id']}").json()
    response = text_client.get(f"/documents/{doc['id']}/view")
    assert response.status_code == 200
    page = lxml.html.fromstring(response.text)
    assert not marked(page)  # no passage asked for: nothing marked
    original = page.xpath("//a[@class='original']")[0]  # relative: the view's own file
    assert original.get("href") == "file" and original.get("target") == "_blank"
    assert text_client.get(f"/documents/{doc['id']}/file").text == GREVIO_REPORT.read_text(
        encoding="utf-8"
    )
    assert page.xpath("//h1")[0].text_content() == doc["title"]
    headings = {h.text_content().strip() for h in page.xpath("//h2|//h3|//h4|//h5|//h6")}
    for section in detail["outline"]:
        if section["heading"] != doc["title"]:
            assert section["heading"] in headings, section
    for note in page.xpath('//span[@class="page"]'):  # the margin, not the text
        note.drop_tree()
    text = squeezed(page.xpath("//article")[0].text_content())
    snapshot = service_of(text_client).holder.current().searcher.snapshot
    at = 0
    for chunk in sorted(snapshot.passages_of(doc["id"]), key=lambda c: c.char_start):
        found = text.find(squeezed(chunk.text), at)  # every passage, in the report's order
        assert found >= 0, chunk.text[:80]
        at = found


def test_the_reader_view_escapes_the_report_and_loads_nothing_else(
    text_client: TestClient,
) -> None:
    body = text_client.get("/search", params={"q": "opmaak vet ampersand", "top_k": 3}).json()
    p = next(p for p in body["passages"] if p["citation"]["source"] == "opmaak.txt")
    response = text_client.get(p["citation"]["link"])
    page = lxml.html.fromstring(response.text)
    assert not page.xpath("//article//script|//article//img|//article//b")
    assert "<script>window.__xss = 1</script>" in page.xpath("//article")[0].text_content()
    assert not page.xpath("//img|//link|//iframe|//object|//embed|//script[@src]")
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", response.text)
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "'unsafe-inline'" not in policy
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce and page.xpath("//script")[0].get("nonce") == nonce[1]


def test_the_answer_passage_link_marks_its_sentence(client: TestClient) -> None:
    body = ask(client, CSG_QUESTION)
    answer = body["answer"]
    holding = [p for p in body["passages"] if p["id"] == answer["passage_id"]]
    assert len(holding) == 1
    assert f"&start={answer['start']}&end={answer['end']}#" in holding[0]["citation"]["link"]
    others = [p for p in body["passages"] if p["id"] != answer["passage_id"]]
    assert others and all("start=" not in p["citation"]["link"] for p in others)
    check_view(client, holding[0], answer)
    # /search gives the same passage the same link, without the answer
    found = client.get("/search", params={"q": CSG_QUESTION}).json()["passages"]
    same = next(p for p in found if p["id"] == answer["passage_id"])
    assert same["citation"]["link"] == holding[0]["citation"]["link"].replace(
        f"&start={answer['start']}&end={answer['end']}", ""
    )


def test_a_bad_passage_or_span_is_refused(client: TestClient) -> None:
    body = ask(client, CSG_QUESTION)
    doc = body["passages"][0]["citation"]["document_id"]
    pid = body["passages"][0]["id"]
    missing = client.get(f"/documents/{doc}/view", params={"passage": "0000000000000000"})
    assert missing.status_code == 404 and code_of(missing) == "passage_not_found"
    length = len(body["passages"][0]["text"])
    for params in (
        {"passage": pid, "start": 0, "end": length + 1},
        {"passage": pid, "start": 5, "end": 2},
        {"passage": pid, "start": 2},
        {"start": 0, "end": 1},
        {"passage": pid, "start": -1, "end": 2},
    ):
        response = client.get(f"/documents/{doc}/view", params=params)
        assert response.status_code == 422, params
        assert code_of(response) == "invalid_request"


# -- nothing but the indexed reports, and nothing outside the corpus -------------------------
def assert_refused(response: Any, secret: bytes | None = None) -> None:
    assert response.status_code == 404, (response.status_code, response.content[:200])
    detail_of(response)  # the one error shape: JSON, never a file
    assert response.headers["content-type"] == "application/json"
    if secret is not None:
        assert secret not in response.content


@pytest.mark.parametrize(
    "path",
    [
        "/documents/..%2F..%2Fetc%2Fpasswd/file",
        "/documents/..%2f..%2f..%2f..%2fetc%2fpasswd/file",
        "/documents/%2Fetc%2Fpasswd/file",
        "/documents/..%5C..%5Cetc%5Cpasswd/file",
        "/documents/../../etc/passwd/file",
        "/documents/rapport-a.txt/file",
        "/documents/0123456789abcdef/file",
        "/documents/0123456789abcdef/view",
        "/documents/a/b/file",
        "/documents/%2E%2E/file",
        "/documents/..%2Fcorpus%2Frapport-a.txt/view",
    ],
)
def test_traversal_and_unknown_ids_get_404_and_never_a_file(client: TestClient, path: str) -> None:
    assert_refused(client.get(path), secret=b"root:")
    assert_refused(client.get(path), secret=REPORT_A[:40].encode())


def _tamper(settings: Settings, document_id: str, source: str) -> None:
    """Rewrite the served version's manifest: the report's stored source becomes ``source``."""
    version = layout.current_dir(settings.index_dir)
    assert version is not None
    path = version / layout.MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for doc in manifest["documents"]:
        if doc["document_id"] == document_id:
            doc["source"] = source
    path.write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize("where", ["relative", "absolute", "symlink", "dot-dot"])
def test_a_stored_source_pointing_outside_the_corpus_is_never_served(
    built_index: Settings, tmp_path: Path, where: str
) -> None:
    with TestClient(create_app(built_index)) as c:
        doc = next(d for d in c.get("/documents").json() if d["source"] == "rapport-a.txt")
    # outside the corpus, the very bytes that were indexed: only the folder check stops them
    outside = tmp_path / "elsewhere" / "rapport-a.txt"
    outside.parent.mkdir()
    outside.write_text(REPORT_A, encoding="utf-8")
    inside = built_index.corpus_dir / "rapport-a.txt"
    if where == "relative":
        _tamper(built_index, doc["id"], "../elsewhere/rapport-a.txt")
    elif where == "absolute":
        _tamper(built_index, doc["id"], str(outside))
    elif where == "dot-dot":
        _tamper(built_index, doc["id"], "sub/../../elsewhere/rapport-a.txt")
    else:
        inside.unlink()
        inside.symlink_to(outside)
    with TestClient(create_app(built_index)) as c:
        response = c.get(f"/documents/{doc['id']}/file")
        assert_refused(response, secret=REPORT_A[:40].encode())
        assert "corpus" in detail_of(response)
        assert str(tmp_path) not in detail_of(response)  # never a server path
        # the text as indexed is still there to read, from the index
        view = c.get(f"/documents/{doc['id']}/view")
        assert view.status_code == 200
        # a report indexed from outside the corpus: its view does not offer the file
        assert ('class="original"' in view.text) is (where in ("relative", "dot-dot", "symlink"))


def test_another_file_under_the_stored_name_is_not_served(built_index: Settings) -> None:
    with TestClient(create_app(built_index)) as c:
        docs = {d["source"]: d["id"] for d in c.get("/documents").json()}
        # the stored source of rapport-a now names notitie-b's file (inside the corpus)
        _tamper(built_index, docs["rapport-a.txt"], "notitie-b.txt")
    with TestClient(create_app(built_index)) as c:
        response = c.get(f"/documents/{docs['rapport-a.txt']}/file")
        assert_refused(response, secret=b"mensenhandel")
        assert c.get(f"/documents/{docs['notitie-b.txt']}/file").status_code == 200


# -- removed and replaced reports ------------------------------------------------------------
def test_a_removed_report_links_answer_404(admin_client: TestClient) -> None:
    body = ask(admin_client, CSG_QUESTION)
    link = body["passages"][0]["citation"]["link"]
    doc = body["passages"][0]["citation"]["document_id"]
    assert admin_client.get(link).status_code == 200
    assert admin_client.delete(f"/documents/{doc}", headers=AUTH).status_code == 202
    # the file is gone at once, while the served index still holds the report
    assert_refused(admin_client.get(f"/documents/{doc}/file"))
    wait_for_reindex(admin_client)
    for url in (link, f"/documents/{doc}/file", f"/documents/{doc}/view"):
        response = admin_client.get(url)
        assert_refused(response, secret=b"Centra")
        assert code_of(response) == "document_not_found"
        assert "removed" in detail_of(response) and "new edition" in detail_of(response)


def test_a_replaced_report_never_serves_the_new_edition_under_the_old_id(
    admin_client: TestClient, admin_settings: Settings
) -> None:
    body = ask(admin_client, CSG_QUESTION)
    old = body["passages"][0]["citation"]["document_id"]
    old_link = next(p for p in body["passages"] if p["citation"]["document_id"] == old)
    new_edition = REPORT_A.replace("zestien", "zeventien")
    # a new edition lands in the corpus before its reindex is done
    (admin_settings.corpus_dir / "rapport-a.txt").write_text(new_edition, encoding="utf-8")
    response = admin_client.get(f"/documents/{old}/file")
    assert_refused(response, secret=b"zeventien")
    assert "changed since it was indexed" in detail_of(response)
    # the reader view shows what was cited until the new edition is served
    view = admin_client.get(old_link["citation"]["link"])
    assert view.status_code == 200 and "zestien" in view.text and "zeventien" not in view.text

    assert admin_client.post("/reindex", headers=AUTH).status_code == 202
    status = wait_for_reindex(admin_client)
    new = status["report"]["replaced_ids"] and next(
        d["id"] for d in admin_client.get("/documents").json() if d["source"] == "rapport-a.txt"
    )
    assert new and new != old
    for url in (old_link["citation"]["link"], f"/documents/{old}/file"):
        assert_refused(admin_client.get(url), secret=b"zeventien")
    served = admin_client.get(f"/documents/{new}/file")
    assert served.status_code == 200 and served.text == new_edition
    fresh = ask(admin_client, CSG_QUESTION)
    link = next(p for p in fresh["passages"] if p["citation"]["document_id"] == new)
    assert "zeventien" in admin_client.get(link["citation"]["link"]).text

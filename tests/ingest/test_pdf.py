"""PDF reading: real multi-page PDFs built with fpdf2, page attribution, labels, time limit."""

from __future__ import annotations

import io
import multiprocessing as mp
import os
import re
import textwrap
import threading
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.constants import PageLabelStyle

from ingest.chunk import MAX_CHARS, normalize_ws
from ingest.models import Document
from ingest.pdf import read_pdf_pages
from ingest.pipeline import ingest_file
from vraagbaak.errors import ParseTimeoutError

PdfBuilder = Callable[..., bytes]

WIDTH = 88
RUNNING_HEADER = "Rapportage Grevio 2016-2017"

CHAPTER = "Hoofdstuk II Integraal beleid en gegevens verzamelen"
SEC_1 = "II.1. Algemeen"
SEC_11 = "II.1.1 Wettelijk kader"
SEC_2 = "II.2. Uitvoering"

P1 = (
    "De gemeenten zijn verantwoordelijk voor de aanpak van huiselijk geweld en "
    "kindermishandeling. Zij werken daarbij samen met de politie, het Openbaar Ministerie en "
    "de Veilig Thuis-organisaties in elke regio van het land. Het Rijk stelt hiervoor jaarlijks "
    "middelen beschikbaar."
)
P2 = (
    "Het kabinet heeft in 2016 het programma Geweld hoort nergens thuis gestart. Dit programma "
    "richt zich op preventie en vroegsignalering bij kwetsbare gezinnen en op de bescherming "
    "van cliënten die slachtoffer zijn van geweld. In elke regio maken gemeenten afspraken met "
    "zorgaanbieders, scholen en huisartsen over de samenwerking in de keten. De voortgang wordt "
    "twee keer per jaar aan de Tweede Kamer gerapporteerd. Ook het VN-Vrouwenverdrag speelt "
    "hierbij een belangrijke rol."
)
P3 = (
    "De Wet verplichte meldcode huiselijk geweld en kindermishandeling geldt sinds 2013 voor "
    "alle professionals. Sinds 1 januari 2019 is de meldcode aangescherpt. Veilig Thuis "
    "adviseert burgers en beroepskrachten over zorgen om een kind of een volwassene."
)
P4 = (
    "Vrouwenopvanginstellingen bieden opvang aan slachtoffers van huiselijk geweld. In 2017 "
    "ging het om ruim achtduizend cliënten. De opvang is anoniem en kosteloos voor de cliënt."
)


def _wrap(text: str) -> list[str]:
    """Hard-wrapped lines without line-end hyphens (so every source word stays whole)."""
    return textwrap.wrap(text, WIDTH, break_on_hyphens=False)


P2_LINES = _wrap(P2)
P2_SPLIT = 3  # P2 runs from the bottom of page 2 onto page 3, mid-sentence

# Physical pages (1-based) and their body lines; every page also gets a running header
# and a "Pagina N van 4" footer, which must not end up in the document text.
PAGES: list[list[str]] = [
    [CHAPTER, *_wrap(P1)],
    [SEC_1, *P2_LINES[:P2_SPLIT]],
    [*P2_LINES[P2_SPLIT:], SEC_11, *_wrap(P3)],
    [SEC_2, *_wrap(P4)],
]

# Sentences and the physical pages their text lies on.
KNOWN: dict[str, tuple[int, int]] = {
    "Zij werken daarbij samen met de politie": (1, 1),
    "Het kabinet heeft in 2016 het programma Geweld hoort nergens thuis gestart.": (2, 2),
    "In elke regio maken gemeenten afspraken met zorgaanbieders": (2, 3),
    "De voortgang wordt twee keer per jaar aan de Tweede Kamer gerapporteerd.": (3, 3),
    "Sinds 1 januari 2019 is de meldcode aangescherpt.": (3, 3),
    "In 2017 ging het om ruim achtduizend cliënten.": (4, 4),
}

SECTIONS = [
    CHAPTER,
    f"{CHAPTER} > {SEC_1}",
    f"{CHAPTER} > {SEC_1} > {SEC_11}",
    f"{CHAPTER} > {SEC_2}",
]


def _expected_tokens(first_page: int = 1) -> list[tuple[str, int]]:
    """Every word of the body text in reading order, with the page it is printed on."""
    return [
        (token, first_page + i)
        for i, lines in enumerate(PAGES)
        for line in lines
        for token in line.split()
    ]


def _assert_pages_match_source(doc: Document, first_page: int = 1) -> None:
    """Align the document's words with the source words; each chunk's page range must be
    exactly the range of pages its words were printed on."""
    expected = _expected_tokens(first_page)
    found = list(re.finditer(r"\S+", doc.text))
    assert [m.group() for m in found] == [t for t, _ in expected]
    assert doc.chunks
    for chunk in doc.chunks:
        pages = {
            page
            for m, (_, page) in zip(found, expected, strict=True)
            if m.start() >= chunk.char_start and m.end() <= chunk.char_end
        }
        assert pages, chunk
        assert (chunk.page_start, chunk.page_end) == (min(pages), max(pages)), chunk.text


@pytest.fixture
def report_pdf(tmp_path: Path, make_pdf: PdfBuilder) -> Path:
    assert not P2_LINES[P2_SPLIT - 1].endswith("."), "the page break must fall mid-sentence"
    path = tmp_path / "rapport.pdf"
    path.write_bytes(make_pdf(PAGES, header=RUNNING_HEADER, footer=True))
    return path


def _relabel(src: Path, dst: Path, start: int) -> Path:
    writer = PdfWriter(clone_from=io.BytesIO(src.read_bytes()))
    writer.set_page_label(0, len(writer.pages) - 1, PageLabelStyle.DECIMAL, start=start)
    buf = io.BytesIO()
    writer.write(buf)
    dst.write_bytes(buf.getvalue())
    return dst


def _live_descendants() -> set[int]:
    """Pids of this process's children and their children, zombies included (Linux /proc).

    The parser runs as a child of the fork server, a grandchild of this process.
    """
    parents: dict[int, int] = {}
    proc = Path("/proc")
    if not proc.is_dir():
        return set()
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1:
            parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {os.getpid()}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


@pytest.fixture
def parser_running(report_pdf: Path) -> None:
    """One parse first, so the long-lived fork server (and its resource tracker) run already
    and only the per-file parser processes are left to count."""
    read_pdf_pages(report_pdf, timeout_s=30)


# --- reading pages -----------------------------------------------------------------


def test_read_pdf_pages_gives_one_page_per_pdf_page(report_pdf: Path) -> None:
    pages = read_pdf_pages(report_pdf, timeout_s=30)
    assert [p.number for p in pages] == [1, 2, 3, 4]
    assert not any(p.inferred for p in pages)
    assert pages[0].text.splitlines()[0] == CHAPTER
    assert SEC_11 in pages[2].text
    # the running header and the page numbers are furniture, found by repetition
    assert not any(RUNNING_HEADER in p.text or "Pagina" in p.text for p in pages)


@pytest.mark.usefixtures("parser_running")
def test_read_pdf_pages_leaves_no_child_process(report_pdf: Path) -> None:
    before = _live_descendants()
    read_pdf_pages(report_pdf, timeout_s=30)
    assert _live_descendants() <= before


# --- the pipeline on a PDF ----------------------------------------------------------


@pytest.mark.parametrize("chunk_chars", [900, 200])
def test_chunk_pages_match_the_pages_text_came_from(report_pdf: Path, chunk_chars: int) -> None:
    doc = ingest_file(report_pdf, chunk_chars=chunk_chars)
    _assert_pages_match_source(doc)
    if chunk_chars == 200:
        assert len(doc.chunks) > len(SECTIONS)


def test_known_sentences_cite_their_pages(report_pdf: Path) -> None:
    doc = ingest_file(report_pdf)
    for sentence, (first, last) in KNOWN.items():
        holders = [c for c in doc.chunks if sentence in normalize_ws(c.text)]
        assert holders, sentence
        for chunk in holders:
            assert chunk.page_start <= first and chunk.page_end >= last, (sentence, chunk)
    cross = next(c for c in doc.chunks if "afspraken met zorgaanbieders" in c.text)
    assert (cross.page_start, cross.page_end) == (2, 3)


def test_pdf_pages_are_not_inferred(report_pdf: Path) -> None:
    doc = ingest_file(report_pdf)
    assert doc.pages_inferred is False
    assert all(c.page_inferred is False for c in doc.chunks)
    assert doc.page_count == 4
    assert {p for _, _, p in doc.page_spans} == {1, 2, 3, 4}


def test_pdf_sections_are_detected(report_pdf: Path) -> None:
    doc = ingest_file(report_pdf)
    assert doc.sections == SECTIONS
    by_sentence = {
        "Zij werken daarbij samen": SECTIONS[0],
        "Het kabinet heeft in 2016": SECTIONS[1],
        "Sinds 1 januari 2019": SECTIONS[2],
        "ruim achtduizend cliënten": SECTIONS[3],
    }
    for sentence, section in by_sentence.items():
        chunk = next(c for c in doc.chunks if sentence in c.text)
        assert chunk.section == section


def test_pdf_running_header_and_page_numbers_are_dropped(report_pdf: Path) -> None:
    doc = ingest_file(report_pdf)
    assert RUNNING_HEADER not in doc.text
    assert "Pagina" not in doc.text


def test_pdf_chunks_are_slices_of_the_text(report_pdf: Path) -> None:
    doc = ingest_file(report_pdf, chunk_chars=200)
    for chunk in doc.chunks:
        assert doc.text[chunk.char_start : chunk.char_end] == chunk.text
        assert 0 < len(chunk.text) <= MAX_CHARS
        assert chunk.document_id == doc.document_id
        assert chunk.lang == "nl"


def test_page_labels_are_printed_pages_beside_the_physical_ones(
    report_pdf: Path, tmp_path: Path
) -> None:
    labelled = _relabel(report_pdf, tmp_path / "gelabeld.pdf", start=5)
    pages = read_pdf_pages(labelled, timeout_s=30)
    assert [p.number for p in pages] == [1, 2, 3, 4]
    assert [p.label for p in pages] == ["5", "6", "7", "8"]
    doc = ingest_file(labelled)
    _assert_pages_match_source(doc)
    cross = next(c for c in doc.chunks if "afspraken met zorgaanbieders" in c.text)
    assert (cross.page_start, cross.page_end) == (2, 3)
    assert (cross.label_start, cross.label_end) == ("6", "7")
    assert all(c.page_inferred is False for c in doc.chunks)


def test_the_footer_number_is_the_printed_page(report_pdf: Path) -> None:
    pages = read_pdf_pages(report_pdf, timeout_s=30)
    assert [p.label for p in pages] == ["1", "2", "3", "4"]  # "Pagina N van 4"


def test_roman_page_labels_are_kept_as_printed(report_pdf: Path, tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=io.BytesIO(report_pdf.read_bytes()))
    writer.set_page_label(0, 0, PageLabelStyle.LOWERCASE_ROMAN, start=1)
    writer.set_page_label(1, 3, PageLabelStyle.DECIMAL, start=10)
    path = tmp_path / "romeins.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    pages = read_pdf_pages(path, timeout_s=30)
    assert [p.number for p in pages] == [1, 2, 3, 4]
    assert [p.label for p in pages] == ["i", "10", "11", "12"]


# --- time limit --------------------------------------------------------------------


@pytest.mark.usefixtures("parser_running")
def test_parse_timeout_raises_and_kills_the_child(tmp_path: Path, make_pdf: PdfBuilder) -> None:
    many = [[f"Pagina-inhoud nummer {i} over huiselijk geweld.", *PAGES[i % 4]] for i in range(60)]
    path = tmp_path / "groot.pdf"
    path.write_bytes(make_pdf(many))
    before = _live_descendants()
    alive_before = {p.pid for p in mp.active_children()}
    with pytest.raises(ParseTimeoutError) as info:
        read_pdf_pages(path, timeout_s=1e-6)
    assert str(path) in str(info.value)
    assert info.value.path == str(path)
    assert _live_descendants() <= before
    assert {p.pid for p in mp.active_children()} <= alive_before
    # the same file reads fine with a sane limit
    assert len(read_pdf_pages(path, timeout_s=60)) == 60


def test_parsing_from_a_thread_never_forks_the_caller(
    make_pdf: PdfBuilder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defect 13: the parser was forked from the threaded server (a lock held by another
    thread is copied locked; Python 3.12+ warns "use of fork() may lead to deadlocks"). Now
    a fork server, a clean process, starts each parser: the caller itself never forks."""
    path = tmp_path / "rapport.pdf"
    path.write_bytes(make_pdf([["Inleiding", "Een zin over de opvang van slachtoffers."]]))
    forks: list[int] = []
    real_fork = os.fork

    def recording_fork() -> int:
        forks.append(threading.get_ident())
        return real_fork()

    monkeypatch.setattr(os, "fork", recording_fork)
    found: list[str] = []
    errors: list[BaseException] = []

    def parse() -> None:
        try:
            found.extend(p.text for p in read_pdf_pages(path, timeout_s=30))
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        worker = threading.Thread(target=parse)
        worker.start()
        worker.join(60)
    assert not worker.is_alive()
    assert errors == []
    assert any("opvang" in text for text in found)
    assert forks == []
    assert [w for w in caught if issubclass(w.category, DeprecationWarning)] == []

"""Scans: a PDF of page pictures is refused with a reason that says so, or read by OCR.

The scan is made the way a scanner makes one: each page of a text PDF rendered to a
picture, the pictures saved as a PDF with no text layer. The OCR case needs Debian's
tesseract with the Dutch data; the test set-up installs it, so CI runs it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pypdfium2
import pytest

from ingest.chunk import normalize_ws
from ingest.ocr import ocr_available
from ingest.pdf import read_pdf_pages
from ingest.pipeline import ingest_file
from tests.ingest.test_pdf import PAGES, PdfBuilder
from vraagbaak.errors import NoTextLayerError

# CI sets VRAAGBAAK_REQUIRE_OCR=1: there a missing tesseract fails the test, never skips it
needs_tesseract = pytest.mark.skipif(
    not ocr_available() and not os.environ.get("VRAAGBAAK_REQUIRE_OCR"),
    reason="tesseract with Dutch data is not installed",
)


@pytest.fixture
def scan(tmp_path: Path, make_pdf: PdfBuilder) -> Path:
    source = tmp_path / "bron.pdf"
    source.write_bytes(make_pdf(PAGES))
    pdf = pypdfium2.PdfDocument(source)
    images = [pdf[i].render(scale=200 / 72).to_pil().convert("L") for i in range(len(pdf))]
    path = tmp_path / "scan.pdf"
    images[0].save(path, "PDF", resolution=200, save_all=True, append_images=images[1:])
    return path


def test_a_scan_without_ocr_is_refused_and_says_it_is_a_scan(scan: Path) -> None:
    with pytest.raises(NoTextLayerError) as info:
        read_pdf_pages(scan, timeout_s=60, ocr=False)
    message = str(info.value)
    assert "scan" in message and "4 pages are pictures" in message
    assert "tesseract" in message and "ocrmypdf" in message  # what to do


@needs_tesseract
def test_a_scan_is_read_by_ocr_and_its_passages_say_so(scan: Path) -> None:
    doc = ingest_file(scan)
    text = normalize_ws(doc.text)
    assert "Het kabinet heeft in 2016 het programma Geweld hoort nergens thuis gestart." in text
    assert "ruim achtduizend cliënten" in text
    assert doc.page_count == 4
    assert doc.chunks and all(c.ocr for c in doc.chunks)
    at = doc.text.index("achtduizend")
    assert [p for s, e, p in doc.page_spans if s <= at < e] == [4]
    holder = next(c for c in doc.chunks if c.char_start <= at < c.char_end)
    assert holder.page_start <= 4 == holder.page_end

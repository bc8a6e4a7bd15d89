"""Shared fixtures for the ingest tests: the committed report and PDF builders (fpdf2)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the project may not be pip-installed when the tests run
    sys.path.insert(0, str(ROOT))

from fpdf import FPDF  # noqa: E402

from ingest.models import Document  # noqa: E402

PdfBuilder = Callable[..., bytes]


def build_pdf(
    pages: Sequence[Sequence[str]],
    *,
    header: str | None = None,
    footer: bool = False,
    blank: bool = False,
) -> bytes:
    """A PDF with one line of text per entry, placed exactly (no re-wrapping by fpdf2).

    ``header`` adds a running header on every page, ``footer`` a "Pagina N van M" footer,
    ``blank`` draws a rectangle instead of any text (a page without a text layer).
    """
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=10)
    for number, lines in enumerate(pages, start=1):
        pdf.add_page()
        if blank:
            pdf.rect(20, 20, 120, 60)
            continue
        if header:
            pdf.text(15, 12, header)
        y = 30.0
        for line in lines:
            pdf.text(15, y, line)
            y += 6
        if footer:
            pdf.text(95, 285, f"Pagina {number} van {len(pages)}")
    return bytes(pdf.output())


@pytest.fixture
def make_pdf() -> PdfBuilder:
    """``make_pdf(pages, header=..., footer=..., blank=...) -> bytes``."""
    return build_pdf


@pytest.fixture(scope="session")
def corpus_doc(grevio_doc: Document) -> Document:
    """The committed report, ingested once for the whole run (see tests/conftest.py)."""
    return grevio_doc

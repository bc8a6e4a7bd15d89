"""The committed test reports (``eval/reports``: fictional, made from .docx by LibreOffice)
read back with the right pages, printed pages, sections, footnotes and table rows."""

from __future__ import annotations

from pathlib import Path

import pypdfium2
import pytest

from eval.reportcheck import ReportCheck, check_folder, truth_files

REPORTS = Path(__file__).resolve().parents[2] / "eval" / "reports"


@pytest.fixture(scope="module")
def checks() -> list[ReportCheck]:
    return [check for check, _ in check_folder(REPORTS)]


def test_there_are_four_reports_in_four_layouts() -> None:
    layouts = {p.name.split(".")[0] for p in truth_files(REPORTS)}
    assert layouts == {"jeugdzorg", "wonen", "toeslagen", "climate"}


@pytest.mark.parametrize("name", ["jeugdzorg", "wonen", "toeslagen", "climate"])
def test_each_report_says_on_its_first_page_that_it_is_fictional(name: str) -> None:
    pdf = pypdfium2.PdfDocument(REPORTS / f"{name}.pdf")
    first = pdf[0].get_textpage().get_text_range().lower()
    assert "fictief" in first or "fictitious" in first
    assert 10 <= len(pdf) <= 40


def test_every_paragraph_is_on_its_physical_and_printed_page(checks: list[ReportCheck]) -> None:
    for check in checks:
        assert check.paragraphs > 50, check.report
        assert check.found == check.paragraphs, (check.report, check.misses[:5])
        assert check.page_ok == check.paragraphs, (check.report, check.misses[:5])
        assert check.labelled > 0 and check.label_ok == check.labelled, check.report


def test_sections_are_right_for_nearly_every_paragraph(checks: list[ReportCheck]) -> None:
    for check in checks:
        assert check.figures["section"] >= 0.95, (check.report, check.misses[:5])


def test_no_furniture_or_footnote_inside_body_text(checks: list[ReportCheck]) -> None:
    for check in checks:
        assert check.foreign == 0, (check.report, check.misses[:5])
        assert check.footnote_in_body == 0, (check.report, check.misses[:5])
        assert check.footnotes > 5 and check.footnote_ok == check.footnotes, check.report


def test_table_rows_keep_their_column_headers(checks: list[ReportCheck]) -> None:
    for check in checks:
        assert check.rows > 10, check.report
        assert check.figures["table rows with headers"] >= 0.95, (check.report, check.misses[:5])

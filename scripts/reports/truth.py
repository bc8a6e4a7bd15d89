"""Ground truth: locate every planned item in the PDF and check the printed page numbers."""

from __future__ import annotations

from typing import Any

from docx_writer import Placed, Plan
from layouts import Layout, format_page
from minimd import Report
from pdf_locate import (
    LocateError,
    Locator,
    PageText,
    Span,
    find_footnote,
    footer_pattern,
    norm,
)

FURNITURE_KINDS = ("cover", "letter", "toc", "closing")


def locate_items(plan: Plan, pages: list[PageText], check_toc: bool) -> list[Span]:
    locator = Locator(pages)
    spans = []
    for idx, item in enumerate(plan.items):
        spans.append(locator.locate(item.text, f"item {idx} ({item.kind})"))
        if item.toc_label is not None and check_toc:
            printed = locator.following(len(norm(item.toc_label)))
            if printed != norm(item.toc_label):
                raise LocateError(
                    f"TOC entry {item.text!r} shows {printed!r}, expected {item.toc_label!r}"
                )
    return spans


def page_labels(layout: Layout, plan: Plan, spans: list[Span], page_count: int) -> list[str | None]:
    """The label each physical page should print, from the layout's numbering scheme."""
    starts = []
    for page_range in layout.pages:
        item = plan.anchors.get(page_range.starts_at)
        if item is None:
            raise LocateError(f"page range {page_range.starts_at!r} has no first item")
        starts.append((spans[item].page, page_range))
    labels: list[str | None] = []
    for physical in range(1, page_count + 1):
        current = [(p, r) for p, r in starts if p <= physical]
        if not current:
            raise LocateError(f"page {physical} lies before the first page range")
        first_page, page_range = current[-1]
        number = physical - first_page + page_range.start
        labels.append(format_page(number, page_range.fmt) if page_range.fmt else None)
    return labels


def check_footers(
    layout: Layout, report: Report, pages: list[PageText], labels: list[str | None]
) -> None:
    """Fail unless every footer prints exactly the computed label (and the cover none)."""
    pattern = footer_pattern(layout.footer_format, report.get("organisation"))
    header = report.get("header") or report.get("title")
    for physical, (page, label) in enumerate(zip(pages, labels, strict=True), start=1):
        if label is None:
            if page.footer or page.header:
                raise LocateError(f"page {physical}: expected no header/footer, found {page!r}")
            continue
        match = pattern.match(page.footer)
        if not match or match.group("n") != label:
            raise LocateError(f"page {physical}: footer {page.footer!r}, expected label {label!r}")
        if "m" in match.groupdict() and int(match.group("m")) != len(pages):
            raise LocateError(f"page {physical}: footer {page.footer!r} has a wrong page count")
        if norm(page.header) != norm(header):
            raise LocateError(f"page {physical}: header {page.header!r}, expected {header!r}")


def footnote_pages(plan: Plan, pages: list[PageText], spans: list[Span]) -> list[int]:
    out = []
    for host, record in plan.footnotes:
        span = spans[host]
        out.append(find_footnote(pages, record["mark"], record["text"], span.page, span.page_end))
    return out


def assemble(
    report: Report,
    layout: Layout,
    plan: Plan,
    spans: list[Span],
    labels: list[str | None],
    note_pages: list[int],
) -> dict[str, Any]:
    org = report.get("organisation")
    running = [report.get("header") or report.get("title")]
    if "{org}" in layout.footer_format:
        running.append(org)
    return {
        "report": f"{report.name}.pdf",
        "title": report.get("title"),
        "layout": layout.name,
        "page_count": len(labels),
        "pages": [{"physical": i, "label": label} for i, label in enumerate(labels, start=1)],
        "running": running,
        "footer_format": layout.footer_format.replace("{org}", org),
        "paragraphs": [_with_pages(rec, spans[i]) for i, rec in plan.paragraphs],
        "headings": [{**rec, "page": spans[i].page} for i, rec in plan.headings],
        "footnotes": [
            {**rec, "page": page} for (_, rec), page in zip(plan.footnotes, note_pages, strict=True)
        ],
        "tables": [
            {**rec, "page": spans[first].page, "page_end": spans[last].page_end}
            for first, last, rec in plan.tables
        ],
        "furniture": [
            _furniture(item, spans[i])
            for i, item in enumerate(plan.items)
            if item.kind in FURNITURE_KINDS
        ],
    }


def _with_pages(record: dict[str, Any], span: Span) -> dict[str, Any]:
    return {**record, "page": span.page, "page_end": span.page_end}


def _furniture(item: Placed, span: Span) -> dict[str, Any]:
    """Text the generator added (cover, letterhead, contents, closing), with its page."""
    record: dict[str, Any] = {"text": item.text, "kind": item.kind, "page": span.page}
    if item.toc_label is not None:
        record["toc_page_label"] = item.toc_label
    return record

"""Domain results as API models; a report's location is shown relative to the corpus folder,
never as a path of the server (see :func:`index.sources.public_source`).

>>> page_reference(14, 14, "12", "12")
'p. 14 (gedrukt 12)'
"""

from __future__ import annotations

from collections.abc import Iterable

from app.links import citation_link
from app.reindexer import ReindexStatus
from app.schemas import (
    AnswerSpan,
    AskResponse,
    Citation,
    DocumentDetail,
    DocumentInfo,
    OutlineSection,
    Passage,
    Reason,
    ReindexDuplicate,
    ReindexFailure,
    ReindexReportInfo,
    ReindexStatusInfo,
)
from index.builder import ReindexReport
from index.manifest import DocumentEntry
from index.search import Hit
from index.sources import public_source
from ingest.models import Chunk
from qa import AskResult


def _span(first: str, last: str) -> str:
    return first if first == last else f"{first}–{last}"


def page_reference(
    page_start: int | None, page_end: int | None, label_start: str = "", label_end: str = ""
) -> str:
    """How a citation names its pages: the physical ones (``p. 14``, ``p. 14–15``) and, where
    the page numbers printed on them differ, those beside them (``p. 14 (gedrukt 12)``); an
    unknown printed number of a range shows as ``?``. Empty without a page."""
    if page_start is None:
        return ""
    physical = _span(str(page_start), str(page_end if page_end is not None else page_start))
    if not (label_start or label_end):
        return f"p. {physical}"
    printed = _span(label_start or "?", label_end or "?")
    return f"p. {physical}" if printed == physical else f"p. {physical} (gedrukt {printed})"


def citation(chunk: Chunk, answer: tuple[int, int] | None = None) -> Citation:
    """Where a passage is: report, section, physical and printed pages, offsets, and the
    link that opens it in its source (with ``answer``, offsets in the passage, marked)."""
    return Citation(
        document_id=chunk.document_id,
        title=chunk.title,
        source=public_source(chunk.source),
        page_start=chunk.page_start,
        page_end=chunk.page_end,
        label_start=chunk.label_start or None,
        label_end=chunk.label_end or None,
        pages_text=page_reference(
            chunk.page_start, chunk.page_end, chunk.label_start, chunk.label_end
        ),
        page_inferred=chunk.page_inferred,
        ocr=chunk.ocr,
        section=chunk.section or None,
        char_start=chunk.char_start,
        char_end=chunk.char_end,
        link=citation_link(chunk, answer),
    )


def passages(hits: list[Hit], answer: AnswerSpan | None = None) -> list[Passage]:
    """Hits as cited passages, ranked from 1; the link of the passage holding ``answer``
    marks its sentence too."""

    def span(chunk: Chunk) -> tuple[int, int] | None:
        return (answer.start, answer.end) if answer and answer.passage_id == chunk.id else None

    return [
        Passage(
            id=h.chunk.id,
            rank=rank,
            score=round(h.score, 6),
            text=h.chunk.text,
            citation=citation(h.chunk, span(h.chunk)),
        )
        for rank, h in enumerate(hits, start=1)
    ]


def ask_response(result: AskResult) -> AskResponse:
    """What ``POST /ask`` (and ``vraagbaak ask --json``) returns."""
    a = result.answer
    span = AnswerSpan(text=a.text, passage_id=a.passage_id, start=a.start, end=a.end) if a else None
    return AskResponse(
        question=result.question,
        searched=result.searched or result.question,
        language=result.language,
        status=result.status,
        answerable=result.answerable,
        confidence=result.confidence,
        answer=span,
        passages=passages(result.hits, span),
        index_version=result.index_version,
        took_ms=round(result.took_ms, 3),
        reason=Reason(code=result.doubt.code, text=result.doubt.text) if result.doubt else None,
    )


def document_info(doc: DocumentEntry) -> DocumentInfo:
    return DocumentInfo(
        id=doc.document_id,
        title=doc.title,
        source=public_source(doc.source),
        pages=doc.pages,
        chunks=doc.chunks,
        sha256=doc.sha256,
        indexed_at=doc.indexed_at,
    )


def outline(chunks: Iterable[Chunk]) -> list[OutlineSection]:
    """A report's sections in the order of its text, from its passages: each with the first
    and last page of its passages and of its subsections' (a chapter that opens straight
    with a section has no passage of its own, yet spans that section's pages)."""
    found: dict[str, OutlineSection] = {}
    for c in sorted(chunks, key=lambda c: c.char_start):
        steps = c.section.split(" > ") if c.section else [c.title]
        for depth in range(1, len(steps) + 1):
            path = " > ".join(steps[:depth])
            own = int(depth == len(steps))
            s = found.get(path)
            if s is None:
                found[path] = OutlineSection(
                    section=path,
                    heading=steps[depth - 1],
                    level=depth,
                    page_start=c.page_start,
                    page_end=c.page_end,
                    label_start=c.label_start or None,
                    label_end=c.label_end or None,
                    passages=own,
                )
                continue
            s.passages += own
            if c.page_start < s.page_start:
                s.page_start, s.label_start = c.page_start, c.label_start or None
            elif c.page_start == s.page_start and s.label_start is None:
                s.label_start = c.label_start or None
            if c.page_end > s.page_end:
                s.page_end, s.label_end = c.page_end, c.label_end or None
            elif c.page_end == s.page_end and s.label_end is None:
                s.label_end = c.label_end or None
    return list(found.values())


def document_detail(doc: DocumentEntry, chunks: Iterable[Chunk]) -> DocumentDetail:
    """What ``GET /documents/{id}`` returns: the listing, the outline, the abbreviations."""
    return DocumentDetail(
        **document_info(doc).model_dump(),
        outline=outline(chunks),
        abbreviations=dict(doc.abbreviations),
    )


def _report(report: ReindexReport) -> ReindexReportInfo:
    def shown(sources: list[str]) -> list[str]:
        return [public_source(s) for s in sources]

    return ReindexReportInfo(
        version=report.version,
        changed=report.changed,
        added=shown(report.added),
        replaced=shown(report.replaced),
        replaced_ids={public_source(s): i for s, i in report.replaced_ids.items()},
        removed=shown(report.removed),
        unchanged=shown(report.unchanged),
        duplicates=[
            ReindexDuplicate(source=public_source(s), same_as=public_source(t))
            for s, t in report.duplicates
        ],
        failures=[ReindexFailure(source=public_source(s), message=m) for s, m in report.failures],
        chunks=report.chunks,
        embedded=report.embedded,
        seconds=round(report.seconds, 3),
    )


def reindex_status(status: ReindexStatus) -> ReindexStatusInfo:
    return ReindexStatusInfo(
        running=status.running,
        queued=status.queued,
        started_at=status.started_at,
        finished_at=status.finished_at,
        ok=status.ok,
        report=_report(status.report) if status.report else None,
        error=status.error,
    )

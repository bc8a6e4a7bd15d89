"""Domain results as API models; a report's location is shown relative to the corpus folder,
never as a path of the server (see :func:`index.sources.public_source`)."""

from __future__ import annotations

from app.reindexer import ReindexStatus
from app.schemas import (
    AnswerSpan,
    AskResponse,
    Citation,
    DocumentInfo,
    Passage,
    Reason,
    ReindexFailure,
    ReindexReportInfo,
    ReindexStatusInfo,
)
from index.builder import ReindexReport
from index.manifest import DocumentEntry
from index.search import Hit
from index.sources import public_source
from qa import AskResult


def passages(hits: list[Hit]) -> list[Passage]:
    """Hits as cited passages, ranked from 1."""
    return [
        Passage(
            id=h.chunk.id,
            rank=rank,
            score=round(h.score, 6),
            text=h.chunk.text,
            citation=Citation(
                document_id=h.chunk.document_id,
                title=h.chunk.title,
                source=public_source(h.chunk.source),
                page_start=h.chunk.page_start,
                page_end=h.chunk.page_end,
                page_inferred=h.chunk.page_inferred,
                section=h.chunk.section or None,
                char_start=h.chunk.char_start,
                char_end=h.chunk.char_end,
            ),
        )
        for rank, h in enumerate(hits, start=1)
    ]


def ask_response(result: AskResult) -> AskResponse:
    """What ``POST /ask`` (and ``vraagbaak ask --json``) returns."""
    a = result.answer
    return AskResponse(
        question=result.question,
        language=result.language,
        answerable=result.answerable,
        confidence=result.confidence,
        answer=AnswerSpan(text=a.text, passage_id=a.passage_id, start=a.start, end=a.end)
        if a
        else None,
        passages=passages(result.hits),
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


def _report(report: ReindexReport) -> ReindexReportInfo:
    def shown(sources: list[str]) -> list[str]:
        return [public_source(s) for s in sources]

    return ReindexReportInfo(
        version=report.version,
        changed=report.changed,
        added=shown(report.added),
        replaced=shown(report.replaced),
        removed=shown(report.removed),
        unchanged=shown(report.unchanged),
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

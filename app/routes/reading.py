"""Checking a citation against its source: a report's original file, and the reader view of
its text at a cited passage. Both find the report by its id in the served index, nothing
else; an id no served report has (removed, replaced by a new edition) answers 404."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from app.deps import HolderDep, SettingsDep
from app.errors import ApiError, ErrorCode, error_responses
from app.originals import TEXT, find_document, open_original, unknown
from app.reader import view_page
from ingest.models import Chunk

router = APIRouter(tags=["documents"])

# a report's text is never run as a page, even where a browser sniffs HTML in it
_TEXT_POLICY = "default-src 'none'; sandbox"


@router.get(
    "/documents/{document_id}/file",
    response_class=Response,  # declared below: PDF or text
    responses={
        200: {
            "content": {"application/pdf": {}, TEXT: {}},
            "description": "The report's file as it is stored in the corpus",
        },
        **error_responses(404, 422, as_json=True),
    },
)
def original_file(document_id: str, holder: HolderDep, settings: SettingsDep) -> StreamingResponse:
    """The report's original file (PDF or text), shown in the browser: served only from the
    corpus folder, and only while it holds the bytes that were indexed. Cited pages open with
    ``#page=N`` (the physical page; see the citation's ``link``)."""
    doc = find_document(holder.documents(), document_id)
    original = open_original(doc, settings.corpus_dir)
    headers = {
        "Content-Disposition": original.disposition,
        "Content-Length": str(original.size),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-cache",  # a removed report's link must answer 404 at once
        "ETag": f'"{doc.sha256}"',
    }
    if original.media_type == TEXT:
        headers["Content-Security-Policy"] = _TEXT_POLICY
    return StreamingResponse(original.chunks(), media_type=original.media_type, headers=headers)


@router.get(
    "/documents/{document_id}/view",
    response_class=HTMLResponse,
    responses={
        200: {"content": {"text/html": {}}, "description": "The reader view"},
        **error_responses(404, 422, as_json=True),
    },
)
def reader_view(
    document_id: str,
    holder: HolderDep,
    passage: Annotated[
        str | None,
        Query(max_length=64, description="The passage to show, marked (its id, as cited)"),
    ] = None,
    start: Annotated[
        int | None, Query(ge=0, description="The answer's start in the passage (as /ask)")
    ] = None,
    end: Annotated[
        int | None, Query(ge=0, description="The answer's end in the passage (as /ask)")
    ] = None,
) -> HTMLResponse:
    """The report's text as indexed, with its headings and pages, scrolled to ``passage`` and
    marked; ``start`` and ``end`` (offsets in the passage, as ``/ask`` gives the answer)
    mark the answer sentence more strongly."""
    ready = holder.loaded  # once: the manifest and the passages of one version
    snapshot = ready.searcher.snapshot if ready else None
    if snapshot is None:
        raise unknown(document_id)
    doc = find_document(snapshot.manifest.documents, document_id)
    chunks = snapshot.passages_of(document_id)
    cited = None
    if passage is not None:
        cited = next((c for c in chunks if c.id == passage), None)
        if cited is None:
            raise ApiError(
                404,
                ErrorCode.PASSAGE_NOT_FOUND,
                f"report {document_id!r} has no passage {passage!r}: it was indexed again "
                "since the link was made; open the report without ?passage=, or ask the "
                "question again",
            )
    answer = _answer_span(cited, start, end)
    nonce = secrets.token_urlsafe(16)
    policy = (
        f"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return HTMLResponse(
        view_page(doc, chunks, cited, answer, nonce),
        headers={"Content-Security-Policy": policy, "X-Content-Type-Options": "nosniff"},
    )


def _answer_span(cited: Chunk | None, start: int | None, end: int | None) -> tuple[int, int] | None:
    """The answer's offsets, checked against the passage; 422 when they do not fit."""
    if start is None and end is None:
        return None
    text = cited.text if cited is not None else None
    if text is None or start is None or end is None or not start <= end <= len(text):
        size = f"its passage has {len(text)} characters" if text is not None else "no passage"
        raise ApiError(
            422,
            ErrorCode.INVALID_REQUEST,
            f"start={start} and end={end} do not mark a span of the passage ({size}); pass "
            "both with a passage, 0 <= start <= end <= its length, as /ask gives them",
        )
    return start, end

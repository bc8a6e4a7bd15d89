"""Asking: ``POST /ask`` (the answer with cited passages) and ``GET /search`` (passages)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from app.deps import AskerDep, MetricsDep
from app.errors import error_responses
from app.render import ask_response, passages
from app.schemas import AskRequest, AskResponse, SearchResponse

router = APIRouter(tags=["questions"])


def server_timing(stages: Mapping[str, float], total_ms: float) -> str:
    """A ``Server-Timing`` header: each stage's milliseconds, and the route's total.

    >>> server_timing({"embed": 21.04, "judge": 1.5}, 23.0)
    'embed;dur=21.04, judge;dur=1.5, total;dur=23.0'
    """
    return ", ".join(f"{k};dur={round(v, 3)}" for k, v in [*stages.items(), ("total", total_ms)])


@router.post("/ask", response_model=AskResponse, responses=error_responses(404, 422, 503))
def ask(body: AskRequest, asker: AskerDep, metrics: MetricsDep) -> Response:
    """Answer a question with cited passages and the sentence that answers it;
    ``filters.document_id`` keeps to one report (404 when no indexed report has that id);
    ``context`` (the earlier questions) lets a follow-up question be understood.

    The ``Server-Timing`` header says where the time went (``qa.pipeline.STAGES``)."""
    t0 = time.perf_counter()
    doc = body.filters.document_id if body.filters else None
    result = asker.ask(body.question, top_k=body.top_k, document_id=doc, context=body.context)
    metrics.record_question(result.answerable, result.doubt.code if result.doubt else None)
    t1 = time.perf_counter()
    # serialised here, once: a model returned would be validated again, in another thread
    content = ask_response(result).model_dump_json()
    t2 = time.perf_counter()
    stages = {**result.stages, "serialise": (t2 - t1) * 1000} if result.stages else {}
    metrics.record_stages(stages)
    return Response(
        content,
        media_type="application/json",
        headers={"Server-Timing": server_timing(stages, (t2 - t0) * 1000)},
    )


@router.get("/search", response_model=SearchResponse, responses=error_responses(404, 422, 503))
def search(
    asker: AskerDep,
    q: Annotated[
        str,
        Query(
            description="Search text; the rules of a question: white space folded, then "
            "non-empty and at most VRAAGBAAK_MAX_QUESTION_CHARS characters"
        ),
    ],
    top_k: Annotated[int, Query(ge=1, le=50)] = 5,
    document_id: Annotated[
        str | None,
        Query(max_length=64, description="Only this report's passages (see GET /documents)"),
    ] = None,
) -> SearchResponse:
    """The passages alone, best first (404 for a document_id no indexed report has)."""
    found = asker.search(q, top_k=top_k, document_id=document_id)
    return SearchResponse(
        query=found.query,
        passages=passages(found.hits),
        index_version=found.index_version,
        took_ms=round(found.took_ms, 3),
    )

"""The OpenAI chat completions protocol: ``GET /v1/models`` and ``POST /v1/chat/completions``,
so any OpenAI-compatible chat front-end (Open WebUI, LibreChat, a bot on the ``openai`` SDK)
asks Vraagbaak without glue.

The last user message is the question; the earlier user messages are its conversation, so a
follow-up is understood. ``model`` chooses what is searched: ``vraagbaak`` (every report) or
``vraagbaak/<document id>`` (one report; each is listed by ``/v1/models``). The answer is the
verdict of ``/ask`` (see :mod:`app.completions`); the sources arrive twice, as Markdown in
the message and as structured ``citations`` (in the response, or in a stream's first chunk).
With ``VRAAGBAAK_LLM_URL`` set, the answer is written by that model and checked sentence by
sentence first (see :mod:`app.generated`); ``vraagbaak.mode`` says which answered.
Errors answer OpenAI's ``{"error": {...}}`` object (see :mod:`app.errors`).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel

from app.completions import (
    ALL_REPORTS,
    ConversationError,
    citations,
    cited_passages,
    count_tokens,
    document_for,
    message_text,
    model_id,
    pieces,
    read_messages,
    reason_text,
)
from app.deps import AskerDep, HolderDep, MetricsDep, SettingsDep, WriterDep
from app.errors import ApiError, ErrorCode
from app.generated import EXTRACTIVE, generate
from app.openai_schemas import (
    ChatCompletion,
    ChatCompletionChunk,
    ChatRequest,
    Choice,
    ChunkChoice,
    Delta,
    MessageOut,
    ModelCard,
    ModelList,
    OpenAIErrorBody,
    Usage,
    VraagbaakInfo,
)
from app.render import ask_response

router = APIRouter(prefix="/v1", tags=["openai"])

_DESCRIPTIONS: dict[int | str, str] = {
    400: "The request does not validate, or holds no question",
    404: "No such model (GET /v1/models lists them)",
    503: "No index is loaded yet",
    # declared so that FastAPI does not add its 422: this protocol answers 400 instead
    "4XX": "Any other client error, as an OpenAI error object",
}
_ERRORS: dict[int | str, dict[str, object]] = {
    s: {"model": OpenAIErrorBody, "description": d} for s, d in _DESCRIPTIONS.items()
}


@router.get("/models", response_model=ModelList, responses=_ERRORS)
def models(holder: HolderDep) -> ModelList:
    """``vraagbaak`` searches every report; ``vraagbaak/<document id>`` one report."""
    docs = holder.documents()
    newest = max((int(d.indexed_at.timestamp()) for d in docs), default=0)
    cards = [ModelCard(id=ALL_REPORTS, created=newest, name="Alle rapporten")]
    cards += [
        ModelCard(id=model_id(d.document_id), created=int(d.indexed_at.timestamp()), name=d.title)
        for d in docs
    ]
    return ModelList(data=cards)


def _sse(chunk: BaseModel) -> str:
    return f"data: {chunk.model_dump_json(exclude_none=True)}\n\n"


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    responses={
        **_ERRORS,
        200: {
            "description": "A chat.completion; with stream: true, server-sent events of "
            "chat.completion.chunk objects ending with data: [DONE]",
            "content": {"text/event-stream": {}},
        },
    },
)
def chat_completions(
    body: ChatRequest,
    request: Request,
    asker: AskerDep,
    holder: HolderDep,
    metrics: MetricsDep,
    writer: WriterDep,
    settings: SettingsDep,
) -> JSONResponse | StreamingResponse:
    """Answer the last user message, with the earlier ones as its conversation."""
    if body.n != 1:
        raise ApiError(400, ErrorCode.INVALID_REQUEST, "n: only 1 is supported (one answer)")
    try:
        conversation = read_messages(body.messages)
    except ConversationError as exc:
        raise ApiError(400, ErrorCode.INVALID_REQUEST, f"messages: {exc}") from None
    holder.current()  # 503 before an index is loaded, whatever the model
    try:
        document_id = document_for(body.model, holder.documents())
    except KeyError:
        raise ApiError(
            404,
            ErrorCode.MODEL_NOT_FOUND,
            f"the model {body.model!r} does not exist: use {ALL_REPORTS!r} for every report, "
            f"or one report's model from GET /v1/models",
        ) from None
    result = asker.ask(
        conversation.question, top_k=5, document_id=document_id, context=conversation.earlier
    )
    metrics.record_question(result.answerable, result.doubt.code if result.doubt else None)
    response = ask_response(result)
    passages = cited_passages(response)
    cited = citations(response, str(request.base_url), passages)
    made = EXTRACTIVE
    if writer is not None:
        made = generate(writer, result, passages, holder.current(), settings.llm_support)
    text = message_text(response, cited, reason_text(result), lead=made.lead)
    prompt = sum(count_tokens(m.text) for m in body.messages)
    usage = Usage(
        prompt_tokens=prompt,
        completion_tokens=count_tokens(text),
        total_tokens=prompt + count_tokens(text),
    )
    info = VraagbaakInfo(
        status=response.status,
        confidence=response.confidence,
        mode=made.mode,
        question=response.searched,
        index_version=response.index_version,
        dropped_sentences=made.dropped,
        fallback=made.fallback,
    )
    ident, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
    if not body.stream:
        completion = ChatCompletion(
            id=ident,
            created=created,
            model=body.model,
            choices=[Choice(message=MessageOut(content=text))],
            usage=usage,
            citations=cited,
            vraagbaak=info,
        )
        return JSONResponse(completion.model_dump(mode="json"))
    with_usage = bool(body.stream_options and body.stream_options.include_usage)

    def events() -> Iterator[str]:
        def chunk(delta: Delta, finish: bool = False, **extra: object) -> ChatCompletionChunk:
            return ChatCompletionChunk(
                id=ident,
                created=created,
                model=body.model,
                choices=[ChunkChoice(delta=delta, finish_reason="stop" if finish else None)],
                **extra,
            )

        first = chunk(Delta(role="assistant", content=""), citations=cited, vraagbaak=info)
        # the sources always arrive, an empty list too: exclude_none keeps []
        yield _sse(first)
        for piece in pieces(text):
            yield _sse(chunk(Delta(content=piece)))
        yield _sse(chunk(Delta(), finish=True))
        if with_usage:
            last = ChatCompletionChunk(id=ident, created=created, model=body.model, choices=[])
            last.usage = usage
            yield _sse(last)
        yield "data: [DONE]\n\n"

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )

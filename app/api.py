"""The FastAPI service: /ask, /search, /documents, /reindex, health, metrics and the chat page."""

import asyncio
import contextlib
import logging
import re
import shutil
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib import resources
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, File, Header, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.engine import AskResult, Engine
from app.metrics import Metrics
from app.schemas import (
    AnswerSpan,
    AskRequest,
    AskResponse,
    Citation,
    DocumentInfo,
    Passage,
    Reason,
    SearchResponse,
)
from index.search import Hit
from ingest.loaders import SUPPORTED_SUFFIXES, load
from vraagbaak.errors import (
    EmbedderMismatchError,
    FileTooLargeError,
    IndexNotBuiltError,
    IngestError,
    NotFoundError,
    QueryError,
    ReindexBusyError,
    UnsupportedFileError,
    VraagbaakError,
)
from vraagbaak.logs import setup_logging
from vraagbaak.settings import Settings, get_settings

log = logging.getLogger(__name__)
RELOAD_EVERY_S = 1.0


def _passages(hits: list[Hit]) -> list[Passage]:
    return [
        Passage(
            id=h.chunk.id,
            rank=rank,
            score=round(h.score, 6),
            text=h.chunk.text,
            citation=Citation(
                document_id=h.chunk.document_id,
                title=h.chunk.title,
                source=h.chunk.source,
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
    a = result.answer
    return AskResponse(
        question=result.question,
        language=result.language,
        answerable=result.answerable,
        confidence=result.confidence,
        answer=AnswerSpan(text=a.text, passage_id=a.passage_id, start=a.start, end=a.end)
        if a
        else None,
        passages=_passages(result.hits),
        index_version=result.index_version,
        took_ms=round(result.took_ms, 3),
        reason=Reason(code=result.doubt.code, text=result.doubt.text) if result.doubt else None,
    )


_STATUS = {
    QueryError: 422,
    NotFoundError: 404,
    IndexNotBuiltError: 503,
    EmbedderMismatchError: 503,
    ReindexBusyError: 409,
    FileTooLargeError: 413,
    UnsupportedFileError: 415,
    IngestError: 400,
}


def _status_of(exc: VraagbaakError) -> int:
    for cls in type(exc).__mro__:
        if cls in _STATUS:
            return _STATUS[cls]
    return 500


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(x) for x in err.get("loc", ()) if x != "body") or "body"
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        if err.get("type") == "json_invalid":
            where, msg = "body", "the request body is not valid JSON"
        parts.append(f"{where}: {msg}")
    return "; ".join(parts)


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """The service; ``engine`` may be given (tests), else it is built from settings at start-up."""
    settings = settings or get_settings()
    setup_logging(settings.log_level)
    metrics = Metrics()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        eng: Engine = engine if engine is not None else await run_in_threadpool(Engine, settings)
        app.state.engine = eng
        with contextlib.suppress(VraagbaakError):
            await run_in_threadpool(eng.refresh)
        _update_index_metrics(eng, metrics)

        async def watch() -> None:
            while True:
                await asyncio.sleep(RELOAD_EVERY_S)
                try:
                    if await run_in_threadpool(eng.refresh):
                        _update_index_metrics(eng, metrics)
                except VraagbaakError as exc:
                    log.warning("index reload failed", extra={"error": str(exc)})

        task = asyncio.create_task(watch())
        yield
        task.cancel()

    app = FastAPI(
        title="Vraagbaak",
        version="0.1.0",
        description="Cited answers from Dutch government reports.",
        lifespan=lifespan,
    )
    app.state.metrics = metrics

    def get_engine(request: Request) -> Engine:
        eng: Engine = request.app.state.engine
        return eng

    EngineDep = Annotated[Engine, Depends(get_engine)]

    def require_admin(authorization: Annotated[str | None, Header()] = None) -> None:
        if not settings.admin_token:
            raise HTTPException(403, "admin endpoints are disabled: set VRAAGBAAK_ADMIN_TOKEN")
        if not authorization or not authorization.startswith("Bearer "):
            raise HTTPException(401, "missing bearer token: send Authorization: Bearer <token>")
        if authorization.removeprefix("Bearer ").strip() != settings.admin_token:
            raise HTTPException(403, "wrong admin token")

    AdminDep = Annotated[None, Depends(require_admin)]

    @app.exception_handler(VraagbaakError)
    async def domain_error(request: Request, exc: VraagbaakError) -> JSONResponse:
        return JSONResponse(
            {"error": type(exc).__name__, "detail": str(exc)}, status_code=_status_of(exc)
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            {"error": "InvalidRequest", "detail": _validation_message(exc)}, status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            {"error": "HTTPError", "detail": str(exc.detail)}, status_code=exc.status_code
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", extra={"path": request.url.path})
        return JSONResponse({"error": "InternalError", "detail": "unexpected error"}, 500)

    @app.middleware("http")
    async def measure(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        t0 = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        metrics.requests.labels(path, request.method, str(response.status_code)).inc()
        metrics.latency.labels(path).observe(time.perf_counter() - t0)
        return response

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        """The process is alive."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["ops"])
    def readyz(request: Request) -> JSONResponse:
        """200 when an index is loaded; 503 with how to build one otherwise."""
        eng: Engine | None = getattr(request.app.state, "engine", None)
        if eng is None or not eng.ready:
            return JSONResponse(
                {
                    "status": "not ready",
                    "detail": f"no index loaded from {settings.index_dir}; build it with "
                    "`vraagbaak ingest` (or `make index`); the service picks it up by itself",
                },
                status_code=503,
            )
        return JSONResponse({"status": "ready", "index_version": eng.version})

    @app.post("/ask", response_model=AskResponse, tags=["questions"])
    def ask(body: AskRequest, eng: EngineDep) -> AskResponse:
        """Answer a question with cited passages and the sentence that answers it."""
        doc = body.filters.document_id if body.filters else None
        result = eng.ask(body.question, top_k=body.top_k, document_id=doc)
        metrics.record_question(result.answerable, result.doubt.code if result.doubt else None)
        return ask_response(result)

    @app.get("/search", response_model=SearchResponse, tags=["questions"])
    def search(
        eng: EngineDep,
        q: Annotated[str, Query(min_length=1, max_length=1000, description="Search text")],
        top_k: Annotated[int, Query(ge=1, le=50)] = 5,
    ) -> SearchResponse:
        """The passages alone, best first."""
        t0 = time.perf_counter()
        hits = eng.search(q, top_k=top_k)
        return SearchResponse(
            query=q,
            passages=_passages(hits),
            index_version=eng.version,
            took_ms=round((time.perf_counter() - t0) * 1000, 3),
        )

    @app.get("/documents", response_model=list[DocumentInfo], tags=["documents"])
    def documents(eng: EngineDep) -> list[DocumentInfo]:
        """The indexed reports."""
        return [
            DocumentInfo(
                id=d["document_id"],
                title=d["title"],
                source=d["source"],
                pages=d["pages"],
                chunks=d["chunks"],
                sha256=d["sha256"],
                indexed_at=d["indexed_at"],
            )
            for d in eng.documents()
        ]

    @app.post("/documents", status_code=202, tags=["documents"])
    def upload(
        _: AdminDep, eng: EngineDep, file: Annotated[UploadFile, File(description="PDF or text")]
    ) -> dict[str, object]:
        """Add (or replace) a report in the corpus and reindex in the background."""
        name = re.sub(r"[^\w.\- ]+", "_", Path(file.filename or "upload").name).strip() or "upload"
        suffix = Path(name).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            raise UnsupportedFileError(name, f"file type {suffix or '(none)'!r} is not accepted")
        with tempfile.TemporaryDirectory() as tmp:
            staged = Path(tmp) / name
            size = 0
            with open(staged, "wb") as out:
                while block := file.file.read(1 << 20):
                    size += len(block)
                    if size > settings.max_file_bytes:
                        raise FileTooLargeError(
                            name, f"over {settings.max_file_mb:g} MB", "upload a smaller file"
                        )
                    out.write(block)
            try:
                raw = load(staged, settings.max_file_bytes, settings.parse_timeout_s)
            except IngestError as exc:  # name the upload, not the staging path
                raise type(exc)(name, exc.detail, exc.fix_hint) from None
            settings.corpus_dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(staged, settings.corpus_dir / name)
        started = eng.reindex_in_background()
        return {
            "document_id": raw.document_id,
            "stored_as": str(settings.corpus_dir / name),
            "reindex": "started" if started else "queued behind a running reindex",
        }

    @app.delete("/documents/{document_id}", status_code=202, tags=["documents"])
    def delete(document_id: str, _: AdminDep, eng: EngineDep) -> dict[str, object]:
        """Remove a report from the corpus and reindex in the background."""
        doc = next((d for d in eng.documents() if d["document_id"] == document_id), None)
        if doc is None:
            raise NotFoundError(f"no indexed report has id {document_id!r}; see GET /documents")
        source = Path(doc["source"]).resolve()
        if not source.is_relative_to(settings.corpus_dir.resolve()):
            raise NotFoundError(
                f"report {document_id!r} ({source}) is not in the corpus folder "
                f"{settings.corpus_dir}; remove it there and reindex"
            )
        source.unlink(missing_ok=True)
        eng.reindex_in_background()
        return {"document_id": document_id, "removed": doc["source"], "reindex": "started"}

    @app.post("/reindex", status_code=202, tags=["documents"])
    def start_reindex(_: AdminDep, eng: EngineDep) -> dict[str, object]:
        """Bring the index in line with the corpus, in the background."""
        started = eng.reindex_in_background()
        return {"reindex": "started" if started else "already running"}

    @app.get("/reindex", tags=["documents"])
    def reindex_status(eng: EngineDep) -> dict[str, object]:
        """State of the last background reindex."""
        status: dict[str, object] = jsonable_encoder(eng.reindex_status.__dict__)
        return status

    @app.get("/metrics", tags=["ops"])
    def prometheus(request: Request) -> Response:
        """Prometheus metrics."""
        eng: Engine | None = getattr(request.app.state, "engine", None)
        if eng is not None:
            _update_index_metrics(eng, metrics)
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def chat_page() -> HTMLResponse:
        page = resources.files("app").joinpath("static/index.html").read_text(encoding="utf-8")
        return HTMLResponse(page)

    return app


def _update_index_metrics(eng: Engine, metrics: Metrics) -> None:
    metrics.index_chunks.set(eng.chunk_count())
    metrics.index_documents.set(len(eng.documents()))
    status = eng.reindex_status
    if status.finished_at:
        metrics.reindex_time.set(status.finished_at)
        metrics.reindex_ok.set(1 if status.ok else 0)

"""The FastAPI service: /ask, /search, /documents (with each report's file and reader view),
/reindex, health, metrics and the chat page.

The heavy parts (embedder, index) load once, in the lifespan, into ``app.state.service``;
routes reach them through the aliases of :mod:`app.deps`. A watcher picks up a new CURRENT
index version every second, so a reindex by the CLI is served without a restart.

>>> app = create_app(get_settings())  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from app.errors import install_error_handlers
from app.metrics import Metrics, MetricsMiddleware
from app.render import ask_response
from app.routes import chat, chat_completions, documents, ops, questions, reading, reindex
from app.service import Service
from app.uploads import MULTIPART_ALLOWANCE, UploadLimit
from index.embedders import Embedder
from vraagbaak.logs import setup_logging
from vraagbaak.settings import Settings, get_settings

__all__ = ["RELOAD_EVERY_S", "ask_response", "create_app"]

log = logging.getLogger(__name__)
RELOAD_EVERY_S = 1.0


async def _watch(service: Service) -> None:
    """Serve a new CURRENT version within a second of its switch."""
    while True:
        await asyncio.sleep(RELOAD_EVERY_S)
        try:
            await run_in_threadpool(service.holder.refresh)
        except Exception:  # the watcher must outlive a bad version
            log.exception("index reload failed")


def _watch_metrics(metrics: Metrics, service: Service) -> None:
    reindexer = service.reindexer

    def finished() -> float:
        at = reindexer.status.finished_at
        return at.timestamp() if at else 0.0

    metrics.watch_index(
        documents=lambda: len(service.holder.documents()),
        chunks=service.holder.chunk_count,
        reindex_finished=finished,
        reindex_ok=lambda: 1.0 if reindexer.status.ok else 0.0,
    )


def create_app(settings: Settings | None = None, embedder: Embedder | None = None) -> FastAPI:
    """The service; ``embedder`` replaces the configured one (tests)."""
    settings = settings or get_settings()
    setup_logging(settings.log_level)
    metrics = Metrics()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service = await run_in_threadpool(Service.start, settings, embedder)
        await run_in_threadpool(service.holder.refresh)
        _watch_metrics(metrics, service)
        app.state.service = service
        task = asyncio.create_task(_watch(service))
        try:
            yield
        finally:
            task.cancel()

    app = FastAPI(
        title="Vraagbaak",
        version="0.1.0",
        description="Cited answers from Dutch government reports. Every error answers "
        '`{"code": ..., "detail": ...}`; the codes are listed in app/errors.py (ErrorCode).',
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.metrics = metrics
    install_error_handlers(app)
    for module in (questions, chat_completions, documents, reading, reindex, ops, chat):
        app.include_router(module.router)
    app.add_middleware(
        UploadLimit,
        path="/documents",
        max_bytes=settings.max_file_bytes + MULTIPART_ALLOWANCE,
        max_mb=settings.max_file_mb,
    )
    app.add_middleware(MetricsMiddleware, metrics=metrics)  # outermost: counts the 413s too
    return app

"""Prometheus metrics of the service, in a registry of its own, and the middleware that counts
every response (a 500 from an unhandled error included).

Shares (of unanswerable questions, of errors) are not exported: derive them in PromQL, e.g.
``rate(vraagbaak_unanswerable_total[5m]) / rate(vraagbaak_questions_total[5m])``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qa.pipeline import STAGES

# a stage takes from microseconds (fusion) to tens of milliseconds (embedding)
STAGE_BUCKETS = (
    0.0001,
    0.00025,
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.02,
    0.03,
    0.05,
    0.1,
    0.25,
    0.5,
    1,
)


class Metrics:
    """Request counts and latency by route, index size, reindex outcome, abstentions, and
    where the time of answering a question goes (by stage)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "vraagbaak_requests_total",
            "HTTP responses by route, method and status (500s included)",
            ["route", "method", "status"],
            registry=r,
        )
        self.latency = Histogram(
            "vraagbaak_request_seconds",
            "HTTP request latency",
            ["route"],
            buckets=(0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
            registry=r,
        )
        self.index_chunks = Gauge(
            "vraagbaak_index_chunks", "Passages in the served index", registry=r
        )
        self.index_documents = Gauge(
            "vraagbaak_index_documents", "Reports in the served index", registry=r
        )
        self.reindex_time = Gauge(
            "vraagbaak_last_reindex_timestamp_seconds",
            "When the last reindex ended (0: none yet)",
            registry=r,
        )
        self.reindex_ok = Gauge(
            "vraagbaak_last_reindex_success", "1 if the last reindex succeeded, else 0", registry=r
        )
        self.questions = Counter("vraagbaak_questions_total", "Questions answered", registry=r)
        self.unanswerable = Counter(
            "vraagbaak_unanswerable_total",
            "Questions declared not answered; the share is "
            "rate(vraagbaak_unanswerable_total[5m]) / rate(vraagbaak_questions_total[5m])",
            registry=r,
        )
        self.unanswerable_by_reason = Counter(
            "vraagbaak_unanswerable_by_reason_total",
            "Questions declared not answered, by reason (off_topic, year, kind, ...)",
            ["reason"],
            registry=r,
        )
        self.stage_latency = Histogram(
            "vraagbaak_ask_stage_seconds",
            "Time spent per stage of answering a question that was not cached (POST /ask): "
            + ", ".join(STAGES)
            + "; the rest of vraagbaak_request_seconds is HTTP and the framework",
            ["stage"],
            buckets=STAGE_BUCKETS,
            registry=r,
        )
        # bound once: a question observes each stage without a label lookup
        self._stages = {stage: self.stage_latency.labels(stage) for stage in STAGES}

    def record_stages(self, stages: Mapping[str, float]) -> None:
        """Observe one question's stages (milliseconds, as ``AskResult.stages``)."""
        for stage, ms in stages.items():
            child = self._stages.get(stage)
            if child is not None:
                child.observe(ms / 1000)

    def record_question(self, answerable: bool, reason: str | None = None) -> None:
        self.questions.inc()
        if not answerable:
            self.unanswerable.inc()
            self.unanswerable_by_reason.labels(reason=reason or "low_confidence").inc()

    def record_response(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route, method, str(status)).inc()
        self.latency.labels(route).observe(seconds)

    def watch_index(
        self,
        documents: Callable[[], float],
        chunks: Callable[[], float],
        reindex_finished: Callable[[], float],
        reindex_ok: Callable[[], float],
    ) -> None:
        """Read the index gauges from the service whenever /metrics is scraped."""
        self.index_documents.set_function(documents)
        self.index_chunks.set_function(chunks)
        self.reindex_time.set_function(reindex_finished)
        self.reindex_ok.set_function(reindex_ok)


class MetricsMiddleware:
    """Counts every HTTP response by route template, method and status.

    A pure ASGI middleware: an exception that escapes the app (answered 500 by the outermost
    error handler) is counted as a 500 before it is passed on."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        except Exception:
            status = 500
            raise
        finally:
            # the router put the matched route into the (shared) scope
            route = getattr(scope.get("route"), "path", "unmatched")
            self.metrics.record_response(route, scope["method"], status, time.perf_counter() - t0)

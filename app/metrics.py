"""Prometheus metrics of the service, in a registry of its own."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    """Request counts and latency by route, index size, reindex outcome, abstentions."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "vraagbaak_requests_total", "HTTP requests", ["route", "method", "status"], registry=r
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
            "vraagbaak_last_reindex_timestamp_seconds", "When the last reindex ended", registry=r
        )
        self.reindex_ok = Gauge(
            "vraagbaak_last_reindex_success", "1 if the last reindex succeeded, else 0", registry=r
        )
        self.questions = Counter("vraagbaak_questions_total", "Questions asked", registry=r)
        self.unanswerable = Counter(
            "vraagbaak_unanswerable_total", "Questions declared not answered", registry=r
        )
        self.unanswerable_by_reason = Counter(
            "vraagbaak_unanswerable_by_reason_total",
            "Questions declared not answered, by reason (off_topic, year, kind, ...)",
            ["reason"],
            registry=r,
        )
        self.unanswerable_share = Gauge(
            "vraagbaak_unanswerable_share", "Share of questions declared not answered", registry=r
        )

    def record_question(self, answerable: bool, reason: str | None = None) -> None:
        self.questions.inc()
        if not answerable:
            self.unanswerable.inc()
            self.unanswerable_by_reason.labels(reason=reason or "low_confidence").inc()
        asked = self.questions._value.get()
        self.unanswerable_share.set(self.unanswerable._value.get() / asked if asked else 0.0)

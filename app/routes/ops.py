"""Operations: liveness, readiness, Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from app.deps import MetricsDep, ReadyDep
from app.errors import error_responses
from app.schemas import Health, Readiness

router = APIRouter(tags=["ops"])


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """The process is alive."""
    return Health(status="ok")


@router.get("/readyz", response_model=Readiness, responses=error_responses(503))
def readyz(ready: ReadyDep) -> Readiness:
    """200 when an index is loaded; 503 with how to build one otherwise."""
    return Readiness(status="ready", index_version=ready.version)


@router.get("/metrics", response_class=Response)
def prometheus(metrics: MetricsDep) -> Response:
    """Prometheus metrics."""
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

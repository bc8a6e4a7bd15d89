"""The dependencies of the routes, as ``Annotated`` aliases: what the lifespan loaded once
(``app.state``), reached per request; tests replace any of them through
``app.dependency_overrides[get_...]``.

They are ``async``: none blocks, and FastAPI runs a plain function in the thread pool, a
thread hop per dependency and request (waiting for a thread costs more than the lookup).

>>> @router.get("/x")  # doctest: +SKIP
... def x(asker: AskerDep, _: AdminDep) -> ...
"""

from __future__ import annotations

import secrets
from typing import Annotated, cast

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.asking import Asker
from app.errors import ApiError, ErrorCode
from app.metrics import Metrics
from app.reindexer import Reindexer
from app.service import Service
from app.serving import IndexHolder
from qa import ReadyIndex
from qa.writer import AnswerWriter
from vraagbaak.settings import Settings


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    return cast(Settings, request.app.state.settings)


async def get_metrics(request: Request) -> Metrics:
    return cast(Metrics, request.app.state.metrics)


async def get_service(request: Request) -> Service:
    """The service the lifespan started."""
    return cast(Service, request.app.state.service)


ServiceDep = Annotated[Service, Depends(get_service)]


async def get_holder(service: ServiceDep) -> IndexHolder:
    return service.holder


async def get_asker(service: ServiceDep) -> Asker:
    return service.asker


async def get_reindexer(service: ServiceDep) -> Reindexer:
    return service.reindexer


async def get_writer(service: ServiceDep) -> AnswerWriter | None:
    """The answer model's client; None when VRAAGBAAK_LLM_URL is unset."""
    return service.writer


HolderDep = Annotated[IndexHolder, Depends(get_holder)]
WriterDep = Annotated[AnswerWriter | None, Depends(get_writer)]


async def get_ready(holder: HolderDep) -> ReadyIndex:
    """The served index version; 503 (index_not_ready) before one is loaded."""
    return holder.current()


SettingsDep = Annotated[Settings, Depends(get_settings)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
AskerDep = Annotated[Asker, Depends(get_asker)]
ReindexerDep = Annotated[Reindexer, Depends(get_reindexer)]
ReadyDep = Annotated[ReadyIndex, Depends(get_ready)]

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="AdminToken",
    description="VRAAGBAAK_ADMIN_TOKEN, for upload, delete and starting a reindex",
)


async def require_admin(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    """Admin endpoints: 403 when no token is configured, 401 without a bearer token, 403 for
    a wrong one."""
    token = settings.admin_token.get_secret_value() if settings.admin_token else ""
    if not token:
        raise ApiError(
            403,
            ErrorCode.ADMIN_DISABLED,
            "admin endpoints are disabled: set VRAAGBAAK_ADMIN_TOKEN to enable them",
        )
    if credentials is None:
        raise ApiError(
            401,
            ErrorCode.MISSING_TOKEN,
            "missing bearer token: send Authorization: Bearer <VRAAGBAAK_ADMIN_TOKEN>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not secrets.compare_digest(credentials.credentials.encode(), token.encode()):
        raise ApiError(403, ErrorCode.WRONG_TOKEN, "wrong admin token")


AdminDep = Annotated[None, Depends(require_admin)]

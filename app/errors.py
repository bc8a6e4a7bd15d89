"""The HTTP error contract: every error answers ``{"code": ..., "detail": ...}``.

``code`` is one of :class:`ErrorCode`, stable and snake_case, the same for the same condition
on every endpoint; ``detail`` is the message for a person (what is wrong and the fix). The
domain errors of :mod:`vraagbaak.errors` become responses here, in one place.

>>> ErrorBody(code=ErrorCode.INVALID_QUESTION, detail="empty").model_dump(mode="json")
{'code': 'invalid_question', 'detail': 'empty'}
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from vraagbaak.errors import (
    EmbedderMismatchError,
    FileTooLargeError,
    IndexFormatError,
    IndexNotBuiltError,
    IndexStoreError,
    IngestError,
    NotFoundError,
    QueryError,
    ReindexBusyError,
    UnsupportedFileError,
    VraagbaakError,
)

log = logging.getLogger(__name__)


class ErrorCode(StrEnum):
    """Every ``code`` an error response can carry, with its HTTP status.

    ========================  ======  ==========================================================
    code                      status  condition
    ========================  ======  ==========================================================
    ``invalid_request``       422     a parameter or the JSON body does not validate (wrong
                                      type, missing or unknown field, top_k out of range, JSON
                                      syntax)
    ``invalid_question``      422     the question (``/ask``) or search text (``/search``) is
                                      empty after folding white space, or longer than
                                      VRAAGBAAK_MAX_QUESTION_CHARS
    ``malformed_body``        400     the request body cannot be read at all (not UTF-8, a
                                      broken multipart body)
    ``invalid_file_name``     400     an upload's file name is empty, hidden (starts with a
                                      dot), holds folder parts or is too long
    ``unreadable_file``       400     an upload cannot be read into passages (corrupt,
                                      encrypted or scanned PDF, empty, not UTF-8)
    ``missing_token``         401     an admin endpoint was called without
                                      ``Authorization: Bearer <token>``
    ``admin_disabled``        403     admin endpoints are off: VRAAGBAAK_ADMIN_TOKEN is not set
    ``wrong_token``           403     the bearer token is not the admin token
    ``not_found``             404     no such endpoint
    ``document_not_found``    404     no indexed report has that id (or it is not in the
                                      corpus folder, so the service cannot remove or serve
                                      it; or its file is no longer the one indexed)
    ``passage_not_found``     404     the report has no passage with that id (the reader
                                      view's ``?passage=``: indexed again since)
    ``model_not_found``       404     ``/v1/chat/completions`` names a model there is not
                                      (``GET /v1/models`` lists them)
    ``method_not_allowed``    405     the endpoint exists, not with this method
    ``reindex_busy``          409     another process holds the reindex lock
    ``duplicate_report``      409     an upload has the same content as an indexed report
                                      under another name (the detail names it); nothing
                                      is stored
    ``file_too_large``        413     an upload is over VRAAGBAAK_MAX_FILE_MB
    ``unsupported_file``      415     an upload is not a PDF or UTF-8 text report
    ``index_not_ready``       503     no index is loaded yet (build it with `vraagbaak ingest`)
    ``index_unusable``        503     the index cannot be served (built with another embedder,
                                      or in another format)
    ``http_error``            any     another error of the HTTP layer
    ``internal_error``        500     an unexpected error (logged on the server)
    ========================  ======  ==========================================================
    """

    INVALID_REQUEST = "invalid_request"
    INVALID_QUESTION = "invalid_question"
    MALFORMED_BODY = "malformed_body"
    INVALID_FILE_NAME = "invalid_file_name"
    UNREADABLE_FILE = "unreadable_file"
    MISSING_TOKEN = "missing_token"
    ADMIN_DISABLED = "admin_disabled"
    WRONG_TOKEN = "wrong_token"
    NOT_FOUND = "not_found"
    DOCUMENT_NOT_FOUND = "document_not_found"
    PASSAGE_NOT_FOUND = "passage_not_found"
    MODEL_NOT_FOUND = "model_not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    REINDEX_BUSY = "reindex_busy"
    DUPLICATE_REPORT = "duplicate_report"
    FILE_TOO_LARGE = "file_too_large"
    UNSUPPORTED_FILE = "unsupported_file"
    INDEX_NOT_READY = "index_not_ready"
    INDEX_UNUSABLE = "index_unusable"
    HTTP_ERROR = "http_error"
    INTERNAL_ERROR = "internal_error"


class ErrorBody(BaseModel):
    """The body of every error response."""

    code: ErrorCode = Field(description="Stable, machine-readable; see ErrorCode")
    detail: str = Field(description="What is wrong and how to fix it, for a person")


class ApiError(HTTPException):
    """An HTTP error raised by the service itself, with its code."""

    def __init__(
        self,
        status_code: int,
        code: ErrorCode,
        detail: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status_code, detail, headers)
        self.code = code


# the first class of an error's MRO found here decides (so subclasses come first)
_DOMAIN: dict[type[VraagbaakError], tuple[int, ErrorCode]] = {
    QueryError: (422, ErrorCode.INVALID_QUESTION),
    NotFoundError: (404, ErrorCode.DOCUMENT_NOT_FOUND),
    FileTooLargeError: (413, ErrorCode.FILE_TOO_LARGE),
    UnsupportedFileError: (415, ErrorCode.UNSUPPORTED_FILE),
    IngestError: (400, ErrorCode.UNREADABLE_FILE),
    IndexNotBuiltError: (503, ErrorCode.INDEX_NOT_READY),
    EmbedderMismatchError: (503, ErrorCode.INDEX_UNUSABLE),
    IndexFormatError: (503, ErrorCode.INDEX_UNUSABLE),
    ReindexBusyError: (409, ErrorCode.REINDEX_BUSY),
    IndexStoreError: (503, ErrorCode.INDEX_UNUSABLE),
}

# errors the framework raises itself carry only a status
_BY_STATUS: dict[int, ErrorCode] = {
    400: ErrorCode.MALFORMED_BODY,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    413: ErrorCode.FILE_TOO_LARGE,
    422: ErrorCode.INVALID_REQUEST,
}

_DESCRIPTIONS: dict[int, str] = {
    400: "The body or the uploaded file cannot be read",
    401: "No bearer token (admin endpoints)",
    403: "Admin endpoints disabled, or the wrong token",
    404: "No such report (or passage)",
    409: "Another reindex holds the lock, or (an upload) another report has the same content",
    413: "The upload is over the size limit",
    415: "The upload is not a PDF or text report",
    422: "The request does not validate, or the question is empty or too long",
    503: "No index is loaded (or it cannot be served)",
}


def error_responses(*statuses: int, as_json: bool = False) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route: ErrorBody for each status it can answer. ``as_json``:
    for a route whose own answer is not JSON (a file, a page), which FastAPI would otherwise
    declare its errors in too (ErrorBody is declared by the other routes)."""
    if as_json:
        ref = {"$ref": "#/components/schemas/ErrorBody"}
        return {
            s: {"description": _DESCRIPTIONS[s], "content": {"application/json": {"schema": ref}}}
            for s in statuses
        }
    return {s: {"model": ErrorBody, "description": _DESCRIPTIONS[s]} for s in statuses}


def domain_status(exc: VraagbaakError) -> tuple[int, ErrorCode]:
    """The status and code a domain error answers with."""
    for cls in type(exc).__mro__:
        if cls in _DOMAIN:
            return _DOMAIN[cls]
    return 500, ErrorCode.INTERNAL_ERROR


def error_response(
    status: int, code: ErrorCode, detail: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """An error response in the one shape."""
    body = ErrorBody(code=code, detail=detail)
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


OPENAI_PREFIX = "/v1/"
# OpenAI's error types by status; a request it cannot take is a 400 there, never a 422
_OPENAI_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "invalid_request_error",
    409: "conflict_error",
    413: "invalid_request_error",
    415: "invalid_request_error",
    429: "rate_limit_error",
}


def openai_error(status: int, code: ErrorCode, detail: str) -> JSONResponse:
    """An error of the ``/v1`` endpoints, as OpenAI's clients expect it:
    ``{"error": {"message", "type", "param", "code"}}``."""
    status = 400 if status == 422 else status
    kind = _OPENAI_TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
    param = detail.split(":", 1)[0] if ":" in detail and code == ErrorCode.INVALID_REQUEST else None
    body = {"error": {"message": detail, "type": kind, "param": param, "code": code.value}}
    return JSONResponse(body, status_code=status)


def _respond(
    request: Request,
    status: int,
    code: ErrorCode,
    detail: str,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    if request.url.path.startswith(OPENAI_PREFIX):
        return openai_error(status, code, detail)
    return error_response(status, code, detail, headers)


def hide_paths(text: str, corpus_dir: Path, data_dir: Path) -> str:
    """``text`` without the server's absolute paths of the corpus and data folders (a file in
    the corpus is named relative to it, as everywhere in the API)."""
    corpus, data = str(Path(corpus_dir).resolve()), str(Path(data_dir).resolve())
    shown = [(corpus + "/", ""), (corpus, "the corpus folder"), (data, "the data folder")]
    for path, name in sorted(shown, key=lambda pair: -len(pair[0])):  # nested folders
        text = text.replace(path, name)
    return text


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(x) for x in err.get("loc", ()) if x != "body") or "body"
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        if err.get("type") == "json_invalid":
            where, msg = "body", "the request body is not valid JSON"
        parts.append(f"{where}: {msg}")
    return "; ".join(parts)


def install_error_handlers(app: FastAPI) -> None:
    """Make every error, raised by the service or the framework, an ErrorBody response."""

    @app.exception_handler(VraagbaakError)
    async def domain_error(request: Request, exc: VraagbaakError) -> JSONResponse:
        status, code = domain_status(exc)
        if status == 500:
            log.error("domain error", extra={"path": request.url.path, "error": str(exc)})
        detail = str(exc)
        settings = getattr(request.app.state, "settings", None)
        if settings is not None:  # e.g. a lock or a load error naming the data folder
            detail = hide_paths(detail, settings.corpus_dir, settings.data_dir)
        return _respond(request, status, code, detail)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _respond(request, 422, ErrorCode.INVALID_REQUEST, _validation_message(exc))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        code = exc.code if isinstance(exc, ApiError) else None
        code = code or _BY_STATUS.get(exc.status_code, ErrorCode.HTTP_ERROR)
        return _respond(request, exc.status_code, code, str(exc.detail), exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", extra={"path": request.url.path})
        return _respond(request, 500, ErrorCode.INTERNAL_ERROR, "unexpected error")

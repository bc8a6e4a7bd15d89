"""Receiving a report upload: its name checked, its size limited while it arrives, and its
copy into the corpus atomic, so the indexer never sees a half-written or unchecked file.

>>> upload_name("jeugdbescherming 2019.pdf")
'jeugdbescherming 2019.pdf'
>>> upload_name("rapport (def).txt")
'rapport _def_.txt'
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import ApiError, ErrorCode, error_response
from ingest.loaders import SUPPORTED_SUFFIXES, load
from ingest.models import RawDocument
from vraagbaak.errors import FileTooLargeError, IngestError, UnsupportedFileError
from vraagbaak.settings import Settings

MAX_NAME_CHARS = 200
MULTIPART_ALLOWANCE = 64 * 1024  # the multipart envelope around the file's bytes
STAGING_PREFIX = ".upload-"  # a hidden name: ingest.pipeline.iter_report_files skips it


def upload_name(filename: str | None) -> str:
    """The name a report is stored under in the corpus; ApiError (400) for a bad one."""
    raw = filename or ""

    def refuse(why: str) -> ApiError:
        return ApiError(
            400,
            ErrorCode.INVALID_FILE_NAME,
            f"the file name {raw!r} {why}; rename the file (e.g. rapport-2019.pdf) and upload "
            "it again",
        )

    if "/" in raw or "\\" in raw:
        raise refuse("holds folder parts")
    name = re.sub(r"[^\w.\- ]+", "_", raw).strip()
    if not name.strip("._ "):
        raise refuse("is empty (after replacing characters that are not allowed)")
    if name.startswith("."):
        raise refuse("starts with a dot, so the indexer would skip it as a hidden file")
    if len(name) > MAX_NAME_CHARS:
        raise refuse(f"is longer than {MAX_NAME_CHARS} characters")
    return name


def store_upload(src: BinaryIO, name: str, settings: Settings) -> RawDocument:
    """Copy an upload into the corpus as ``name`` once it is known to be a readable report.

    It is written to a hidden temporary file in the corpus folder (the indexer skips it; the
    same file system, so the final rename is atomic), read by the loader, and only then
    renamed over ``name``: the indexer sees all of the new file or none of it, and a
    rejected upload leaves the corpus as it was."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:  # before a byte is stored
        raise UnsupportedFileError(name, f"file type {suffix or '(none)'!r} is not accepted")
    corpus = settings.corpus_dir
    corpus.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=STAGING_PREFIX, suffix=Path(name).suffix, dir=corpus)
    staged = Path(tmp)
    try:
        with os.fdopen(fd, "wb") as out:
            size = 0
            while block := src.read(1 << 20):
                size += len(block)
                if size > settings.max_file_bytes:
                    raise FileTooLargeError(
                        name, f"over {settings.max_file_mb:g} MB", "upload a smaller file"
                    )
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        try:
            raw = load(staged, settings.max_file_bytes, settings.parse_timeout_s)
        except IngestError as exc:  # name the upload, not the staging file
            raise type(exc)(name, exc.detail, exc.fix_hint) from None
        os.replace(staged, corpus / name)
        return raw
    finally:
        staged.unlink(missing_ok=True)


class UploadLimit:
    """Refuses an upload (POST ``path``) over ``max_bytes`` with 413 before it is spooled.

    A declared Content-Length over the limit is refused before a byte is read; a body without
    one is counted as it arrives and refused as soon as the count passes the limit (the
    multipart parser then stops reading). ``max_bytes`` includes an allowance for the
    multipart envelope; the file itself is checked against the exact limit as it is stored."""

    def __init__(self, app: ASGIApp, path: str, max_bytes: int, max_mb: float) -> None:
        self.app = app
        self.path = path
        self.max_bytes = max_bytes
        self.max_mb = max_mb

    def _detail(self, size: str) -> str:
        return (
            f"the upload is {size}, over the size limit of {self.max_mb:g} MB; split the "
            "report, or raise VRAAGBAAK_MAX_FILE_MB"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            response = error_response(
                413, ErrorCode.FILE_TOO_LARGE, self._detail(f"{int(declared)} bytes")
            )
            await response(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    # an HTTPException is passed on by FastAPI's body parsing, then answered
                    # by the app's error handler
                    raise ApiError(
                        413, ErrorCode.FILE_TOO_LARGE, self._detail(f"over {self.max_bytes} bytes")
                    )
            return message

        await self.app(scope, counted, send)

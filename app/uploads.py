"""Receiving a report upload: its name checked, its size limited while it arrives, its
content compared with the reports there are, and its copy into the corpus atomic, so the
indexer never sees a half-written or unchecked file.

An upload is one of: a new report (``added``); a new edition of the report of that name
(``replaced``: the reindex drops every passage of the old one); the same file again
(``unchanged``: nothing is stored); or the same content as another report under another
name (refused: 409 ``duplicate_report``, nothing stored). See :func:`place`.

>>> upload_name("jeugdbescherming 2019.pdf")
'jeugdbescherming 2019.pdf'
>>> upload_name("rapport (def).txt")
'rapport _def_.txt'
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import ApiError, ErrorCode, error_response
from app.schemas import UploadStatus
from index.manifest import DocumentEntry
from index.sources import public_source, source_path
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


@dataclass(frozen=True)
class Staged:
    """An upload written to a hidden file in the corpus folder, with its content hash."""

    path: Path
    name: str  # what it is stored as, relative to the corpus folder
    sha256: str

    @property
    def document_id(self) -> str:
        return self.sha256[:16]  # as ingest names a report (RawDocument.document_id)


@dataclass(frozen=True)
class Placement:
    """What an upload is to the reports there are (see :func:`place`)."""

    status: UploadStatus
    document_id: str
    replaces: str | None = None  # the id of the edition it replaces, when that is indexed
    served: bool = False  # unchanged, and the served index holds it already


def _sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


@contextlib.contextmanager
def staged_upload(src: BinaryIO, name: str, settings: Settings) -> Iterator[Staged]:
    """The upload written to a hidden temporary file in the corpus folder (the indexer skips
    it; the same file system, so :func:`publish` renames it atomically), refused as soon as
    it passes the size limit; removed on leaving unless published."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:  # before a byte is stored
        raise UnsupportedFileError(name, f"file type {suffix or '(none)'!r} is not accepted")
    corpus = settings.corpus_dir
    corpus.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=STAGING_PREFIX, suffix=Path(name).suffix, dir=corpus)
    path = Path(tmp)
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            size = 0
            while block := src.read(1 << 20):
                size += len(block)
                if size > settings.max_file_bytes:
                    raise FileTooLargeError(
                        name, f"over {settings.max_file_mb:g} MB", "upload a smaller file"
                    )
                digest.update(block)
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        yield Staged(path, name, digest.hexdigest())
    finally:
        path.unlink(missing_ok=True)


def place(upload: Staged, documents: Sequence[DocumentEntry], corpus_dir: Path) -> Placement:
    """What the upload is to the corpus and the served reports (``documents``):

    - ``unchanged``: the corpus holds these bytes under this name already;
    - refused (ApiError 409, ``duplicate_report``): an indexed report under another name
      has the same content (and its file still does);
    - ``replaced``: a file of that name exists with other content (a new edition);
    - ``added``: a new report.

    Only reports the served index knows are compared with (besides the file of that name):
    a copy of an upload not yet indexed is found by the reindex (GET /reindex, duplicates).
    """
    own = corpus_dir / upload.name
    current = next((d for d in documents if d.source == upload.name), None)
    if own.is_file() and _sha256(own) == upload.sha256:
        served = current is not None and current.sha256 == upload.sha256
        return Placement("unchanged", upload.document_id, served=served)
    for doc in documents:
        if doc.sha256 != upload.sha256 or doc.source == upload.name:
            continue
        path = source_path(doc.source, corpus_dir)
        if path.is_file() and _sha256(path) == upload.sha256:
            shown = public_source(doc.source)
            raise ApiError(
                409,
                ErrorCode.DUPLICATE_REPORT,
                f"{upload.name!r} has the same content as the indexed report {shown!r} "
                f"(id {doc.document_id}); nothing was stored. To replace that report, upload "
                f"the new edition as {shown!r}; to rename it, delete it first "
                f"(DELETE /documents/{doc.document_id})",
            )
    changed = current is not None and current.sha256 != upload.sha256
    replaces = current.document_id if current is not None and changed else None
    status: UploadStatus = "replaced" if own.is_file() or replaces else "added"
    return Placement(status, upload.document_id, replaces=replaces)


def publish(upload: Staged, settings: Settings) -> RawDocument:
    """Rename the staged upload over its name once the loader has read it as a report: the
    indexer sees all of the new file or none of it, and a rejected upload (IngestError,
    naming the upload) leaves the corpus as it was."""
    try:
        raw = load(upload.path, settings.max_file_bytes, settings.parse_timeout_s, settings.ocr)
    except IngestError as exc:  # name the upload, not the staging file
        raise type(exc)(upload.name, exc.detail, exc.fix_hint) from None
    os.replace(upload.path, settings.corpus_dir / upload.name)
    return raw


def store_upload(
    src: BinaryIO, name: str, settings: Settings, documents: Sequence[DocumentEntry] = ()
) -> Placement:
    """Receive an upload as ``name``: staged, placed among ``documents`` (the served
    reports), and published into the corpus unless it is the same file again."""
    with staged_upload(src, name, settings) as upload:
        placement = place(upload, documents, settings.corpus_dir)
        if placement.status != "unchanged":
            publish(upload, settings)
        return placement


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

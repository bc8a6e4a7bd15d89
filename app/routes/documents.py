"""The reports: list them, show one with its outline, upload one (admin), remove one (admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile

from app.deps import AdminDep, HolderDep, ReindexerDep, SettingsDep
from app.errors import error_responses
from app.render import document_detail, document_info
from app.schemas import (
    DeleteResponse,
    DocumentDetail,
    DocumentInfo,
    ReindexStart,
    UploadResponse,
)
from app.uploads import store_upload, upload_name
from index.sources import in_corpus, public_source, source_path
from vraagbaak.errors import NotFoundError

router = APIRouter(tags=["documents"])


@router.get("/documents", response_model=list[DocumentInfo])
def documents(holder: HolderDep) -> list[DocumentInfo]:
    """The indexed reports (none before an index is loaded)."""
    return [document_info(d) for d in holder.documents()]


@router.get(
    "/documents/{document_id}", response_model=DocumentDetail, responses=error_responses(404, 422)
)
def document(document_id: str, holder: HolderDep) -> DocumentDetail:
    """One indexed report: what GET /documents lists, its outline (its sections in order,
    each with its first and last page, physical and printed) and its abbreviations."""
    ready = holder.loaded  # once: the manifest and the passages of one version
    snapshot = ready.searcher.snapshot if ready else None
    docs = snapshot.manifest.documents if snapshot else []
    doc = next((d for d in docs if d.document_id == document_id), None)
    if snapshot is None or doc is None:
        raise NotFoundError(f"no indexed report has id {document_id!r}; see GET /documents")
    return document_detail(doc, snapshot.passages_of(document_id))


@router.post(
    "/documents",
    status_code=202,
    response_model=UploadResponse,
    responses={
        200: {"model": UploadResponse, "description": "The same file again: nothing to do"},
        **error_responses(400, 401, 403, 409, 413, 415, 422),
    },
)
def upload(
    _: AdminDep,
    settings: SettingsDep,
    holder: HolderDep,
    reindexer: ReindexerDep,
    response: Response,
    file: Annotated[UploadFile, File(description="A PDF or UTF-8 text report")],
) -> UploadResponse:
    """Add a report to the corpus, or replace the report of that name with a new edition,
    and reindex in the background (202). The same file again changes nothing (200,
    ``unchanged``); the content of another report under a new name is refused (409,
    ``duplicate_report``)."""
    name = upload_name(file.filename)
    placed = store_upload(file.file, name, settings, holder.documents())
    if placed.status == "unchanged":
        response.status_code = 200
    reindex: ReindexStart | None = None  # the file is served already: nothing to do
    if not placed.served:
        reindex = "started" if reindexer.request() else "queued"
    return UploadResponse(
        status=placed.status,
        document_id=placed.document_id,
        stored_as=name,
        replaces=placed.replaces,
        reindex=reindex,
    )


@router.delete(
    "/documents/{document_id}",
    status_code=202,
    response_model=DeleteResponse,
    responses=error_responses(401, 403, 404, 422),
)
def delete(
    document_id: str,
    _: AdminDep,
    settings: SettingsDep,
    holder: HolderDep,
    reindexer: ReindexerDep,
) -> DeleteResponse:
    """Remove a report from the corpus and reindex in the background."""
    doc = next((d for d in holder.documents() if d.document_id == document_id), None)
    if doc is None:
        raise NotFoundError(f"no indexed report has id {document_id!r}; see GET /documents")
    shown = public_source(doc.source)
    path = source_path(doc.source, settings.corpus_dir)
    if not in_corpus(doc.source) or not path.resolve().is_relative_to(
        settings.corpus_dir.resolve()
    ):
        raise NotFoundError(
            f"report {document_id!r} ({shown}) is not in the corpus folder, so the service "
            "cannot remove it; remove it where it was indexed from and run `vraagbaak ingest`"
        )
    path.unlink(missing_ok=True)
    started = reindexer.request()
    return DeleteResponse(
        document_id=document_id, removed=shown, reindex="started" if started else "queued"
    )

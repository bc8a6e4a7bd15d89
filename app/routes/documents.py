"""The reports: list them, upload one (admin), remove one (admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile

from app.deps import AdminDep, HolderDep, ReindexerDep, SettingsDep
from app.errors import error_responses
from app.render import document_info
from app.schemas import DeleteResponse, DocumentInfo, UploadResponse
from app.uploads import store_upload, upload_name
from index.sources import in_corpus, public_source, source_path
from vraagbaak.errors import NotFoundError

router = APIRouter(tags=["documents"])


@router.get("/documents", response_model=list[DocumentInfo])
def documents(holder: HolderDep) -> list[DocumentInfo]:
    """The indexed reports (none before an index is loaded)."""
    return [document_info(d) for d in holder.documents()]


@router.post(
    "/documents",
    status_code=202,
    response_model=UploadResponse,
    responses=error_responses(400, 401, 403, 413, 415, 422),
)
def upload(
    _: AdminDep,
    settings: SettingsDep,
    reindexer: ReindexerDep,
    file: Annotated[UploadFile, File(description="A PDF or UTF-8 text report")],
) -> UploadResponse:
    """Add (or replace) a report in the corpus and reindex in the background."""
    name = upload_name(file.filename)
    raw = store_upload(file.file, name, settings)
    started = reindexer.request()
    return UploadResponse(
        document_id=raw.document_id, stored_as=name, reindex="started" if started else "queued"
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

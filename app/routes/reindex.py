"""Reindexing on request: start one (admin), follow it."""

from __future__ import annotations

from fastapi import APIRouter

from app.deps import AdminDep, ReindexerDep, SettingsDep
from app.errors import error_responses, hide_paths
from app.render import reindex_status
from app.schemas import ReindexStarted, ReindexStatusInfo

router = APIRouter(tags=["documents"])


@router.post(
    "/reindex",
    status_code=202,
    response_model=ReindexStarted,
    responses=error_responses(401, 403, 409),
)
def start_reindex(_: AdminDep, reindexer: ReindexerDep) -> ReindexStarted:
    """Bring the index in line with the corpus, in the background (409 while another process,
    e.g. `vraagbaak ingest`, reindexes)."""
    started = reindexer.request(fail_if_locked=True)
    return ReindexStarted(reindex="started" if started else "queued")


@router.get("/reindex", response_model=ReindexStatusInfo)
def follow_reindex(reindexer: ReindexerDep, settings: SettingsDep) -> ReindexStatusInfo:
    """State of the last background reindex."""
    status = reindex_status(reindexer.status)
    if status.error:  # e.g. a lock error naming the data folder
        status.error = hide_paths(status.error, settings.corpus_dir, settings.data_dir)
    return status

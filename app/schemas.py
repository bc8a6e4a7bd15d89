"""Request and response models of the HTTP API (validation lives in the Field constraints)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Filters(BaseModel):
    """Restrict a question to one report."""

    model_config = ConfigDict(extra="forbid")
    document_id: str | None = Field(None, max_length=64)


class AskRequest(BaseModel):
    """A question from the chat."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"question": "Hoeveel Centra Seksueel Geweld zijn er?", "top_k": 5}]
        },
    )
    # its limits are a setting (VRAAGBAAK_MAX_QUESTION_CHARS), so qa.check_question applies
    # them, the same for /ask, /search, the CLI and the evaluation: code invalid_question
    question: str = Field(
        ...,
        description="The question; white space is folded, then it must be non-empty and at "
        "most VRAAGBAAK_MAX_QUESTION_CHARS characters (1000 by default)",
    )
    top_k: int = Field(5, ge=1, le=50, strict=True, description="How many passages to return")
    filters: Filters | None = None

    @field_validator("question")
    @classmethod
    def unicode_text(cls, v: str) -> str:
        try:  # JSON can carry a lone surrogate (\ud800), which no text encoding can
            v.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("not valid Unicode text (it holds a lone surrogate)") from None
        return v


class Citation(BaseModel):
    document_id: str
    title: str
    source: str = Field(description="The report's file, relative to the corpus folder")
    page_start: int | None
    page_end: int | None
    page_inferred: bool
    section: str | None
    char_start: int
    char_end: int


class Passage(BaseModel):
    id: str
    rank: int
    score: float
    text: str
    citation: Citation


class AnswerSpan(BaseModel):
    text: str
    passage_id: str
    start: int
    end: int


class Reason(BaseModel):
    """Why a question counts as not answered."""

    code: str = Field(
        ...,
        description="off_topic | unknown_name | year | kind | counted | name | low_confidence",
    )
    text: str = Field(..., description="The same, in Dutch, for the reader of the chat")


class AskResponse(BaseModel):
    question: str
    language: str
    answerable: bool
    confidence: float
    answer: AnswerSpan | None
    passages: list[Passage]
    index_version: str
    took_ms: float
    reason: Reason | None = Field(
        None, description="Why the reports do not seem to answer, when answerable is false"
    )


class SearchResponse(BaseModel):
    query: str
    passages: list[Passage]
    index_version: str
    took_ms: float


class DocumentInfo(BaseModel):
    id: str
    title: str
    source: str = Field(description="The report's file, relative to the corpus folder")
    pages: int
    chunks: int
    sha256: str
    indexed_at: datetime


ReindexStart = Literal["started", "queued"]
REINDEX_START = "started: a reindex began; queued: one is running, another runs right after it"


class UploadResponse(BaseModel):
    """A report stored in the corpus; the reindex that serves it runs in the background."""

    document_id: str
    stored_as: str = Field(description="Its file, relative to the corpus folder")
    reindex: ReindexStart = Field(description=REINDEX_START)


class DeleteResponse(BaseModel):
    """A report removed from the corpus; the reindex that drops it runs in the background."""

    document_id: str
    removed: str = Field(description="Its file, relative to the corpus folder")
    reindex: ReindexStart = Field(description=REINDEX_START)


class ReindexStarted(BaseModel):
    reindex: ReindexStart = Field(description=REINDEX_START)


class ReindexFailure(BaseModel):
    source: str
    message: str


class ReindexReportInfo(BaseModel):
    """What a reindex did; sources relative to the corpus folder."""

    version: str | None
    changed: bool
    added: list[str]
    replaced: list[str]
    removed: list[str]
    unchanged: list[str]
    failures: list[ReindexFailure]
    chunks: int
    embedded: int
    seconds: float


class ReindexStatusInfo(BaseModel):
    """The last (or running) background reindex; times in ISO 8601 (UTC)."""

    running: bool
    queued: bool = Field(description="Another reindex runs right after the running one")
    started_at: datetime | None
    finished_at: datetime | None
    ok: bool | None
    report: ReindexReportInfo | None
    error: str | None


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready"]
    index_version: str

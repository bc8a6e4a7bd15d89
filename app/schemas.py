"""Request and response models of the HTTP API (validation lives in the Field constraints)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator


def _unicode(v: str) -> str:
    try:  # JSON can carry a lone surrogate (\ud800), which no text encoding can
        v.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("not valid Unicode text (it holds a lone surrogate)") from None
    return v


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
    context: list[Annotated[str, StringConstraints(max_length=10_000)]] = Field(
        default_factory=list,
        max_length=50,
        description="The conversation's earlier questions, oldest first: a follow-up such as "
        "'En in 2017?' or 'Waarom?' is read in their light (the last ten count)",
    )

    @field_validator("question")
    @classmethod
    def unicode_text(cls, v: str) -> str:
        return _unicode(v)

    @field_validator("context")
    @classmethod
    def unicode_context(cls, v: list[str]) -> list[str]:
        return [_unicode(c) for c in v]


class Citation(BaseModel):
    document_id: str
    title: str
    source: str = Field(description="The report's file, relative to the corpus folder")
    page_start: int | None = Field(description="Physical page: 1 is the file's first page")
    page_end: int | None
    label_start: str | None = Field(
        description="The page number printed on page_start (e.g. '12' or 'ii'); null: unknown"
    )
    label_end: str | None = Field(description="The page number printed on page_end")
    pages_text: str = Field(
        description="The pages as the chat and the CLI show them: 'p. 14', 'p. 14–15', and "
        "with the printed number where it differs, 'p. 14 (gedrukt 12)'"
    )
    page_inferred: bool
    ocr: bool = Field(description="The passage was read from page images by OCR")
    section: str | None
    char_start: int
    char_end: int
    link: str = Field(
        description="Where to check the passage against its source, relative to the service: "
        "a PDF opens at its physical page, its first words searched "
        "(/documents/{id}/file#page=N&search=...); another report opens in the reader view, "
        "scrolled to the passage and marked (/documents/{id}/view?passage=...#passage-...), "
        "the answer sentence marked too for the passage that holds it (&start=..&end=..)"
    )


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
    searched: str = Field(
        description="What was searched: the question, or a follow-up read together with the "
        "question it follows"
    )
    language: str
    status: Literal["answered", "uncertain", "not_found"] = Field(
        description="answered: the answer sentence is the answer; uncertain: the likeliest "
        "sentence is marked, check it against its passage; not_found: the reports do not "
        "answer (see reason)"
    )
    answerable: bool = Field(description="status is not not_found (kept for older clients)")
    confidence: float = Field(
        description="Calibrated probability that the highlighted passage answers the question"
    )
    answer: AnswerSpan | None
    passages: list[Passage]
    index_version: str
    took_ms: float
    reason: Reason | None = Field(
        None, description="Why the answer is uncertain or not found (absent when answered)"
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


class OutlineSection(BaseModel):
    """One section of a report, with the pages its passages (and its subsections') span."""

    section: str = Field(description="Its path of headings, ' > ' between them")
    heading: str = Field(description="Its own heading (the last of the path)")
    level: int = Field(description="1 for a chapter, 2 for its sections, ...")
    page_start: int = Field(description="First physical page")
    page_end: int = Field(description="Last physical page")
    label_start: str | None = Field(description="The page number printed on page_start")
    label_end: str | None = Field(description="The page number printed on page_end")
    passages: int = Field(description="Passages in this section itself (not its subsections)")


class DocumentDetail(DocumentInfo):
    """One indexed report: what GET /documents lists, its outline and its abbreviations."""

    outline: list[OutlineSection] = Field(description="Its sections in the order of the text")
    abbreviations: dict[str, str] = Field(
        description="The abbreviations it defines itself (short form: long form)"
    )


ReindexStart = Literal["started", "queued"]
REINDEX_START = "started: a reindex began; queued: one is running, another runs right after it"


UploadStatus = Literal["added", "replaced", "unchanged"]


class UploadResponse(BaseModel):
    """A report stored in the corpus (the reindex that serves it runs in the background), or
    the same file again."""

    status: UploadStatus = Field(
        description="added: a new report; replaced: a new edition of the report of that name "
        "(it replaces the old one entirely); unchanged: the corpus holds this file already"
    )
    document_id: str
    stored_as: str = Field(description="Its file, relative to the corpus folder")
    replaces: str | None = Field(
        None, description="The id of the edition it replaces (replaced, when it was indexed)"
    )
    reindex: ReindexStart | None = Field(
        description=REINDEX_START + "; null: the file is served already, nothing to do"
    )


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


class ReindexDuplicate(BaseModel):
    """A file not indexed: another report has the same content."""

    source: str
    same_as: str = Field(description="The report indexed with that content")


class ReindexReportInfo(BaseModel):
    """What a reindex did; sources relative to the corpus folder."""

    version: str | None
    changed: bool
    added: list[str]
    replaced: list[str]
    replaced_ids: dict[str, str] = Field(
        description="For each replaced report, the id of the edition it replaced"
    )
    removed: list[str]
    unchanged: list[str]
    duplicates: list[ReindexDuplicate]
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

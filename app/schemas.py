"""Request and response models of the HTTP API (validation lives in the Field constraints)."""

from __future__ import annotations

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
    question: str = Field(..., min_length=1, max_length=1000, description="The question")
    top_k: int = Field(5, ge=1, le=50, strict=True, description="How many passages to return")
    filters: Filters | None = None

    @field_validator("question")
    @classmethod
    def not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("the question is empty; type a question about the reports")
        return v


class Citation(BaseModel):
    document_id: str
    title: str
    source: str
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
    source: str
    pages: int
    chunks: int
    sha256: str
    indexed_at: str


class ErrorResponse(BaseModel):
    error: str
    detail: str

"""The OpenAI chat completions protocol, as ``/v1`` speaks it: requests are read leniently
(unknown fields are ignored, as OpenAI's own server does), responses follow the schema
exactly, with one extension field, ``citations``.

Reference: the ``openai`` Python client's models (``openai.types.chat``), which the tests
parse every response with.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ContentPart(BaseModel):
    """One part of a message's content; only text parts carry a question."""

    model_config = ConfigDict(extra="ignore")
    type: str
    text: str | None = None


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: str = Field(description="system, developer, user, assistant or tool")
    content: str | list[ContentPart] | None = None

    @property
    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        parts = self.content or []
        return " ".join(p.text for p in parts if p.type == "text" and p.text)


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="ignore")
    include_usage: bool = False


class ChatRequest(BaseModel):
    """``POST /v1/chat/completions``. Sampling fields (temperature, top_p, max_tokens, ...)
    are accepted and ignored: the answer is quoted from the reports, not sampled."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "model": "vraagbaak",
                    "messages": [
                        {"role": "user", "content": "Hoeveel Centra Seksueel Geweld zijn er?"}
                    ],
                }
            ]
        },
    )
    model: str = Field(description="'vraagbaak' (all reports) or one report's model id")
    messages: list[MessageIn] = Field(min_length=1)
    stream: bool = False
    stream_options: StreamOptions | None = None
    n: int = Field(1, description="Only 1: there is one answer")


class CitationOut(BaseModel):
    """A numbered source of the answer: ``[index]`` in its text."""

    index: int = Field(description="The n of [n] in the answer text")
    document_id: str
    title: str
    section: str | None
    page_start: int | None = Field(description="Physical page: 1 is the file's first page")
    page_end: int | None
    label_start: str | None = Field(description="The page number printed on page_start")
    label_end: str | None
    pages_text: str = Field(description="'p. 14', 'p. 14–15' or 'p. 14 (gedrukt 12)'")
    page_inferred: bool
    char_start: int = Field(description="Where the quote starts in the report's text")
    char_end: int
    quote: str = Field(description="The passage, exactly the report's text at the offsets")
    link: str = Field(description="The passage on Vraagbaak's own pages (absolute URL)")


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class MessageOut(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str
    refusal: None = None


class Choice(BaseModel):
    index: int = 0
    message: MessageOut
    finish_reason: Literal["stop"] = "stop"
    logprobs: None = None


class VraagbaakInfo(BaseModel):
    """What ``/ask`` decided, beside the protocol's fields."""

    status: Literal["answered", "uncertain", "not_found"]
    confidence: float
    mode: Literal["extractive", "generated"] = Field(
        description="extractive: the answer is quoted from the reports; generated: written by "
        "the configured model and checked sentence by sentence against its sources"
    )
    question: str = Field(description="What was searched (a follow-up made standalone)")
    index_version: str
    dropped_sentences: int = Field(0, description="Generated sentences that failed the check")
    fallback: str | None = Field(
        None,
        description="With a configured answer model: why the answer is quoted instead "
        "(every generated sentence failed the check, or the model failed)",
    )


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    system_fingerprint: str | None = None
    citations: list[CitationOut]
    vraagbaak: VraagbaakInfo


class Delta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None


class ChunkChoice(BaseModel):
    index: int = 0
    delta: Delta
    finish_reason: Literal["stop"] | None = None
    logprobs: None = None


class ChatCompletionChunk(BaseModel):
    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChunkChoice]
    system_fingerprint: str | None = None
    usage: Usage | None = None
    # the first chunk only: the sources (always, an empty list when there are none)
    citations: list[CitationOut] | None = None
    vraagbaak: VraagbaakInfo | None = None


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "vraagbaak"
    name: str = Field(description="For people: all reports, or the report's title")


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class OpenAIError(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class OpenAIErrorBody(BaseModel):
    error: OpenAIError

"""The records ingest produces: pages read from a file, the cleaned document, its chunks."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class PageLine:
    """A line of a page whose role the layout decided: ``body``, ``heading`` (with its
    level), ``row`` (a table row with its column headers) or ``caption`` (a table title)."""

    text: str
    role: str
    level: int = 0
    new_para: bool = False  # a body line that opens a paragraph


@dataclass(frozen=True)
class Page:
    """One page of extracted text; ``inferred`` when the page number is estimated.

    ``number`` is the physical page (1 = the file's first); ``label`` the page number
    printed on it, where that is known. ``lines`` is set when the layout was read."""

    number: int
    text: str
    inferred: bool = False
    footnotes: tuple[str, ...] = ()
    lines: tuple[PageLine, ...] = ()
    label: str | None = None
    ocr: bool = False


@dataclass(frozen=True)
class RawDocument:
    """A file as read: its pages, identity (content hash) and title."""

    source: str
    title: str
    sha256: str
    kind: str  # "pdf" | "text"
    pages: tuple[Page, ...]

    @property
    def document_id(self) -> str:
        return self.sha256[:16]


@dataclass(frozen=True)
class Chunk:
    """A passage with its full citation; ``text == document.text[char_start:char_end]``."""

    id: str
    document_id: str
    text: str
    section: str
    page_start: int
    page_end: int
    page_inferred: bool
    char_start: int
    char_end: int
    lang: str
    title: str = ""
    source: str = ""
    label_start: str = ""  # the page numbers printed on page_start / page_end, where known
    label_end: str = ""
    ocr: bool = False  # read from page images by OCR
    context: str = ""  # for retrieval only: the sentences that introduce a table cut off from it
    # (start, end) in ``text`` of each sentence, split once when the passage is made
    sentences: tuple[tuple[int, int], ...] = ()
    # indices into ``sentences`` of those that are headings (never an answer)
    heading_sentences: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.text and not self.sentences:
            from ingest.sentences import sentence_spans
            from ingest.structure import parse_heading

            spans = tuple(sentence_spans(self.text))
            heads = tuple(
                i for i, (s, e) in enumerate(spans) if parse_heading(self.text[s:e], None)
            )
            object.__setattr__(self, "sentences", spans)
            object.__setattr__(self, "heading_sentences", heads)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Chunk:
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        fields["sentences"] = tuple(tuple(s) for s in fields.get("sentences", ()))
        fields["heading_sentences"] = tuple(fields.get("heading_sentences", ()))
        return cls(**fields)


@dataclass
class Document:
    """A cleaned report: its text, where each page lies in it, and its chunks."""

    document_id: str
    source: str
    title: str
    sha256: str
    text: str
    page_spans: list[tuple[int, int, int]]  # (char_start, char_end, page number)
    pages_inferred: bool
    sections: list[str] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    page_labels: dict[int, str] = field(default_factory=dict)  # physical page -> printed

    @property
    def page_count(self) -> int:
        return len({p for _, _, p in self.page_spans})

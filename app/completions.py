"""What ``/v1/chat/completions`` answers: the verdict of ``/ask`` written as a chat message
with numbered Markdown sources, and the same sources as structured citations.

- ``answered``: the answer sentence, then ``[1]`` (its passage is always source 1);
- ``uncertain``: "Mogelijk antwoord — controleer de passage:", the likeliest sentence, the
  reason to check it;
- ``not_found``: "Niet gevonden in de rapporten." and the reason; nothing is cited, so no
  source seems to support an answer that is not there.

The wording follows the question's language (English for an English question, Dutch
otherwise). Each source line names the report, its section and pages, then quotes the
passage, so a client that renders only Markdown still shows where the answer comes from.

>>> section_text("IV Bescherming > IV.2 Steun > IV.2.2 Centra seksueel geweld")
'§ IV.2.2 Centra seksueel geweld'
>>> count_tokens("Hoeveel CSG's zijn er?")
7
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from app.openai_schemas import CitationOut, MessageIn
from app.schemas import AskResponse, Passage
from index.manifest import DocumentEntry
from qa import AskResult

ALL_REPORTS = "vraagbaak"
SOURCES = 3  # passages cited with an answer
_NUMBERED = re.compile(r"^(§\s*)?([0-9]+(\.[0-9]+)*|[IVXLC]+(\.[0-9]+)*|[A-Z](\.[0-9]+)*)\b")
_TOKEN = re.compile(r"\w+|[^\w\s]")

_WORDS = {
    "nl": {
        "uncertain": "**Mogelijk antwoord — controleer de passage:**",
        "not_found": "**Niet gevonden in de rapporten.**",
        "sources": "**Bronnen**",
    },
    "en": {
        "uncertain": "**Possible answer — check the passage:**",
        "not_found": "**Not found in the reports.**",
        "sources": "**Sources**",
    },
}


class ConversationError(ValueError):
    """The messages hold no question to answer."""


@dataclass(frozen=True)
class Conversation:
    question: str  # the last user message
    earlier: list[str]  # the user messages before it, oldest first


def read_messages(messages: Sequence[MessageIn]) -> Conversation:
    """The question (the last message, from the user) and the earlier user questions;
    system, developer, assistant and tool messages are context for people, not searched."""
    last = messages[-1]
    if last.role != "user":
        raise ConversationError(
            f"the last message is from {last.role!r}; it must be the user's question"
        )
    if not last.text.strip():
        raise ConversationError("the last user message has no text; type a question")
    earlier = [m.text for m in messages[:-1] if m.role == "user" and m.text.strip()]
    return Conversation(last.text, earlier)


def model_id(document_id: str) -> str:
    """The model that searches one report only."""
    return f"{ALL_REPORTS}/{document_id}"


def document_for(model: str, documents: Sequence[DocumentEntry]) -> str | None:
    """The report a model searches (None: all of them); KeyError for a model there is not."""
    if model == ALL_REPORTS:
        return None
    ids = {model_id(d.document_id): d.document_id for d in documents}
    if model not in ids:
        raise KeyError(model)
    return ids[model]


def count_tokens(text: str) -> int:
    """Tokens as ``usage`` counts them: words and punctuation marks (there is no language
    model's tokenizer to count with; the counts are consistent, not billing-exact)."""
    return len(_TOKEN.findall(text))


def section_text(section: str | None) -> str:
    """A citation's section: its own heading, with ``§`` before a numbered one."""
    if not section:
        return ""
    leaf = section.split(" > ")[-1].strip()
    return f"§ {leaf}" if _NUMBERED.match(leaf) and not leaf.startswith("§") else leaf


def language(detected: str) -> str:
    """The language an answer is worded in: English for an English question, else Dutch."""
    return "en" if detected == "en" else "nl"


def cited_passages(response: AskResponse, limit: int = SOURCES) -> list[Passage]:
    """The passages an answer cites: none when not found; otherwise the one holding the
    answer sentence first, then the best of the others."""
    if response.status == "not_found":
        return []
    first = response.answer.passage_id if response.answer else None
    ordered = sorted(response.passages, key=lambda p: (p.id != first, p.rank))
    return ordered[:limit]


def citations(
    response: AskResponse, base_url: str, passages: list[Passage] | None = None
) -> list[CitationOut]:
    """The structured sources, numbered as in the text; links made absolute."""
    base = base_url.rstrip("/")
    shown = cited_passages(response) if passages is None else passages
    return [
        CitationOut(
            index=n,
            document_id=p.citation.document_id,
            title=p.citation.title,
            section=p.citation.section,
            page_start=p.citation.page_start,
            page_end=p.citation.page_end,
            label_start=p.citation.label_start,
            label_end=p.citation.label_end,
            pages_text=p.citation.pages_text,
            page_inferred=p.citation.page_inferred,
            char_start=p.citation.char_start,
            char_end=p.citation.char_end,
            quote=p.text,
            link=base + p.citation.link,
        )
        for n, p in enumerate(shown, start=1)
    ]


def source_lines(cited: Sequence[CitationOut]) -> str:
    """``[1] Title, § 4.2 Heading, p. 42–43`` and the quoted passage, for each source."""
    blocks = []
    for c in cited:
        where = ", ".join(x for x in (c.title, section_text(c.section), c.pages_text) if x)
        quote = "\n".join(f"> {line}" if line.strip() else ">" for line in c.quote.splitlines())
        blocks.append(f"[{c.index}] {where}\n{quote}")
    return "\n\n".join(blocks)


def reason_text(result: AskResult) -> str:
    """Why the answer is uncertain or not found, in the question's language."""
    if result.status == "answered" or result.doubt is None:
        return ""
    return result.doubt.said_in(language(result.language))


def message_text(
    response: AskResponse, cited: Sequence[CitationOut], why: str = "", lead: str = ""
) -> str:
    """The answer as a Markdown chat message: ``lead`` (a generated answer with its own
    ``[n]`` markers), or the verdict's sentence with ``[1]``; ``why`` the reason to doubt
    it; then the sources."""
    words = _WORDS[language(response.language)]
    if response.status == "not_found" or not cited:
        return f"{words['not_found']} {why}".strip()
    sentence = lead or (f"{response.answer.text.strip()} [1]" if response.answer else "")
    if response.status == "uncertain":
        sentence = f"{words['uncertain']} {sentence}"
        if why:
            sentence += f"\n\n_{why}_"
    return f"{sentence}\n\n{words['sources']}\n\n{source_lines(cited)}"


def pieces(text: str, words: int = 8) -> Iterator[str]:
    """The text in pieces of a few words, white space kept, for a stream."""
    parts = re.findall(r"\S+\s*", text)
    lead = text[: len(text) - len(text.lstrip())]
    if lead:
        yield lead
    for i in range(0, len(parts), words):
        yield "".join(parts[i : i + words])

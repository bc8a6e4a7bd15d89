"""The optional generated chat answer (``VRAAGBAAK_LLM_URL``): written by the configured
model from the passages the answer cites, then checked sentence by sentence
(``qa.grounding``). What fails is dropped and counted; when nothing is left, or the model
cannot be reached, the quoted answer is given instead and the response says why."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from app.completions import language
from app.schemas import Passage
from qa.grounding import check_answer
from qa.pipeline import AskResult, ReadyIndex
from qa.support import window_support
from qa.writer import AnswerWriter
from vraagbaak.errors import WriterError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Generated:
    lead: str  # the checked answer with its [n] markers; "" for the quoted answer
    mode: Literal["extractive", "generated"]
    dropped: int = 0  # generated sentences that failed the check
    fallback: str | None = None  # why the quoted answer was given instead


EXTRACTIVE = Generated("", "extractive")


def generate(
    writer: AnswerWriter,
    result: AskResult,
    passages: list[Passage],
    ready: ReadyIndex,
    threshold: float,
) -> Generated:
    """The checked answer of ``writer`` to ``result``'s question from ``passages`` (the
    sources, in the order they are numbered); nothing is generated for a question the
    reports do not answer."""
    if result.status == "not_found" or not passages:
        return EXTRACTIVE
    by_id = {h.chunk.id: h for h in result.hits}
    hits = [by_id[p.id] for p in passages if p.id in by_id]
    if len(hits) != len(passages):
        return EXTRACTIVE
    sources = [p.text for p in passages]
    try:
        text = writer.write(result.searched or result.question, sources, language(result.language))
    except WriterError as exc:
        log.warning("answer model failed; quoting instead error=%r", str(exc))
        return Generated("", "extractive", 0, f"the answer model failed: {exc}")
    checked = check_answer(text, sources, window_support(ready, hits), threshold)
    for d in checked.dropped:
        log.info(
            "generated sentence dropped reason=%s missing=%s score=%s",
            d.reason,
            list(d.missing),
            d.score,
        )
    if not checked.kept:
        return Generated(
            "", "extractive", len(checked.dropped), "no generated sentence passed the check"
        )
    return Generated(checked.text, "generated", len(checked.dropped))

"""The ask and search paths of the service: :func:`qa.answer` on the served version, plus the
answer cache. The question is normalised and limited once, by :func:`qa.check_question`, the
same for ``/ask`` and ``/search`` (and for the CLI and the evaluation).

>>> asker = Asker(holder, AnswerCache(1024), settings)  # doctest: +SKIP
>>> asker.ask("Hoeveel Centra Seksueel Geweld zijn er?").answerable  # doctest: +SKIP
True
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from app.cache import AnswerCache, CacheKey
from app.serving import IndexHolder
from index.search import Hit
from qa import AskResult, ReadyIndex, answer, check_question
from qa.conversation import standalone
from vraagbaak.settings import Settings

MAX_CONTEXT_TURNS = 10  # earlier questions of a conversation that are read, at most


@dataclass(frozen=True)
class Found:
    """The passages a search found, and the version they come from."""

    query: str
    hits: list[Hit]
    index_version: str
    took_ms: float


class Asker:
    """Answers questions and searches on whatever version is served when they arrive."""

    def __init__(self, holder: IndexHolder, cache: AnswerCache, settings: Settings) -> None:
        self.holder = holder
        self.cache = cache
        self.settings = settings

    def ask(
        self,
        question: str,
        top_k: int = 5,
        document_id: str | None = None,
        context: Sequence[str] = (),
    ) -> AskResult:
        """The answer; ``context``: the conversation's earlier questions (oldest first), which
        a follow-up such as "En in 2017?" is read with (see :mod:`qa.conversation`)."""
        t0 = time.perf_counter()
        q = check_question(question, self.settings.max_question_chars)
        earlier = [" ".join(c.split()) for c in context if c.strip()][-MAX_CONTEXT_TURNS:]
        searched = standalone(q, earlier)
        ready = self.holder.current()  # kept to the end: a swap does not change this answer
        key = CacheKey(searched, top_k, document_id, ready.version)
        cached = self.cache.get(key)
        if cached is not None:
            return replace(cached.again((time.perf_counter() - t0) * 1000), question=q)
        result = answer(
            ready,
            searched,
            threshold=self.settings.abstain_threshold,
            top_k=top_k,
            document_id=document_id,
        )
        result = replace(result, question=q, searched=searched)
        self.cache.put(key, result)
        return result

    def search(self, query: str, top_k: int = 5, document_id: str | None = None) -> Found:
        t0 = time.perf_counter()
        q = check_question(query, self.settings.max_question_chars)
        ready: ReadyIndex = self.holder.current()
        hits = ready.searcher.search(q, top_k=top_k, document_id=document_id)
        return Found(q, hits, ready.version, (time.perf_counter() - t0) * 1000)

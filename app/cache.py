"""The answer cache: repeated questions are answered from memory (least recently used out).

The key is the question as :func:`qa.check_question` normalised it (white space folded, case
kept: names and abbreviations are judged case-sensitively, so "CSG" and "csg" may get other
verdicts), the answer options and the index version, so a new version never serves old answers.

>>> cache = AnswerCache(size=2)
>>> cache.get(CacheKey("Wat is een CSG?", 5, None, "v1")) is None
True
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import NamedTuple

from qa import AskResult


class CacheKey(NamedTuple):
    """What decides an answer."""

    question: str  # normalised, case kept
    top_k: int
    document_id: str | None
    index_version: str


class AnswerCache:
    """A thread-safe LRU of AskResults; ``size`` 0 switches it off."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[CacheKey, AskResult] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: CacheKey) -> AskResult | None:
        with self._lock:
            result = self._items.get(key)
            if result is not None:
                self._items.move_to_end(key)
            return result

    def put(self, key: CacheKey, result: AskResult) -> None:
        if not self.size:
            return
        with self._lock:
            self._items[key] = result
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)

"""Deterministic language detection (langdetect with a fixed seed).

Short Dutch texts are often taken for Afrikaans; in Dutch government reports they are Dutch,
so Afrikaans counts as Dutch.
"""

from __future__ import annotations

from functools import lru_cache

_SAME_AS = {"af": "nl"}


@lru_cache(maxsize=4096)
def detect_language(text: str, default: str = "nl") -> str:
    """ISO code of the text's language; ``default`` when there is too little text to tell."""
    from langdetect import DetectorFactory, LangDetectException, detect_langs

    DetectorFactory.seed = 0
    if sum(ch.isalpha() for ch in text) < 3:
        return default
    try:
        best = detect_langs(text)[0]
    except LangDetectException:
        return default
    return _SAME_AS.get(str(best.lang), str(best.lang))


def warm_up() -> None:
    """Load langdetect's profiles now (about a second) rather than in the first request."""
    detect_language("Dit is een korte Nederlandse zin om het model te laden.")

"""Deterministic language detection (langdetect with a fixed seed)."""

from __future__ import annotations

from functools import lru_cache


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
    return str(best.lang)

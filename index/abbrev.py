"""Abbreviations a report defines itself (``Centra voor Seksueel Geweld (CSG’s)``).

A question that uses the short form is widened with the long form and vice versa, so both
the lexical and the dense side see the words the report uses.
"""

from __future__ import annotations

import re

_DEF = re.compile(
    r"((?:[A-ZÀ-Ý][\w’'-]*|\w[\w’'-]*)(?:[ -][\w’'-]+){0,7})\s+\(([A-Z][A-Za-z&]{1,9})(?:[’']s)?\)"
)


def find_abbreviations(text: str) -> dict[str, str]:
    """Map of short form -> long form for definitions whose initials match the long form."""
    found: dict[str, str] = {}
    for m in _DEF.finditer(text):
        words, short = m.group(1).split(), m.group(2)
        long = _match_initials(words, short)
        if long and short not in found:
            found[short] = long
    return found


_SMALL_WORDS = frozenset("de het een en van voor of in op der den te met".split())


def _match_initials(words: list[str], short: str) -> str | None:
    """The shortest tail of ``words`` whose initials spell ``short``: those of its capitalised
    words, of all its words, or of all but its small words (``en``, ``van``, ``voor`` ...)."""
    letters = "".join(c for c in short if c.isupper())
    for n in range(1, len(words) + 1):
        tail = words[-n:]
        if not tail[0][:1].isalpha() or tail[0].lower() in _SMALL_WORDS:
            continue
        spellings = {
            "".join(w[0] for w in tail if w[:1].isupper()),
            "".join(w[0] for w in tail).upper(),
            "".join(w[0] for w in tail if w.lower() not in _SMALL_WORDS).upper(),
        }
        if letters in spellings or short.upper() in spellings:
            return " ".join(tail)
    return None


def _content_words(text: str) -> list[str]:
    return [w for w in re.findall(r"\w+", text.lower()) if w not in _SMALL_WORDS]


def _contains(words: list[str], part: list[str]) -> bool:
    n = len(part)
    return any(words[i : i + n] == part for i in range(len(words) - n + 1))


def expand_query(query: str, abbreviations: dict[str, str]) -> str:
    """The query with the long form of each abbreviation it uses appended, and the short form
    of each long form it spells out."""
    extra = []
    lowered = query.lower()
    for word in set(re.findall(r"\b[A-Z][A-Za-z&]{1,9}\b", query)):
        base = re.sub(r"[’']?s$", "", word) if word not in abbreviations else word
        if base in abbreviations and abbreviations[base].lower() not in lowered:
            extra.append(abbreviations[base])
    content = _content_words(query)
    for short, long in abbreviations.items():
        words = _content_words(long)
        if len(words) > 1 and _contains(content, words) and short not in query:
            extra.append(short)
    return f"{query} ({'; '.join(sorted(extra))})" if extra else query

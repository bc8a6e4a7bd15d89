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


def _match_initials(words: list[str], short: str) -> str | None:
    """The shortest tail of ``words`` whose capitalised initials spell ``short``."""
    letters = [c for c in short if c.isupper()]
    for n in range(1, len(words) + 1):
        tail = words[-n:]
        initials = [w[0].upper() for w in tail if w[:1].isupper() or len(w) > 3]
        if initials == letters or "".join(w[0] for w in tail).upper() == short.upper():
            return " ".join(tail)
    return None


def expand_query(query: str, abbreviations: dict[str, str]) -> str:
    """The query with the long form of each abbreviation it uses appended."""
    extra = []
    for word in set(re.findall(r"\b[A-Z][A-Za-z&]{1,9}\b", query)):
        base = re.sub(r"[’']?s$", "", word) if word not in abbreviations else word
        if base in abbreviations and abbreviations[base].lower() not in query.lower():
            extra.append(abbreviations[base])
    return f"{query} ({'; '.join(sorted(extra))})" if extra else query

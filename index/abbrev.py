"""Abbreviations a report defines itself (``Centra voor Seksueel Geweld (CSG’s)``), per report.

A question that uses the short form is widened with the long form and vice versa, so both
the lexical and the dense side see the words the report uses. Two reports may define one
short form differently (``PGB``: a *persoonsgebonden budget* in one, the *Programma Gemengd
Bouwen* in the other): each report's definitions are kept apart (:func:`merge` lists every
meaning), and a short form is added for a spelt-out long form only where it has one meaning.

>>> find_abbreviations("het persoonsgebonden budget (PGB) van de cliënt")
{'PGB': 'persoonsgebonden budget'}
>>> both = merge([{"PGB": "persoonsgebonden budget"}, {"PGB": "Programma Gemengd Bouwen"}])
>>> expand_query("Wat is een PGB?", both)
'Wat is een PGB? (Programma Gemengd Bouwen; persoonsgebonden budget)'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

# short form -> its long forms, one per meaning (see merge); one report's map has one each
Abbreviations = Mapping[str, tuple[str, ...]]

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
    words, of all its words, or of all but its small words (``en``, ``van``, ``voor`` ...);
    failing those, a tail whose words spell it as Dutch compounds do (see :func:`_compound`)."""
    letters = "".join(c for c in short if c.isupper())
    tails = [words[-n:] for n in range(1, len(words) + 1)]
    tails = [t for t in tails if t[0][:1].isalpha() and t[0].lower() not in _SMALL_WORDS]
    for tail in tails:
        spellings = {
            "".join(w[0] for w in tail if w[:1].isupper()),
            "".join(w[0] for w in tail).upper(),
            "".join(w[0] for w in tail if w.lower() not in _SMALL_WORDS).upper(),
        }
        if letters in spellings or short.upper() in spellings:
            return " ".join(tail)
    for tail in tails:
        if _compound([w.upper() for w in tail if w.lower() not in _SMALL_WORDS], short.upper()):
            return " ".join(tail)
    return None


def _compound(words: Sequence[str], letters: str) -> bool:
    """Whether ``words`` spell ``letters`` in order, each word giving its first letter and
    perhaps more from inside it, as a compound gives one per part (``persoonsgebonden
    budget``: PGB, ``Ondernemingsraad``: OR)."""
    if not words:
        return not letters
    word = words[0].replace("-", "")
    if not letters or not word.startswith(letters[0]):
        return False
    rest = letters[1:]
    # the first k of the remaining letters come from inside this word, in order
    for k in range(len(rest) + 1):
        if _subsequence(rest[:k], word[1:]) and _compound(words[1:], rest[k:]):
            return True
    return False


def _subsequence(part: str, word: str) -> bool:
    it = iter(word)
    return all(c in it for c in part)


def long_forms(value: str | Sequence[str]) -> tuple[str, ...]:
    """The long forms of a map's value: one report's (a string) or several (a tuple)."""
    return (value,) if isinstance(value, str) else tuple(value)


def _content_words(text: str) -> list[str]:
    return [w for w in re.findall(r"\w+", text.lower()) if w not in _SMALL_WORDS]


def _meaning(long: str) -> tuple[str, ...]:
    """What a long form says, apart from case and small words (``Centra voor Seksueel
    Geweld`` and ``Centra Seksueel Geweld`` are one meaning)."""
    return tuple(_content_words(long))


def merge(definitions: Iterable[Mapping[str, str]]) -> dict[str, tuple[str, ...]]:
    """Several reports' definitions as one map: each short form with every meaning some
    report gives it, in the order of the reports (each meaning in its first wording)."""
    merged: dict[str, list[str]] = {}
    for defs in definitions:
        for short, long in defs.items():
            forms = merged.setdefault(short, [])
            if _meaning(long) not in {_meaning(f) for f in forms}:
                forms.append(long)
    return {short: tuple(forms) for short, forms in merged.items()}


def _contains(words: list[str], part: list[str]) -> bool:
    n = len(part)
    return any(words[i : i + n] == part for i in range(len(words) - n + 1))


_SHORT_FORM = re.compile(r"\b[A-Z][A-Za-z&]{1,9}\b")


class Expansion:
    """:func:`expand_query` with one map of abbreviations, what depends on the map alone (the
    words of each long form) worked out once, when an index version is loaded.

    >>> Expansion({"CSG": "Centra Seksueel Geweld"})("Hoeveel Centra Seksueel Geweld zijn er?")
    'Hoeveel Centra Seksueel Geweld zijn er? (CSG)'
    """

    def __init__(self, abbreviations: Mapping[str, str | Sequence[str]]) -> None:
        self.abbreviations = abbreviations
        # each short form with one meaning whose long form has two content words or more
        self._spelt: list[tuple[str, list[str], frozenset[str]]] = []
        for short, value in abbreviations.items():
            forms = long_forms(value)
            if len(forms) == 1 and len(words := _content_words(forms[0])) > 1:
                self._spelt.append((short, words, frozenset(words)))

    def __call__(self, query: str) -> str:
        abbreviations = self.abbreviations
        extra: list[str] = []
        lowered = query.lower()
        for word in sorted(set(_SHORT_FORM.findall(query))):
            base = re.sub(r"[’']?s$", "", word) if word not in abbreviations else word
            for long in long_forms(abbreviations.get(base, ())):
                if long.lower() not in lowered and long not in extra:
                    extra.append(long)
        content = _content_words(query)
        present = frozenset(content)
        for short, words, needed in self._spelt:
            if short in query or short in extra or not needed <= present:
                continue
            if _contains(content, words):
                extra.append(short)
        return f"{query} ({'; '.join(sorted(extra))})" if extra else query


def expand_query(query: str, abbreviations: Mapping[str, str | Sequence[str]]) -> str:
    """The query with the long form(s) of each abbreviation it uses appended, and the short
    form of each long form it spells out.

    A short form with several meanings (from several reports) brings every one of them, so
    each report's passages are matched with its own; a spelt-out long form brings its short
    form only when that has no other meaning (it would match the other reports' passages).
    The service expands with an :class:`Expansion` made once per index version."""
    return Expansion(abbreviations)(query)

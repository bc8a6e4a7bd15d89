"""A generated answer checked sentence by sentence against the sources it cites.

A sentence is kept only when:

- it cites at least one source with a ``[n]`` marker, and every ``n`` is a source it was given;
- each fact in it (number, date, amount, month, name or abbreviation) occurs in a source it
  cites;
- it is supported by a source it cites: ``support(sentence, cited)`` is at least the
  threshold (the question-style similarity of the sentence to the best window of the cited
  passages; the threshold is chosen on the question sets, see ``eval/grounding.py``).

Whatever fails is dropped and counted, with the reason; the caller falls back to the quoted
answer when nothing is left.

>>> sources = ["In 2017 waren er 16 centra seksueel geweld."]
>>> checked = check_answer(
...     "Er waren 16 centra [1]. Er waren 18 centra in Bonaire [1]. Dat is veel.",
...     sources, lambda sentence, cited: 0.9, threshold=0.8)
>>> checked.text
'Er waren 16 centra [1].'
>>> [(d.reason, d.missing) for d in checked.dropped]
[('fact', ('18', 'Bonaire')), ('uncited', ())]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ingest.sentences import sentence_spans

Support = Callable[[str, Sequence[int]], float]  # (sentence, cited source indices) -> score

_MARKER = re.compile(r"\[(\d{1,3})\]")
_MARKERS_ONLY = re.compile(r"^(\s*\[\d{1,3}\])+\s*[.!?]?\s*")
# a number with its separators (1.234,5 / 17,3 / 2016–2017 is two numbers)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
MONTHS = frozenset(
    """januari februari maart april mei juni juli augustus september oktober november december
    jan feb mrt apr jun jul aug sep sept okt nov dec
    january february march may june july august october
    """.split()
)
# capitalised words that are not names: sentence openers and pronouns
_NOT_NAMES = frozenset(
    """de het een in op dit deze dat die er ook daarnaast daarom daarbij hier dan toch echter
    dus verder tevens volgens bij met voor na naar van uit tot om als volgens
    the a an this these that it in on at for since then also however according i
    """.split()
)


@dataclass(frozen=True)
class Dropped:
    sentence: str
    # uncited: no [n]; unknown_source: an [n] it was not given; fact: a fact no cited source
    # holds (``missing``); weak: the cited sources do not support it (``score``)
    reason: str
    missing: tuple[str, ...] = ()
    score: float | None = None


@dataclass(frozen=True)
class Checked:
    kept: tuple[str, ...]
    dropped: tuple[Dropped, ...]

    @property
    def text(self) -> str:
        return " ".join(self.kept)


def _digits(token: str) -> str:
    return re.sub(r"[.,]", "", token)


def facts(sentence: str) -> list[str]:
    """The facts of a sentence that a source must hold: numbers (with their separators),
    month names, and capitalised words past the first (names, abbreviations)."""
    text = _MARKER.sub(" ", sentence)
    out = [m.group() for m in _NUMBER.finditer(text)]
    words = list(_WORD.finditer(text))
    for i, m in enumerate(words):
        w = m.group()
        if (
            w.lower() in MONTHS
            or (w[0].isupper() and i > 0 and w.lower() not in _NOT_NAMES)
            or (len(w) > 1 and w.isupper())
        ):
            out.append(w)
    return list(dict.fromkeys(out))


def _holds(fact: str, numbers: set[str], words: set[str]) -> bool:
    if fact[0].isdigit():
        return _digits(fact) in numbers
    return fact.lower() in words


def sentences(text: str) -> list[str]:
    """The sentences of a generated answer; a run of markers after a full stop
    (``… 2017. [1]``) belongs to the sentence before it."""
    out: list[str] = []
    for s, e in sentence_spans(text):
        part = " ".join(text[s:e].split())
        lead = _MARKERS_ONLY.match(part)
        if lead and out:
            out[-1] = f"{out[-1]} {lead.group().strip()}"
            part = part[lead.end() :]
        if part:
            out.append(part)
    return out


def check_answer(text: str, sources: Sequence[str], support: Support, threshold: float) -> Checked:
    """Keep the sentences of ``text`` that pass every check against ``sources`` (numbered
    from 1 in the markers); drop and say why for the others."""
    numbers = [{_digits(m.group()) for m in _NUMBER.finditer(s)} for s in sources]
    words = [{w.group().lower() for w in _WORD.finditer(s)} for s in sources]
    kept: list[str] = []
    dropped: list[Dropped] = []
    for sentence in sentences(text):
        cited = sorted({int(n) for n in _MARKER.findall(sentence)})
        if not cited:
            dropped.append(Dropped(sentence, "uncited"))
            continue
        if any(n < 1 or n > len(sources) for n in cited):
            dropped.append(Dropped(sentence, "unknown_source"))
            continue
        idx = [n - 1 for n in cited]
        nums = set().union(*(numbers[i] for i in idx))
        vocab = set().union(*(words[i] for i in idx))
        missing = tuple(f for f in facts(sentence) if not _holds(f, nums, vocab))
        if missing:
            dropped.append(Dropped(sentence, "fact", missing))
            continue
        score = support(re.sub(r"\s*\[\d{1,3}\]", "", sentence).strip(), idx)
        if score < threshold:
            dropped.append(Dropped(sentence, "weak", score=score))
            continue
        kept.append(sentence)
    return Checked(tuple(kept), tuple(dropped))

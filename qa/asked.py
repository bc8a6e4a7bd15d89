"""What a question asks for, read once, and whether a sentence can be that answer.

A passage on the right topic often does not hold what was asked: the year is another, the
figure is of something else, the organisation named is not the one asked about. These
checks are how a report shows it is silent on something it does discuss.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from index.abbrev import long_forms
from index.lexical import tokenize
from index.search import Hit
from qa.answertype import AnswerType, counted_word, expected_type, holds
from qa.doubt import Doubt
from qa.terms import Forms, TermWeights

_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_WORD = r"(?:[A-ZÀ-Ý][\w-]*[a-zà-ÿ][\w-]*|[A-Z]{2,}[\w-]*)"
# a run of capitalised words after the first word of a sentence, small words allowed inside
_NAME = re.compile(
    rf"(?<![.?!:]\s)(?<!^)\b{_WORD}"
    rf"(?:\s+(?:(?:van|voor|tegen|de|der|het|en|of|for|the|and)\s+)*{_WORD})*"
)
COMMON_NAME = 0.1  # a name in more than this share of the passages says little of what is asked


def names(question: str) -> list[str]:
    """The names in a question: runs of capitalised words after its first word.

    >>> names("Sinds wanneer is het Verdrag van Istanbul in Nederland van kracht?")
    ['Verdrag van Istanbul', 'Nederland']
    """
    return [m.group(0) for m in _NAME.finditer(" ".join(question.split()))]


@dataclass(frozen=True)
class Asked:
    """What a question asks for: its terms, the kind of answer, the years it names, for
    "hoeveel X" the X counted, and the specific names it is about."""

    terms: frozenset[str]
    kind: AnswerType
    years: frozenset[str]
    counted: frozenset[str]
    counted_word: str
    # per name: the name, and its stemmed terms (and its other form's), any one of which will do
    names: tuple[tuple[str, frozenset[str]], ...]
    unknown: tuple[str, ...]  # names no indexed passage uses

    @classmethod
    def read(
        cls,
        question: str,
        weights: TermWeights,
        language: str = "nl",
        expanded: str | None = None,
        abbreviations: Mapping[str, str | Sequence[str]] | None = None,
    ) -> Asked:
        """``expanded`` is the question widened with abbreviations (its terms are matched);
        an abbreviation stands for its long form and the other way round. In an English
        question, most capitalised words are English words, not names: only those that
        several passages use (``Caring Dads``, ``GREVIO``) count, and among the names no
        report uses, only countries."""
        word = counted_word(question)
        specific: list[tuple[str, frozenset[str]]] = []
        unknown: list[str] = []
        for name in names(question):
            if language == "en":  # "Belgium and Germany" is one run of capitalised words
                unknown += [
                    c
                    for c in _COUNTRY.findall(name)
                    if not all(map(weights.known, tokenize(COUNTRIES[c])))
                ]
            terms = tokenize(name)
            if not terms:
                continue
            if not all(map(weights.known, terms)):
                if language == "nl":
                    unknown.append(name)
            elif min(map(weights.share, terms)) < COMMON_NAME and (
                language == "nl" or min(map(weights.count, terms)) >= 2
            ):
                forms = terms + tokenize(_other_form(name, abbreviations or {}))
                specific.append((name, frozenset(forms)))
        return cls(
            frozenset(tokenize(expanded or question)),
            expected_type(question),
            frozenset(_YEAR.findall(question)),
            frozenset(tokenize(word)) if word else frozenset(),
            word or "",
            tuple(specific),
            tuple(unknown),
        )

    def misfit(self, text: str, hit: Hit, passage: Forms | None = None) -> Doubt | None:
        """Why ``text`` (a sentence of ``hit``) cannot answer the question, or None;
        ``passage`` is the passage's terms, when the caller has them already.

        - a year the question names that the passage does not mention (2019 figures are not
          in a report on 2016–2017);
        - a question for an amount, a duration, a date, a share or a count, and a sentence
          holding none;
        - a "hoeveel X" whose passage never mentions X;
        - a specific name the question is about (``Kindertelefoon``) that the passage never
          mentions: it answers about someone else."""
        missing = self.years - set(_YEAR.findall(hit.chunk.text))
        if missing:
            return Doubt("year", " en ".join(sorted(missing)))
        if not holds(self.kind, text):
            return Doubt("kind", self.kind.value)
        if not (self.counted or self.names):
            return None
        if passage is None:
            passage = Forms(tokenize(f"{hit.chunk.context} {hit.chunk.text}"))
        if self.counted and not self.counted & passage.terms:
            return Doubt("counted", self.counted_word)
        for name, forms in self.names:
            if not any(map(passage.has, forms)):
                return Doubt("name", name)
        return None


# English names of countries a question may compare with, and the Dutch names a report uses
COUNTRIES = {
    "Belgium": "België",
    "Germany": "Duitsland",
    "France": "Frankrijk",
    "Spain": "Spanje",
    "Italy": "Italië",
    "Portugal": "Portugal",
    "Austria": "Oostenrijk",
    "Denmark": "Denemarken",
    "Sweden": "Zweden",
    "Norway": "Noorwegen",
    "Finland": "Finland",
    "Ireland": "Ierland",
    "Poland": "Polen",
    "Greece": "Griekenland",
    "Luxembourg": "Luxemburg",
    "Switzerland": "Zwitserland",
    "Turkey": "Turkije",
    "Morocco": "Marokko",
    "United Kingdom": "Verenigd Koninkrijk",
    "UK": "Verenigd Koninkrijk",
    "England": "Engeland",
    "Scotland": "Schotland",
    "United States": "Verenigde Staten",
    "USA": "Verenigde Staten",
    "Canada": "Canada",
    "Australia": "Australië",
    "Suriname": "Suriname",
    "Aruba": "Aruba",
    "Curaçao": "Curaçao",
}


_COUNTRY = re.compile(r"\b(" + "|".join(sorted(COUNTRIES, key=len, reverse=True)) + r")\b")


def _other_form(name: str, abbreviations: Mapping[str, str | Sequence[str]]) -> str:
    """The long form(s) of an abbreviation, or the abbreviation of a long form."""
    if name in abbreviations:
        return " ".join(long_forms(abbreviations[name]))
    lowered = name.lower()
    return " ".join(
        short
        for short, value in abbreviations.items()
        if any(long.lower() == lowered for long in long_forms(value))
    )

"""Follow-up questions: a question read in the light of the earlier ones of its conversation.

A chat question such as "En in 2017?", "Waarom?" or "Wat zegt het rapport over Bonaire?"
means nothing alone. :func:`standalone` decides whether a question leans on what was asked
before and, when it does, searches for it together with the question it follows:

- a question leans on the conversation when it has at most two words of its own that carry
  meaning (stopwords and words about the report itself, such as "rapport" or "zegt", do not
  count), or at most four when it opens as a continuation ("en", "maar", "what about") or
  points back with a pronoun ("dat", "die", "it", "they");
- the earlier question is itself made standalone first, so a chain of follow-ups keeps its
  subject;
- a year (or another number) in the follow-up replaces the earlier question's years: "En in
  2017?" after a question about 2016 asks about 2017 only.

Nothing here is tuned to a question: the rule reads only the words of the question.

>>> standalone("En in 2017?", ["Hoeveel meldingen kreeg Veilig Thuis in 2016?"])
'Hoeveel meldingen kreeg Veilig Thuis in? En in 2017?'
>>> standalone("Hoeveel centra seksueel geweld zijn er?", ["Wat is Veilig Thuis?"])
'Hoeveel centra seksueel geweld zijn er?'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from index.lexical import tokenize

# words that say nothing of a question's subject: about the report or the asking itself,
# question words, auxiliaries and pronouns (the lexical stopword lists keep some of these,
# English barely has one)
_GENERIC = frozenset(
    tokenize(
        "rapport rapporten rapportage verslag report reports document staat staan zegt zeggen "
        "vermeld vermeldt noemt genoemd say says said mention mentions tell about over iets "
        "meer more precies exactly graag please dan then wel eigenlijk nog ook er per "
        "hoeveel wat wie waar waarom wanneer hoe welke welk hoezo what why how who whom whose "
        "when where which many much "
        "is zijn was waren wordt worden werd werden kan kunnen moet moeten heeft hebben had "
        "gaat gaan doet doen zal zullen "
        "do does did done are were be been being has have had can could should would will "
        "shall may might must go goes going get gets got "
        "ze zij hun hen hij zijn haar het dat dit die deze daar "
        "it its they them their he she his her we our you your that this these those there "
        "what's who's how's s new nieuw nieuwe"
    )
)
_OPENERS = re.compile(
    r"^\s*(en|maar|ook|of|dus|and|but|also|or|so|wat als|what about|how about|hoe zit het"
    r"|hoe staat het|en hoe|en wat|waarom|why|hoezo|idem)\b",
    re.IGNORECASE,
)
_POINTING = re.compile(
    r"\b(dat|dit|die|deze|daar|daarvan|daarin|daarbij|daarvoor|hiervan|hierin|ze|zij|hun|hen"
    r"|it|its|they|them|their|that|this|these|those|there)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\b(?:19|20)\d{2}\b")
OWN_WORDS_ALONE = 2  # a question with at most this many words of its own leans on the context
OWN_WORDS_POINTING = 4  # ... or with at most this many, when it opens or points back
MAX_CONTEXT_CHARS = 600  # the earlier question kept beside a follow-up, at most


def own_words(question: str) -> list[str]:
    """The question's stemmed words that carry meaning (no stopwords, nothing generic)."""
    return [t for t in tokenize(question) if t not in _GENERIC]


def is_follow_up(question: str) -> bool:
    """Whether the question cannot stand alone (see the module's rule)."""
    n = len(own_words(question))
    if n <= OWN_WORDS_ALONE:
        return True
    leans = bool(_OPENERS.search(question) or _POINTING.search(question))
    return leans and n <= OWN_WORDS_POINTING


def _merge(context: str, question: str) -> str:
    if _NUMBER.search(question):  # the follow-up's years replace the earlier ones
        context = re.sub(r"\s+([?.!,;:])", r"\1", " ".join(_NUMBER.sub("", context).split()))
    if len(context) > MAX_CONTEXT_CHARS:
        context = context[:MAX_CONTEXT_CHARS].rsplit(" ", 1)[0]
    return f"{context} {question}"


def standalone(question: str, earlier: Sequence[str]) -> str:
    """What to search for ``question``, given the conversation's earlier user questions
    (oldest first): the question itself, or, for a follow-up, the question it follows
    (itself made standalone) merged with it."""
    if not earlier or not is_follow_up(question):
        return question
    context = standalone(earlier[-1], earlier[:-1])
    return _merge(context, question)

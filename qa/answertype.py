"""What kind of answer a question asks for, and whether a piece of text holds one.

"Hoeveel geld ..." wants an amount of money, "hoe lang ..." a duration, "in welk jaar ..." a
date, "welk percentage ..." a share, "hoeveel meldingen ..." a count of reports. A passage
about the right topic whose text holds no answer of that kind does not answer the question:
this is the main way a report shows it is silent on something it does discuss.
"""

from __future__ import annotations

import re
from enum import Enum


class AnswerType(Enum):
    NONE = "none"  # open questions: what, how, why, who, yes/no
    DATE = "date"
    MONEY = "money"
    DURATION = "duration"
    SHARE = "share"
    COUNT = "count"
    FIGURE = "figure"  # any figure: an average, a total ("gemiddelde doorlooptijd")


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(rf"(?:{p})" for p in patterns), re.IGNORECASE)


# a question opening with a verb asks yes or no ("Is er ...", "Kan ...", "Does ...")
_YES_NO = _any(
    r"^(is|zijn|was|waren|kan|kunnen|mag|mogen|moet|moeten|heeft|hebben|had|hadden|wordt|"
    r"worden|werd|werden|bestaat|bestaan|geldt|gelden|valt|vallen|zal|zullen|krijgt|krijgen)\b",
    r"^(is|are|was|were|can|could|may|must|should|does|do|did|has|have|had|will|would)\b",
)
_DATE_Q = _any(
    r"\b(sinds|vanaf|per|tot|uiterlijk) wanneer\b",
    r"\bin welk jaar\b",
    r"\bwelk jaar\b",
    r"\bop welke datum\b",
    r"\bwanneer\b.*\b(gestart|begonnen|ingevoerd|opgericht|ingegaan|van kracht|in werking|"
    r"geratificeerd|ondertekend|verschenen|gepubliceerd|gelanceerd|afgerond|aangenomen|"
    r"geëvalueerd|herzien|verlengd|opgeheven|afgeschaft|verwacht)\b",
    r"\b(since|from) when\b",
    r"\b(in )?(what|which) year\b",
    r"\bon what date\b",
    r"\bwhen\b.*\b(start|began|begin|introduc|enter|came into|ratif|sign|publish|launch|"
    r"found|establish|adopt|evaluat|review|expect)",
)
_MONEY_Q = _any(
    r"\bhoeveel (\w+ ){0,2}(geld|euro|subsidie|budget)\b",
    r"\b(welk|welke|hoog|groot) (\w+ )?(bedrag|budget|bedragen)\b",
    r"\bwat (is|was|zijn|waren) (het|de) (\w+ )?(budget|bedrag|kosten|subsidie)\b",
    r"\bhoe (hoog|groot) (is|was|zijn|waren) (de|het) (\w+ )?(bedrag|budget|subsidie|bijdrage|"
    r"vergoeding|uitkering|boete|kosten|investering)\b",
    r"\bwat (kost|kostte|kosten|kostten|bedraagt|bedroeg|bedragen|bedroegen)\b",
    r"\bhoeveel (kost|kostte|kosten|kostten|bedraagt|bedroeg)\b",
    # how much was spent, invested, paid or granted asks for money in either language
    r"\b(hoeveel|how much)\b.*\b(uitgegeven|geïnvesteerd|investeert|betaald|toegekend|"
    r"uitgetrokken|vrijgemaakt|bijgedragen|spent|invested|paid|allocated|granted|earmarked)\b",
    r"\b(heeft|hebben)\b.*\bgekost\b",
    r"\bhow much (\w+ ){0,2}(money|funding|funds|budget|euro|subsid)",
    r"\bwhat (is|was|are|were) the (\w+ )?(budget|costs?|amount)\b",
    r"\b(cost|costs) anything\b",
    r"\bhow much (does|did|do)\b.*\bcost\b",
    r"\bwhat (does|did)\b.*\bcost\b",
)
_DURATION_Q = _any(
    r"\bhoe lang\b",
    r"\bhoeveel tijd\b",
    # counting time units asks for a duration ("hoeveel dagen", "how many weeks")
    r"\bhoe ?veel (\w+ )?(jaar|jaren|maanden|weken|dagen|werkdagen|uren|uur)\b",
    r"\bhow many (\w+ )?(years|months|weeks|days|hours)\b",
    r"\bbinnen welke (termijn|tijd)\b",
    r"\bwachttijd",
    r"\b(maximale|maximum|minimale|minimum|hoogste) (\w+ )?(straf|gevangenisstraf|"
    r"vrijheidsstraf)\b",
    r"\bstrafmaximum\b",
    r"\bhow long\b",
    r"\bwaiting (time|period|list)",
    r"\b(maximum|minimum) (\w+ )?(sentence|penalty|prison term)\b",
)
_SHARE_Q = _any(
    r"\bhoeveel procent\b",
    r"\b(welk|welke|hoe groot|wat is het|in welk) (\w+ )?(percentage|deel|aandeel)\b",
    r"\bwhat (percentage|share|proportion|part|fraction)\b",
    r"\bhow many per ?cent\b",
)
# a count: also the words a keyword query names one by ("aantal meldingen 2017")
_COUNT_Q = _any(
    r"\bhoe ?veel\b",
    r"\bhow (many|much)\b",
    r"\baantal(len)?\b",
    r"\b(the )?number of\b",
)
# an average or a total of whatever is measured: days, euros, a share or a count
_FIGURE_Q = _any(
    r"\b(gemiddeld|gemiddelde|totaal|totale)\b",
    r"\b(average|mean|total)\b",
)

_NUMBER_WORDS = (
    r"één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|dertien|veertien|vijftien|"
    r"zestien|zeventien|achttien|negentien|twintig|dertig|veertig|vijftig|honderd|honderden|"
    r"duizend|duizenden|tientallen|miljoen|miljard|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|hundred|thousand|"
    r"million|none"
)
_YEAR = r"\b(?:19|20)\d\d\b"
_MONTHS = (
    r"januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    r"january|february|march|june|july|august|october"
)
_DATE_A = _any(_YEAR, rf"\b({_MONTHS})\b", r"\b\d{1,2}-\d{1,2}-\d{2,4}\b")
_MONEY_A = _any(
    r"€",
    r"\beuro('?s)?\b",
    r"\b(EUR|USD|GBP)\b",
    r"\d\s*(mln|mld|bn|m)\b",
    r"\b(million|billion)\b",
    r"\bmiljoen\b",
    r"\bmiljard\b",
    r"\bbedrag",
    r"\w+geld\b",  # a named amount ("zak- en kleedgeld"), not "geld" itself
    r"\bgratis\b",
    r"\bkosteloos\b",
    r"\bfree\b",
)
_TIME_UNIT = (
    r"\b(jaar|jaren|maand|maanden|week|weken|dag|dagen|werkdag|werkdagen|uur|uren|"
    r"years?|months?|weeks?|days?|hours?)\b"
)
_NUMBER_A = _any(r"\d", rf"\b({_NUMBER_WORDS})\b")
_AMOUNT = rf"(?:\d[\d.,]*|{_NUMBER_WORDS})"
# a number of time units ("tien dagen", "dagen 122" in a table), but not an age ("boven de
# zestien jaar", "jonger dan 18 jaar", "12-jarigen")
_DURATION_A = re.compile(
    rf"(?<!boven de )(?<!onder de )(?<!jonger dan )(?<!ouder dan )(?<!leeftijd van )"
    rf"\b{_AMOUNT}\s+{_TIME_UNIT}(?!\s+oud)|{_TIME_UNIT}\s+\d",
    re.IGNORECASE,
)
_SHARE_A = _any(
    r"\d\s?%",
    r"\bprocent\b",
    r"\bper ?cent\b",
    r"\bhelft\b",
    r"\bderde\b",
    r"\bkwart\b",
    r"\bmeerderheid\b",
    r"\bminderheid\b",
    r"\bhalf\b",
    r"\bmajority\b",
)
# a count: a number that is not a year or part of a date
_DATE_PART = re.compile(
    rf"{_YEAR}|\b\d{{1,2}}\s+({_MONTHS})\b|\b\d{{1,2}}-\d{{1,2}}-\d{{2,4}}\b|\b(artikel|art\.|lid)\s+\d+\w*"
    # round the clock: "24/7", "7 x 24 uur", "24 uur per dag"
    r"|\b24\s*/\s*7\b|\b7\s*(x|maal)\s*24\b|\b24 uur per dag\b"
    # an item's number in a list or a heading ("5. Safe House", "2.3 Opvang"), not a count
    r"|(?:^|(?<=[.!?]\s)|(?<=\n))\s*\d+(\.\d+)*\.?\s+(?=(?-i:[A-ZÀ-Ý]))",
    re.IGNORECASE,
)


def expected_type(question: str) -> AnswerType:
    """The kind of answer ``question`` asks for; NONE for open and yes/no questions."""
    q = " ".join(question.split())
    if _YES_NO.search(q):
        return AnswerType.NONE
    for kind, pattern in (
        (AnswerType.SHARE, _SHARE_Q),
        (AnswerType.MONEY, _MONEY_Q),
        (AnswerType.DURATION, _DURATION_Q),
        (AnswerType.DATE, _DATE_Q),
        (AnswerType.COUNT, _COUNT_Q),
        (AnswerType.FIGURE, _FIGURE_Q),
    ):
        if pattern.search(q):
            return kind
    return AnswerType.NONE


def holds(kind: AnswerType, text: str) -> bool:
    """Whether ``text`` holds an answer of the given kind (always true for NONE)."""
    if kind is AnswerType.NONE:
        return True
    if kind is AnswerType.DATE:
        return bool(_DATE_A.search(text))
    if kind is AnswerType.MONEY:
        return bool(_MONEY_A.search(text))
    if kind is AnswerType.DURATION:
        return bool(_DURATION_A.search(text))
    if kind is AnswerType.SHARE:
        return bool(_SHARE_A.search(text))
    if kind is AnswerType.FIGURE:  # any number that is no date: a duration or amount too
        return bool(_NUMBER_A.search(_DATE_PART.sub(" ", text)))
    # a count is a number that is no date and no duration ("acht dagen" does not say how
    # many of something there are)
    return bool(_NUMBER_A.search(_DURATION_A.sub(" ", _DATE_PART.sub(" ", text))))


_COUNTED = re.compile(
    r"\bhoe ?veel\s+(?:extra\s+|andere\s+|nieuwe\s+)?([a-zà-ÿ][\w-]*)\s+(\w+)", re.IGNORECASE
)
# after "hoeveel", a verb is followed by its subject ("Hoeveel ontvingen de gemeenten")
_SUBJECT_START = frozenset(
    "de het een er zij ze hij men u je we wij dit dat deze die zich jaarlijks per in".split()
)


def counted_word(question: str) -> str | None:
    """The thing a Dutch "hoeveel ..." question counts ("meldingen" in "Hoeveel meldingen
    ..."), or None when the word after "hoeveel" is not a noun (a verb, "van")."""
    m = _COUNTED.search(" ".join(question.split()))
    if not m:
        return None
    word, following = m.group(1).lower(), m.group(2).lower()
    if word in {"van", "keer", "procent", "geld", "tijd"} or following in _SUBJECT_START:
        return None
    return word

"""Dutch-aware sentence splitting that keeps character offsets.

``bijv.``, ``o.a.``, ``art.``, ``nr.``, initials in a name (``Dhr. J. de Vries``) and section
numbers (``II.2.``) do not end a sentence. A full stop after a token that may or may not end
one (a letter, dotted initials, a roman numeral, a number with thousands separators, a word
that is also an abbreviation such as ``vol.``) ends it only before a word that opens sentences
(``bijlage B. De tabel``, ``tot 119.000. In 2018``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

ABBREVIATIONS = frozenset(
    [
        "bijv",
        "bv",
        "o.a",
        "a.d.h.v",
        "art",
        "artt",
        "nr",
        "nrs",
        "jo",
        "t.a.v",
        "i.v.m",
        "m.b.t",
        "d.w.z",
        "e.d",
        "e.a",
        "enz",
        "etc",
        "ca",
        "incl",
        "excl",
        "vgl",
        "zgn",
        "z.g.n",
        "resp",
        "m.n",
        "t.b.v",
        "t.o.v",
        "dhr",
        "mevr",
        "mr",
        "dr",
        "drs",
        "ir",
        "prof",
        "ing",
        "red",
        "blz",
        "pag",
        "p",
        "pp",
        "jl",
        "sub",
        "ev",
        "evt",
        "i.c",
        "i.e",
        "e.g",
        "cf",
        "vs",
        "min",
        "st",
        "stb",
        "stcrt",
        "kst",
        "n.a.v",
        "o.b.v",
        "t/m",
        "a.s",
        "m.i.v",
        "i.s.m",
        "v.w.b",
        "mln",
        "mld",
        "mrd",
        "no",
        "vol",
        "fig",
        "tab",
        "h",
        "hfst",
        "par",
    ]
)
_PARAGRAPH = re.compile(r"\n\s*\n")
# the mark that opens an item of a list: a bullet (Word's Symbol-font bullets come out of a
# PDF as private-use U+F0B7 and U+F0A7), a dash, a number or a letter ("1.", "a)")
LIST_MARK = r"(?:[-–•▪●◦■*\uf0b7\uf0a7o]|\d{1,2}[.)]|[a-z][.)])"
# a new line that opens a list item ends the sentence before it, punctuated or not
_ITEM = re.compile(rf"\n(?=[ \t]*{LIST_MARK}\s+\S)")
# never an end: a section number with its sub-levels (II.2., 3.1.)
_NOT_AN_END = re.compile(r"[IVXLC]+(\.\d+)+|\d+(\.\d+)+")
# an end only before a word that opens a sentence: a letter (initial, "bijlage B"), a bare
# roman numeral ("hoofdstuk II"), a number with thousands separators ("119.000")
_WEAK_END = re.compile(r"[A-Za-z]|[IVXLC]+|\d{1,3}(\.\d{3})+")
# an initial or dotted initials ("J", "A.B"); an abbreviation such as "o.a" is lowercase
_LETTERS = re.compile(r"[A-Z](\.[A-Z])*")
# abbreviations that are also ordinary words ("de opvang zat vol."): weak ends too
AMBIGUOUS = frozenset(["vol", "min", "no", "sub"])
# before an initial, these make it part of a name: never an end ("Dhr. J. De Vries")
TITLES = frozenset(["dhr", "mevr", "mw", "hr", "mr", "dr", "drs", "ir", "ing", "prof"])
# words that open a sentence far more often than they follow an initial or a numeral
OPENERS = frozenset(
    """de het een in op dit deze dat die er ook daarna daarnaast daarom daardoor daarbij
    daar hier dan toch echter dus vervolgens bovendien verder tevens toen nu sinds hierdoor
    hiervoor hierbij hiermee daarmee zo wel niet geen alle elke iedere veel voor met bij na
    naast om als wanneer omdat indien hoewel nadat tijdens volgens vanaf door onder uit tot
    maar en of ze zij hij wij we ik men wat wie waar hoe welke
    the a an this these that it in on at for since then also however""".split()
)
_NEXT_WORD = re.compile(r"\s+[\"‘'(\[]?([^\W\d_]+)")
_CANDIDATE = re.compile(r"[.!?…]+[’\"')\]]*(?=\s+[\"‘'(\[]?[A-ZÀ-Ý0-9•-])")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text[start:end]``, offsets into ``text``; a paragraph
    break (blank line) and the start of a list item on a new line always end a sentence."""
    end = len(text) if end is None else end
    return _split(text, start, end, _PARAGRAPH, _items)


def _items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentences of one paragraph, each list item on its own line apart."""
    return _split(text, start, end, _ITEM, _sentences)


def _split(
    text: str,
    start: int,
    end: int,
    breaks: re.Pattern[str],
    within: Callable[[str, int, int], list[tuple[int, int]]],
) -> list[tuple[int, int]]:
    """The spans ``within`` finds in each piece of text[start:end] between ``breaks``."""
    spans: list[tuple[int, int]] = []
    pos = start
    for m in breaks.finditer(text, start, end):
        spans.extend(within(text, pos, m.start()))
        pos = m.end()
    spans.extend(within(text, pos, end))
    return spans


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cur = start
    for m in _CANDIDATE.finditer(text, start, end):
        stop = m.end()
        if not _ends(text[cur : m.start() + 1].rsplit(None, 2), text, stop, end):
            continue
        spans.append(_trim(text, cur, stop))
        cur = stop
    if cur < end:
        spans.append(_trim(text, cur, end))
    return [(s, e) for s, e in spans if e > s]


def _ends(words: list[str], text: str, stop: int, end: int) -> bool:
    """Whether the full stop after the last of ``words`` (the last two suffice) ends a sentence."""
    raw = words[-1].rstrip(".").lstrip("(") if words else ""
    low = raw.lower()
    if _LETTERS.fullmatch(raw) and len(words) > 1:
        before = words[-2].lstrip("(")
        if before.rstrip(".").lower() in TITLES or (
            before.endswith(".") and _LETTERS.fullmatch(before[:-1])
        ):
            return False  # an initial within a name
    if (
        _WEAK_END.fullmatch(raw)
        or low in AMBIGUOUS
        or (_LETTERS.fullmatch(raw) and low not in ABBREVIATIONS)
    ):
        return _opens(text, stop, end)
    return not (low in ABBREVIATIONS or _NOT_AN_END.fullmatch(raw))


def _opens(text: str, pos: int, end: int) -> bool:
    """Whether the word after ``pos`` is one that opens a sentence."""
    nxt = _NEXT_WORD.match(text, pos, end)
    return nxt is not None and nxt.group(1).lower() in OPENERS


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e

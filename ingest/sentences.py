"""Dutch-aware sentence splitting that keeps character offsets.

``bijv.``, ``o.a.``, ``art.``, ``nr.``, initials and section numbers (``II.2.``) do not
end a sentence.
"""

from __future__ import annotations

import re

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
# never an end: a section number with its sub-levels (II.2., 3.1.)
_NOT_AN_END = re.compile(r"[IVXLC]+(\.\d+)+|\d+(\.\d+)+")
# an end only before a word that opens a sentence: a letter (initial, "bijlage B"), a bare
# roman numeral ("hoofdstuk II"), a number with thousands separators ("119.000")
_WEAK_END = re.compile(r"[A-Za-z]|[IVXLC]+|\d{1,3}(\.\d{3})+")
# words that open a sentence far more often than they follow an initial or a numeral
OPENERS = frozenset(
    """de het een in op dit deze dat die er ook daarna daarnaast daarom daardoor daarbij
    vervolgens bovendien verder tevens toen nu sinds hierdoor hiervoor hierbij zo wel niet
    voor met bij na naast om als wanneer omdat maar en of ze zij hij wij we ik men
    the a an this these that it in on at for since then also however""".split()
)
_NEXT_WORD = re.compile(r"\s+[\"‘'(\[]?([^\W\d_]+)")
_CANDIDATE = re.compile(r"[.!?…]+[’\"')\]]*(?=\s+[\"‘'(\[]?[A-ZÀ-Ý0-9•-])")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text[start:end]``, offsets into ``text``; a paragraph
    break (blank line) always ends a sentence."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    pos = start
    for m in _PARAGRAPH.finditer(text, start, end):
        spans.extend(_sentences(text, pos, m.start()))
        pos = m.end()
    spans.extend(_sentences(text, pos, end))
    return spans


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cur = start
    for m in _CANDIDATE.finditer(text, start, end):
        stop = m.end()
        word = re.search(r"(\S+)$", text[cur : m.start() + 1])
        raw = word.group(1).rstrip(".") if word else ""
        if _WEAK_END.fullmatch(raw.lstrip("(")):
            if not _opens(text, stop, end):
                continue
        elif raw.lower().lstrip("(") in ABBREVIATIONS or _NOT_AN_END.fullmatch(raw):
            continue
        spans.append(_trim(text, cur, stop))
        cur = stop
    if cur < end:
        spans.append(_trim(text, cur, end))
    return [(s, e) for s, e in spans if e > s]


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

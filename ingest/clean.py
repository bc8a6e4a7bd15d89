"""Line-level cleaning of extracted text: Unicode, page furniture, hyphenation.

Every function here is idempotent: cleaning clean text changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

_ODD_SPACE = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t\r\v]")
_INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200d\ufeff]")
_MULTI_SPACE = re.compile(r" {2,}")
_PAGE_FURNITURE = re.compile(
    r"^\s*(?:(?:pagina|page|blz\.?)\s*)?\d{1,4}(?:\s*(?:/|van|of)\s*\d{1,4})?\s*$", re.IGNORECASE
)
_WORD = re.compile(r"\w+(?:-\w+)*")
_CONJUNCTIONS = frozenset({"en", "of", "tot", "en/of", "and", "or", "to"})


def normalize(text: str) -> str:
    """NFKC (ligatures, full-width forms), odd spaces to plain ones, invisible marks gone."""
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))
    text = _ODD_SPACE.sub(" ", text)
    return text


def clean_line(line: str) -> str:
    """One layout line, normalised, with runs of spaces squeezed and no edge spaces."""
    return _MULTI_SPACE.sub(" ", normalize(line)).strip()


def is_page_furniture(line: str) -> bool:
    """A lone page number such as ``12``, ``- 12 -`` or ``Pagina 3 van 40``."""
    return bool(_PAGE_FURNITURE.match(line.strip(" -–")))


def repeated_edges(pages: list[list[str]], min_share: float = 0.5) -> set[str]:
    """Running headers/footers: lines (digits ignored) at a page's top or bottom on many pages."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        edges = {_shape(x) for x in lines[:2] + lines[-2:] if x.strip()}
        counts.update(edges)
    return {s for s, n in counts.items() if n >= max(3, min_share * len(pages)) and len(s) > 3}


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip().lower())


def is_running_edge(line: str, edges: set[str]) -> bool:
    """True when the line is one of the running headers/footers found."""
    return bool(edges) and _shape(line) in edges


def vocabulary(lines: Iterable[str]) -> set[str]:
    """Lower-cased words (hyphenated compounds kept whole) seen in the text."""
    vocab: set[str] = set()
    for line in lines:
        vocab.update(w.lower() for w in _WORD.findall(line))
    return vocab


def join_wrapped(prev: str, nxt: str, vocab: set[str]) -> str:
    """Join two hard-wrapped lines, undoing hyphenation at the break.

    ``kinder-`` + ``mishandeling`` becomes ``kindermishandeling`` when the document spells
    it whole elsewhere, or when the break looks like hyphenation (see
    :func:`_hyphenation_break`) and the document never spells it with a hyphen; real
    compounds (``VN-vrouwenrechtencomité``, ``co-ouderschap``) keep their hyphen, and an
    enumeration (``moord- en doodslagzaken``) keeps its space.
    """
    if not prev:
        return nxt
    if not nxt:
        return prev
    if prev.endswith("-") and len(prev) > 1 and prev[-2].isalpha():
        head = re.search(r"(\w+)-$", prev)
        tail = re.match(r"(\w+)", nxt)
        first = nxt.split(" ", 1)[0]
        if first.lower() in _CONJUNCTIONS:
            return f"{prev} {nxt}"
        if head and tail and nxt[0].islower():
            joined = (head.group(1) + tail.group(1)).lower()
            hyphenated = f"{head.group(1)}-{tail.group(1)}".lower()
            if hyphenated in vocab:
                return prev + nxt
            if joined in vocab or _hyphenation_break(prev, nxt, head.group(1), tail.group(1)):
                return prev[:-1] + nxt
        return prev + nxt
    return f"{prev} {nxt}"


_VOWELS = frozenset("aeiouyáéíóúàèëïöü")


def _hyphenation_break(prev: str, nxt: str, head: str, tail: str) -> bool:
    """Whether a hyphen at a line end was put there by hyphenation, not by spelling: a
    lower-case word part broken inside a plain word. Spelling keeps its hyphen after a
    capital or an acronym (``VN-``), inside a compound that has one already
    (``huis-aan-``), in a web address, and between two vowels (``co-ouderschap``)."""
    word = prev.rsplit(" ", 1)[-1] + nxt.split(" ", 1)[0]
    return (
        len(head) >= 3
        and head.islower()
        and word.count("-") == 1
        and not any(c in word for c in "/.:@")
        and not (head[-1] in _VOWELS and tail[0] in _VOWELS)
    )


_NOTE_START = re.compile(r"^(\d{1,3})\s+\S")


def split_footnotes(lines: list[str]) -> tuple[list[str], list[str]]:
    """Split a page's lines into body and the footnotes at its foot.

    Footnotes are the trailing lines from the first ``N text`` line whose number N the body
    refers to (``onderzoek1``, ``geweld.12``) and whose numbers count up from there; a
    numbered list in the body has no such references, so it stays body.
    """
    for i, line in enumerate(lines):
        m = _NOTE_START.match(line)
        if not m or i == 0:
            continue
        first = int(m.group(1))
        body = " ".join(lines[:i])
        if not re.search(rf"[^\s\d]{first}\b", body):
            continue
        numbers = [int(n.group(1)) for x in lines[i:] if (n := _NOTE_START.match(x))]
        if numbers == list(range(first, first + len(numbers))):
            return lines[:i], lines[i:]
    return lines, []

"""Headings of Dutch (and English) government reports and the section path they give.

Recognised: plain titles (``Inleiding``, ``Samenvatting``, ``Introduction``), chapters
(``Hoofdstuk II Integraal beleid``, ``Chapter 3``, ``Deel 2``, ``Part I``), annexes
(``Bijlage 2``, ``Annex A``), numbered sections at any depth (``1 Inleiding``, ``2.1.``,
``II.1.1 Wettelijk kader``, ``§ 3.2 Uitvoering``, ``IV. Preventie``).

Whether a numbered line is a heading depends on what came before, so ``SectionTracker``
decides: under ``Hoofdstuk`` chapters a numbered section must belong to the open chapter;
without them a number must follow the last one (``1.2`` → ``1.2.1``, ``1.3``, ``2`` or
``2.1``), which keeps a line such as ``3 miljoen euro ...`` body text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CHAPTER = re.compile(
    r"^(Hoofdstuk|HOOFDSTUK|Chapter|CHAPTER|Deel|DEEL|Part|PART)\s+([IVXLC]+|\d+)\b[.:]?\s*(.*)$"
)
_ANNEX = re.compile(
    r"^(Bijlage|BIJLAGE|Annex|ANNEX|Appendix|APPENDIX)\s+(\d+|[IVX]+|[A-Z])\b[.:]?\s*(.*)$"
)
_PLAIN = re.compile(
    r"^(Inleiding|Samenvatting|Voorwoord|Conclusies?|Slotopmerkingen|Afkortingen(?:lijst)?"
    r"|Begrippenlijst|Literatuur(?:lijst)?|Bronnen|Tot slot|Bijlagen|Introduction|Summary"
    r"|Executive [Ss]ummary|Foreword|Preface|Conclusions?|Abbreviations|References"
    r"|Annexes)\s*$"
)
# "II.1. Algemeen", "2.1 Cijfers", "§ 3.2 Uitvoering"
_NUMBERED = re.compile(r"^(?:§\s*)?([IVX]+|\d+)((?:\.\d+)+)\.?\s+([A-ZÀ-Ý‘'\"(].*)$")
# "1 Inleiding", "2. Toegang", "IV. Preventie", "§ 3 Uitvoering": a chapter by its number alone
_TOP = re.compile(r"^(?:§\s*)?([IVX]+\.|\d{1,2}\.?)\s+([A-ZÀ-Ý‘'\"][^.;:!?]*)$")
_MAX_HEADING = 110
_MAX_TOP = 70
_OPEN_ENDINGS = frozenset(
    [
        *("en", "of", "in", "van", "voor", "de", "het", "met", "bij", "op", "tot", "aan"),
        *("naar", "over", "and", "or", "the", "for", "to", "on", "with"),
    ]
)
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


@dataclass(frozen=True)
class Heading:
    """A heading line: its level (1 = chapter), its key (``II`` / ``II.1.1``) and text.

    ``numbered`` is True for a heading known only by its number (``2.1 Cijfers``), whose
    place in the document's numbering decides whether it is one."""

    level: int
    key: str
    text: str
    numbered: bool = False


def parse_heading(line: str, chapter: str | None) -> Heading | None:
    """The heading this line looks like, if any; with ``chapter`` given, a numbered
    section of another chapter is refused. The document's numbering is checked by
    ``SectionTracker.accepts``."""
    line = line.strip()
    if not line or len(line) > _MAX_HEADING:
        return None
    if m := _PLAIN.match(line):
        return Heading(1, m.group(1), line)
    if (m := _CHAPTER.match(line)) and not line.endswith("."):
        return Heading(1, m.group(2), line)
    if (m := _ANNEX.match(line)) and not _ends_sentence(line):
        return Heading(1, f"B{m.group(2)}", line)
    if m := _NUMBERED.match(line):
        root, rest = m.group(1), m.group(2)
        if chapter is not None and root != chapter:
            return None
        if _ends_sentence(m.group(3)) and len(m.group(3)) > 60:
            return None
        return Heading(1 + rest.count("."), root + rest, line, numbered=True)
    if (m := _TOP.match(line)) and len(line) <= _MAX_TOP and not line.endswith(","):
        root = m.group(1).rstrip(".")
        if chapter is not None and root != chapter:
            return None
        if len(m.group(2).split()) > 10 or (_roman(root) is None and not root.isdigit()):
            return None
        return Heading(1, root, line, numbered=True)
    return None


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", ";", ",")) and not text.rstrip().endswith("..")


def _roman(text: str) -> int | None:
    if not text or any(c not in _ROMAN for c in text):
        return None
    total = 0
    for i, c in enumerate(text):
        value = _ROMAN[c]
        total += -value if i + 1 < len(text) and _ROMAN[text[i + 1]] > value else value
    return total


def number_parts(key: str) -> tuple[int, ...] | None:
    """``"II.1.3"`` → (2, 1, 3); ``"2.1"`` → (2, 1); None for a key that is no number."""
    root, *rest = key.split(".")
    first = int(root) if root.isdigit() else _roman(root)
    if first is None or not all(r.isdigit() for r in rest):
        return None
    return (first, *(int(r) for r in rest))


def follows(last: tuple[int, ...] | None, new: tuple[int, ...], slack: int = 1) -> bool:
    """True when section number ``new`` can come right after ``last`` in a document:
    its first subsection (``1.2`` → ``1.2.1``), or the next one at some level, whose deeper
    parts start at 1 (``1.2.3`` → ``1.3``, ``2``, ``2.1``). ``slack`` forgives skipped
    numbers (a heading the reader missed). The first number of a document may be any
    dotted one (a report may open at ``V.13.2``), but a bare one must be ``1`` or ``2``."""
    if last is None:  # a dotted number is heading enough; a bare one must be the first
        return len(new) > 1 or new[0] <= 1 + slack
    if len(new) == len(last) + 1 and new[:-1] == last and new[-1] <= 1 + slack:
        return True
    for j in range(min(len(last), len(new))):
        if new[:j] != last[:j]:
            return False
        step = new[j] - last[j]
        if 1 <= step <= 1 + slack:
            return all(p <= 1 + slack for p in new[j + 1 :])
    return False


def continues_heading(heading: Heading, line: str) -> bool:
    """A title wrapped onto the next line (``... non-discriminatie,`` + ``algemene ...``)."""
    line = line.strip()
    words = heading.text.rstrip().split()
    return (
        (heading.text.rstrip().endswith((",", "-")) or words[-1] in _OPEN_ENDINGS)
        and bool(line)
        and line[0].islower()
        and len(line) < 70
        and not _ends_sentence(line)
    )


class SectionTracker:
    """Keeps the open headings and gives the section path (``A > B > C``); it decides
    whether a numbered heading fits the document's numbering (``accepts``)."""

    def __init__(self) -> None:
        self._open: list[Heading] = []
        self._last: tuple[int, ...] | None = None  # the last section number entered
        self._chapters = False  # "Hoofdstuk N" headings set the chapter of every section

    @property
    def chapter(self) -> str | None:
        return self._open[0].key if self._open else None

    def accepts(self, heading: Heading) -> bool:
        """Whether ``heading`` is a heading here, given the numbering so far."""
        if not heading.numbered:
            return True
        parts = number_parts(heading.key)
        if parts is None:
            return False
        if self._chapters:
            return self.chapter == heading.key.split(".")[0] and len(parts) > 1
        return follows(self._last, parts)

    def enter(self, heading: Heading) -> None:
        self._open = [h for h in self._open if h.level < heading.level]
        self._open.append(heading)
        parts = number_parts(heading.key)
        if heading.numbered:
            self._last = parts
        elif _ANNEX.match(heading.text):  # an annex starts afresh
            self._last, self._chapters = None, False
        elif parts is not None:  # "Hoofdstuk II"
            self._last, self._chapters = parts, True

    def replace_last(self, heading: Heading) -> None:
        self._open[-1] = heading

    @property
    def path(self) -> str:
        return " > ".join(h.text for h in self._open)

"""Headings of Dutch government reports and the section path they give each passage.

Recognised: ``Inleiding``, ``Samenvatting``, ``Hoofdstuk II Integraal beleid ...``,
``Bijlage 2 ...``, and numbered sections ``II.1. Algemeen``, ``II.1.1 Wettelijk kader``,
``V.13.2 Data van het OM`` (a numbered section must belong to the chapter it stands in).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CHAPTER = re.compile(r"^(Hoofdstuk|HOOFDSTUK)\s+([IVXLC]+|\d+)\b[.:]?\s*(.*)$")
_ANNEX = re.compile(r"^(Bijlage|BIJLAGE)\s+(\d+|[IVX]+|[A-Z])\b[.:]?\s*(.*)$")
_PLAIN = re.compile(
    r"^(Inleiding|Samenvatting|Voorwoord|Conclusies?|Slotopmerkingen|Afkortingen(?:lijst)?)\s*$"
)
_NUMBERED = re.compile(r"^([IVX]+|\d+)((?:\.\d+)+)\.?\s+([A-ZÀ-Ý‘'\"(].*)$")
_MAX_HEADING = 110
_OPEN_ENDINGS = frozenset(
    ["en", "of", "in", "van", "voor", "de", "het", "met", "bij", "op", "tot", "aan", "naar", "over"]
)


@dataclass(frozen=True)
class Heading:
    """A heading line: its level (1 = chapter), its key (``II`` / ``II.1.1``) and text."""

    level: int
    key: str
    text: str


def parse_heading(line: str, chapter: str | None) -> Heading | None:
    """The heading on this line, if it is one; ``chapter`` is the current chapter's key."""
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
        return Heading(1 + rest.count("."), root + rest, line)
    return None


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", ";", ",")) and not text.rstrip().endswith("..")


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
    """Keeps the open headings and gives the section path (``A > B > C``)."""

    def __init__(self) -> None:
        self._open: list[Heading] = []

    @property
    def chapter(self) -> str | None:
        return self._open[0].key if self._open else None

    def enter(self, heading: Heading) -> None:
        self._open = [h for h in self._open if h.level < heading.level]
        self._open.append(heading)

    def replace_last(self, heading: Heading) -> None:
        self._open[-1] = heading

    @property
    def path(self) -> str:
        return " > ".join(h.text for h in self._open)

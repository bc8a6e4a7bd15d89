"""Find, in a PDF, the page of every piece of text the writer put there.

Each page is read with pypdfium2 in three bands: the running header (top
margin), the body (text area, footnotes included) and the footer (bottom
margin). Text is compared in a normalised form without whitespace, hyphens
(so hyphenation at line ends does not matter) or dot leaders.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

PT_PER_MM = 72 / 25.4
HEAD_CHARS = 50
DROP_RE = re.compile(r"[\s\-\u00ad\u2010\u2011\ufffe\ufffd\x02]+|\.{2,}|…")


class LocateError(RuntimeError):
    """Something the writer put on the pages could not be found in the PDF."""


def norm(text: str) -> str:
    """Comparison form: NFKC, no whitespace, no hyphens, no dot leaders."""
    return DROP_RE.sub("", unicodedata.normalize("NFKC", text))


def squash(text: str) -> str:
    """Collapse whitespace (for header and footer lines)."""
    return " ".join(text.replace("\ufffe", "-").split())


@dataclass(frozen=True)
class PageText:
    body: str  # normalised
    header: str  # whitespace collapsed
    footer: str  # whitespace collapsed


def read_pages(pdf: Path, margins_mm: tuple[float, float, float, float]) -> list[PageText]:
    top_mm, _, bottom_mm, _ = margins_mm
    doc = pdfium.PdfDocument(str(pdf))
    pages = []
    try:
        for i in range(len(doc)):
            page = doc[i]
            width, height = page.get_size()
            text = page.get_textpage()
            top = height - top_mm * PT_PER_MM
            bottom = bottom_mm * PT_PER_MM
            pages.append(
                PageText(
                    body=norm(text.get_text_bounded(0, bottom - 1, width, top + 1)),
                    header=squash(text.get_text_bounded(0, top + 1, width, height)),
                    footer=squash(text.get_text_bounded(0, 0, width, bottom - 1)),
                )
            )
    finally:
        doc.close()
    return pages


@dataclass(frozen=True)
class Span:
    page: int  # physical, 1-based
    page_end: int
    end_offset: int


class Locator:
    """Finds texts one after another in reading order, from a moving cursor."""

    def __init__(self, pages: list[PageText]) -> None:
        self.bodies = [p.body for p in pages]
        self.page = 0
        self.offset = 0

    def locate(self, text: str, what: str) -> Span:
        key = norm(text)
        if not key:
            return Span(self.page + 1, self.page + 1, self.offset)
        head, tail = key[:HEAD_CHARS], key[-HEAD_CHARS:]
        start = self._find(head, self.page, self.offset)
        if start is None:
            raise LocateError(f"not found in the PDF: {what}: {text[:80]!r}")
        page, offset = start
        if len(key) <= HEAD_CHARS:
            end: tuple[int, int] | None = (page, offset)
        else:
            end = self._find(tail, page, offset)
        if end is None or end[0] - page > 2:
            raise LocateError(f"end not found in the PDF: {what}: {text[-80:]!r}")
        self.page, self.offset = end[0], end[1] + len(tail if len(key) > HEAD_CHARS else key)
        return Span(page + 1, end[0] + 1, self.offset)

    def following(self, length: int) -> str:
        """The normalised text right after the cursor (for TOC page numbers)."""
        return self.bodies[self.page][self.offset : self.offset + length]

    def _find(self, needle: str, page: int, offset: int) -> tuple[int, int] | None:
        for p in range(page, len(self.bodies)):
            found = self.bodies[p].find(needle, offset if p == page else 0)
            if found >= 0:
                return p, found
        return None


def find_footnote(pages: list[PageText], mark: int, text: str, first: int, last: int) -> int:
    """Physical page (1-based) whose body holds footnote `mark` with `text`."""
    key = norm(f"{mark}{text}")[: HEAD_CHARS + 10]
    for p in range(first, min(last + 1, len(pages)) + 1):
        if key in pages[p - 1].body:
            return p
    raise LocateError(f"footnote {mark} not found on pages {first}-{last + 1}: {text[:80]!r}")


def footer_pattern(footer_format: str, organisation: str) -> re.Pattern[str]:
    """Regex matching a whole footer line such as 'Pagina {n} van {m}' (n = page label)."""
    fields = {
        "{n}": r"(?P<n>[0-9]+|[ivxlcdm]+)",
        "{m}": r"(?P<m>[0-9]+)",
        "{org}": _words(organisation),
    }
    parts = re.split(r"(\{[nm]\}|\{org\})", footer_format)
    regex = r"\s*".join(fields.get(part) or _words(part) for part in parts)
    return re.compile(rf"^\s*{regex}\s*$")


def _words(text: str) -> str:
    return r"\s*".join(re.escape(word) for word in text.split())

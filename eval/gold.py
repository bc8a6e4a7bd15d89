"""Gold items: loading, checking, and locating each evidence span in a cleaned document."""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vraagbaak.errors import ConfigError

KINDS = frozenset({"fact", "paraphrase", "number", "table", "english", "unanswerable"})
FIELDS = ("id", "question", "lang", "answer", "evidence", "section", "page", "kind")
GOLD_DIR = Path(__file__).parent / "gold"
DEFAULT_GOLD = GOLD_DIR / "gold.jsonl"


@dataclass(frozen=True)
class GoldItem:
    """One known question; ``evidence`` is None when the reports do not answer it."""

    id: str
    question: str
    lang: str
    answer: str | None
    evidence: str | None
    section: str | None
    page: int | None
    kind: str
    set: str = ""  # the question set (file) it comes from

    @property
    def answerable(self) -> bool:
        return self.evidence is not None


def load_gold(path: Path = DEFAULT_GOLD) -> list[GoldItem]:
    """Read and check a gold JSONL file; a bad line is an error naming the line."""
    items: list[GoldItem] = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"cannot read gold set {path}: {exc}") from None
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data: dict[str, Any] = json.loads(line)
            missing = [f for f in FIELDS if f not in data]
            if missing:
                raise ValueError(f"missing fields {missing}")
            if data["kind"] not in KINDS:
                raise ValueError(f"unknown kind {data['kind']!r}")
            if (data["evidence"] is None) != (data["kind"] == "unanswerable"):
                raise ValueError("evidence must be null exactly for kind 'unanswerable'")
            items.append(GoldItem(**{f: data[f] for f in FIELDS}, set=Path(path).stem))
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"{path}:{n}: bad gold item ({exc})") from None
    return items


def gold_files(folder: Path = GOLD_DIR) -> list[Path]:
    """The question sets of a folder, in name order."""
    files = sorted(Path(folder).glob("*.jsonl"))
    if not files:
        raise ConfigError(f"no question sets (*.jsonl) in {folder}")
    return files


def load_gold_sets(paths: list[Path]) -> list[GoldItem]:
    """Several question sets as one list; an id used twice is an error."""
    items = [item for path in paths for item in load_gold(path)]
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ConfigError(f"question id {item.id} occurs twice in {[str(p) for p in paths]}")
        seen.add(item.id)
    return items


# what a match across layouts ignores: spaces, hyphens (a word broken at a line end), bullets
_LOOSE = re.compile(r"[\s\-\u00ad‐‑•▪●◦■\uf0b7\uf0a7]+")
# in a table row "Regio: Utrecht · 2023: 412", the column headers and the separators
_ROW_LABEL = re.compile(r"(?:^|(?<= · ))[^·\n:]{1,60}: | · ")


def squash(text: str) -> str:
    """Text without whitespace, hyphens and bullets, for matching across line breaks."""
    return _LOOSE.sub("", text)


class MaskedText:
    """The characters of a text that a mask keeps, with a map back to their offsets."""

    def __init__(self, text: str, drop: list[tuple[int, int]]) -> None:
        dropped = bytearray(len(text))
        for start, end in drop:
            dropped[start:end] = b"\x01" * (end - start)
        keep = [i for i, c in enumerate(text) if not dropped[i] and not _LOOSE.fullmatch(c)]
        self.text = "".join(text[i] for i in keep)
        self.offsets = keep

    def find(self, needle: str) -> tuple[int, int] | None:
        squashed = squash(needle)
        at = self.text.find(squashed) if squashed else -1
        if at < 0:
            return None
        return self.offsets[at], self.offsets[at + len(squashed) - 1] + 1


class NormalizedText:
    """A text with whitespace runs collapsed, and a map back to the original offsets.

    ``find`` looks for a span with its whitespace normalised; failing that, ignoring all
    spaces, hyphens and bullets (``decentralisatie- uitkering``); failing that, in table rows
    read as their cells only (``Utrecht 412 455`` for ``Regio: Utrecht · 2023: 412 · ...``),
    the way a reader copies a row from a printed table."""

    def __init__(self, text: str) -> None:
        starts: list[int] = []
        chars: list[str] = []
        for m in re.finditer(r"\s+|\S+", text):
            if m.group().isspace():
                if chars and chars[-1] != " ":
                    chars.append(" ")
                    starts.append(m.start())
            else:
                for i, ch in enumerate(m.group()):
                    chars.append(ch)
                    starts.append(m.start() + i)
        self.text = "".join(chars)
        self._orig = starts
        self._source = text
        self._loose: MaskedText | None = None
        self._cells: MaskedText | None = None

    def find(self, span: str) -> tuple[int, int] | None:
        """(start, end) in the original text of the whitespace-normalised ``span``."""
        needle = " ".join(span.split())
        i = self.text.find(needle)
        if needle and i >= 0:
            end = i + len(needle) - 1
            return self._orig[i], self._orig[end] + 1
        if self._loose is None:
            self._loose = MaskedText(self._source, [])
            labels = []
            for line in re.finditer(r"[^\n]+", self._source):
                if " · " in line.group():
                    labels += [
                        (line.start() + m.start(), line.start() + m.end())
                        for m in _ROW_LABEL.finditer(line.group())
                    ]
            self._cells = MaskedText(self._source, labels)
        assert self._cells is not None
        return self._loose.find(span) or self._cells.find(span)


def page_at(page_spans: list[tuple[int, int, int]], offset: int) -> int | None:
    """The page a document offset lies on."""
    starts = [s for s, _, _ in page_spans]
    i = bisect.bisect_right(starts, offset) - 1
    return page_spans[i][2] if i >= 0 else None

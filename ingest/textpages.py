"""Recovering pages from text extracted from a PDF without form feeds.

Such text shows its page ends only here and there: a footnote block (a rule of spaces
followed by lines set without blank lines between them) and the occasional lone page
number. Pages between those marks are estimated from the number of layout lines a page
holds, so every page found this way is marked ``inferred``.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from ingest.models import Page
from ingest.structure import parse_heading

_RULE = re.compile(r"^ {20,}$")
_PAGE_NO = re.compile(r"^\s*(\d{1,3})\s*$")


@dataclass
class _Segment:
    body: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    label: int | None = None


def _blank(line: str) -> bool:
    return not line.strip()


def split_pages(text: str) -> list[Page]:
    """Pages of a text report: form feeds when present, else inferred from the layout."""
    if "\f" in text:
        return [Page(number=i + 1, text=t) for i, t in enumerate(text.split("\f"))]
    lines = text.split("\n")
    nonblank = [i for i, line in enumerate(lines) if not _blank(line)]
    spaced = sum(1 for i in nonblank if i + 1 < len(lines) and _blank(lines[i + 1]))
    if not nonblank or spaced < 0.6 * len(nonblank):
        return [Page(number=1, text=text, inferred=True)]
    return _infer(lines)


def _infer(lines: list[str]) -> list[Page]:
    segments = _segments(lines)
    per_page = _lines_per_page(segments)
    pages: list[tuple[list[str], list[str], int | None]] = []
    for seg in segments:
        n = max(1, round((len(seg.body) + len(seg.footnotes)) / per_page))
        size = -(-len(seg.body) // n) if seg.body else 0
        for k in range(n):
            body = seg.body[k * size : (k + 1) * size] if size else []
            last = k == n - 1
            pages.append((body, seg.footnotes if last else [], seg.label if last else None))
    numbers = _number(pages)
    return [
        Page(number=num, text="\n\n".join(body), inferred=True, footnotes=tuple(notes))
        for (body, notes, _), num in zip(pages, numbers, strict=True)
    ]


def _dense_run(lines: list[str], i: int) -> int:
    """End (exclusive) of the run of non-blank lines starting at ``i``."""
    while i < len(lines) and not _blank(lines[i]):
        i += 1
    return i


def _resumes_body(line: str) -> bool:
    """Body text set straight after a note: a heading, or an indented lower-case line."""
    return parse_heading(line, None) is not None or (
        line.startswith(" ") and line.strip()[:1].islower()
    )


def _footnote_block(lines: list[str], i: int) -> tuple[list[str], list[str], int]:
    """Notes after a footnote rule at ``i``; returns (notes, body lines that follow, next i).

    Notes come either as ``12 Text`` lines, or with the number alone on its line and the
    text in the next run(s) of lines; the body of the next page may follow without a blank.
    """
    end = _dense_run(lines, i)
    run = [x.rstrip() for x in lines[i:end]]
    if not (len(run) == 1 and _PAGE_NO.match(run[0])):
        resumed: list[str] = []
        if run and run[0][:1].isdigit():
            while len(run) > 1 and (run[-1].startswith(" ") or _resumes_body(run[-1])):
                resumed.insert(0, run.pop())
        return [x.strip() for x in run], resumed, end
    notes: list[str] = []
    number: str | None = run[0].strip()
    while True:
        j = end
        while j < len(lines) and _blank(lines[j]):
            j += 1
        end = _dense_run(lines, j)
        run = [x.rstrip() for x in lines[j:end]]
        if not run:
            return notes, [], end
        for k, text in enumerate(run):
            new_sentence = (
                k
                and text[:1].isupper()
                and run[k - 1].rstrip().endswith((".", "!", "?"))
                and not _PAGE_NO.match(run[k - 1])
            )
            if k and (_resumes_body(text) or new_sentence):
                return notes, [x.strip() for x in run[k:]], end
            if _PAGE_NO.match(text) and not text.endswith(" "):
                number = text.strip()
                continue
            notes.append(f"{number} {text.strip()}" if number else text.strip())
            number = None
        nxt = end
        while nxt < len(lines) and _blank(lines[nxt]):
            nxt += 1
        if number is None and (_dense_run(lines, nxt) - nxt < 2 or _resumes_body(lines[nxt])):
            return notes, [], end


def _segments(lines: list[str]) -> list[_Segment]:
    """Cut the text at footnote blocks and printed page numbers."""
    segments = [_Segment()]
    i = 0
    while i < len(lines):
        line, cur = lines[i], segments[-1]
        if _RULE.match(line) and i + 1 < len(lines) and not _blank(lines[i + 1]):
            notes, resumed, i = _footnote_block(lines, i + 1)
            cur.footnotes.extend(notes)
            segments.append(_Segment(body=resumed))
            continue
        m = _PAGE_NO.match(line)
        if m:
            target = cur if cur.body or len(segments) == 1 else segments[-2]
            if target.label is None:
                target.label = int(m.group(1))
            if cur.body:
                segments.append(_Segment())
        elif not _blank(line):
            cur.body.append(line.rstrip())
        i += 1
    return [s for s in segments if s.body or s.footnotes]


def _lines_per_page(segments: list[_Segment]) -> float:
    """Layout lines a page holds: from the printed page numbers when there are two or more,
    else from the shortest segments that end in a footnote block."""
    found = [(i, s.label) for i, s in enumerate(segments) if s.label is not None]
    anchors = _increasing([(i, label) for i, label in found if label is not None])
    if len(anchors) >= 2:
        (first, lo), (last, hi) = anchors[0], anchors[-1]
        lines = sum(len(s.body) + len(s.footnotes) for s in segments[first + 1 : last + 1])
        return max(10.0, lines / (hi - lo))
    sizes = sorted(len(s.body) + len(s.footnotes) for s in segments if s.footnotes)
    return float(statistics.median(sizes[: max(1, len(sizes) // 2)])) if sizes else 45.0


def _number(pages: list[tuple[list[str], list[str], int | None]]) -> list[int]:
    """Sequential page numbers, shifted to agree with the printed page numbers found."""
    found = [(idx, label) for idx, (_, _, label) in enumerate(pages) if label is not None]
    anchors = _increasing(found)
    if not anchors:
        return list(range(1, len(pages) + 1))
    numbers: list[int] = []
    a = 0
    for idx in range(len(pages)):
        while a + 1 < len(anchors) and anchors[a + 1][0] <= idx:
            a += 1
        base_idx, base_no = anchors[a]
        number = base_no + (idx - base_idx)
        if a + 1 < len(anchors) and idx > base_idx:
            # between two anchors, never run past the next printed number
            nxt_idx, nxt_no = anchors[a + 1]
            number = min(number, nxt_no - (nxt_idx - idx))
        numbers.append(max(1, number))
    for i in range(1, len(numbers)):
        numbers[i] = max(numbers[i], numbers[i - 1])
    return numbers


def _increasing(found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of printed numbers that increase along the text (drops stray ones)."""
    best: list[list[tuple[int, int]]] = []
    for i, (idx, label) in enumerate(found):
        prev = [best[j] for j in range(i) if found[j][1] < label]
        best.append([*max(prev, key=len, default=[]), (idx, label)])
    return max(best, key=len, default=[])

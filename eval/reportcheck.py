"""How well a report's layout was read, against a ground truth made from its source.

For every paragraph of the source: is it in the document text whole (no footnote mark or
running header inside it), on the right physical page, with the right printed page, under
the right section path? Every footnote: its own passage, on its page, never inside a body
passage? Every table row: there, with its column headers? And is there any text in the
passages that the source does not have (a header, a footer, a page number)?

The ground truth (``<report>.truth.json`` beside the PDF) is written by the script that
makes the test reports (``scripts/reports``); see its README for the format.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.gold import MaskedText, squash
from ingest.models import Chunk, Document


class _Squashed(MaskedText):
    """A document's text squashed (see ``eval.gold.squash``)."""

    def __init__(self, text: str) -> None:
        super().__init__(text, [])

    def at(self, needle: str) -> int:
        """Offset in the original text of squashed ``needle``, or -1."""
        span = self.find(needle)
        return span[0] if span else -1


@dataclass
class ReportCheck:
    """The figures of one report; ``misses`` holds examples of what went wrong."""

    report: str
    paragraphs: int = 0
    found: int = 0
    page_ok: int = 0
    label_ok: int = 0
    labelled: int = 0
    section_ok: int = 0
    footnotes: int = 0
    footnote_ok: int = 0
    footnote_in_body: int = 0
    rows: int = 0
    rows_ok: int = 0
    foreign: int = 0  # passage sentences the source does not have
    sentences: int = 0
    misses: list[str] = field(default_factory=list)

    def share(self, part: int, whole: int) -> float:
        return part / whole if whole else 1.0

    @property
    def figures(self) -> dict[str, float]:
        return {
            "paragraphs found": self.share(self.found, self.paragraphs),
            "physical page": self.share(self.page_ok, self.paragraphs),
            "printed page": self.share(self.label_ok, self.labelled),
            "section": self.share(self.section_ok, self.paragraphs),
            "footnotes as own passage on their page": self.share(self.footnote_ok, self.footnotes),
            "footnotes inside body": float(self.footnote_in_body),
            "table rows with headers": self.share(self.rows_ok, self.rows),
            "foreign sentences": float(self.foreign),
        }


def _page_at(doc: Document, offset: int) -> int:
    starts = [s for s, _, _ in doc.page_spans]
    i = max(bisect.bisect_right(starts, offset) - 1, 0)
    return doc.page_spans[i][2]


def _chunk_at(doc: Document, offset: int) -> Chunk | None:
    for chunk in doc.chunks:
        if chunk.char_start <= offset < chunk.char_end:
            return chunk
    return None


def _row_text(header: list[str], row: list[str]) -> str:
    cells = [
        f"{header[i]}: {c}" if i < len(header) and header[i] and header[i] != c else c
        for i, c in enumerate(row)
        if c
    ]
    return " · ".join(cells)


def check_report(doc: Document, truth: dict[str, Any]) -> ReportCheck:
    """Compare an ingested report with its ground truth."""
    result = ReportCheck(truth["report"])
    flat = _Squashed(doc.text)
    labels = {p["physical"]: p["label"] for p in truth["pages"]}
    known = squash(
        " ".join(
            [p["text"] for p in truth["paragraphs"]]
            + [h["text"] for h in truth["headings"]]
            + [f"{n['mark']} {n['text']}" for n in truth["footnotes"]]
            + [c for t in truth["tables"] for r in [t["header"], *t["rows"]] for c in r]
            + [t.get("caption") or "" for t in truth["tables"]]
            + [f["text"] for f in truth.get("furniture", [])]  # cover, letterhead, contents
        )
    )
    for para in truth["paragraphs"]:
        result.paragraphs += 1
        at = flat.at(para["text"])
        if at < 0:
            result.misses.append(f"not found whole (p. {para['page']}): {para['text'][:70]}")
            continue
        result.found += 1
        page = _page_at(doc, at)
        if page == para["page"]:
            result.page_ok += 1
        else:
            result.misses.append(f"page {page} != {para['page']}: {para['text'][:60]}")
        expected_label = labels.get(para["page"])
        if expected_label is not None:
            result.labelled += 1
            result.label_ok += doc.page_labels.get(page) == expected_label
        chunk = _chunk_at(doc, at)
        section = " > ".join(para["section"]) or doc.title
        if chunk is not None and chunk.section == section:
            result.section_ok += 1
        else:
            got = chunk.section if chunk is not None else None
            result.misses.append(f"section {got!r} != {section!r}: {para['text'][:50]}")
    for note in truth["footnotes"]:
        result.footnotes += 1
        at = flat.at(note["text"])
        chunk = _chunk_at(doc, at) if at >= 0 else None
        own = chunk is not None and squash(chunk.text).startswith(
            squash(f"{note['mark']} {note['text']}")[:40]
        )
        if own and chunk is not None and chunk.page_start == note["page"]:
            result.footnote_ok += 1
        else:
            result.misses.append(f"footnote {note['mark']} (p. {note['page']}) not own passage")
        opening = squash(f"{note['mark']} {note['text']}")[:40]
        for chunk in doc.chunks:
            body = squash(chunk.text)
            if squash(note["text"])[:120] in body and not body.startswith(opening):
                result.footnote_in_body += 1
                result.misses.append(f"footnote {note['mark']} inside body: {chunk.text[:50]}")
    for table in truth["tables"]:
        for row in table["rows"]:
            result.rows += 1
            if flat.at(_row_text(table["header"], row)) >= 0:
                result.rows_ok += 1
            else:
                result.misses.append(f"row not found: {_row_text(table['header'], row)[:70]}")
    for chunk in doc.chunks:
        for s, e in chunk.sentences:
            sentence = chunk.text[s:e]
            result.sentences += 1
            if "·" in sentence:  # a table row: its cells were checked above
                continue
            if squash(sentence) not in known:
                result.foreign += 1
                result.misses.append(f"foreign text: {sentence[:70]}")
    return result


def load_truth(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return data


def truth_files(folder: Path) -> list[Path]:
    """The ground-truth files of a folder of test reports, in name order."""
    return sorted(Path(folder).glob("*.truth.json"))


def check_folder(folder: Path, chunk_chars: int = 1150) -> list[tuple[ReportCheck, Document]]:
    """Ingest every test report of a folder and check it against its ground truth."""
    from ingest.pipeline import ingest_file

    checks = []
    for path in truth_files(folder):
        truth = load_truth(path)
        doc = ingest_file(Path(folder) / truth["report"], chunk_chars=chunk_chars)
        checks.append((check_report(doc, truth), doc))
    return checks


def main() -> None:  # python -m eval.reportcheck [folder]
    import sys

    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "eval/reports")
    for check, _ in check_folder(folder):
        shown = ", ".join(f"{k} {v:.3f}" for k, v in check.figures.items())
        print(f"{check.report}: {shown}")
        for miss in check.misses[:40]:
            print("   ", miss)


if __name__ == "__main__":
    main()

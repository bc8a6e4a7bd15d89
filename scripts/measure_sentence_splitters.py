"""Compare sentence splitters on the gold evidence of the report and on hand cases.

For each evidence string of eval/gold/*.jsonl, located in the cleaned report text (whitespace
normalised), it counts whether the evidence starts and ends on a sentence boundary of the
splitter, and how many splits fall strictly inside evidence without a real sentence end
(a full stop, question or exclamation mark, ellipsis, or a blank line). It also runs the hand
cases of tests/ingest/test_sentences.py. The maintained splitters are optional: one that is
not installed is skipped (``pip install pysbd syntok blingfire`` to compare them).

    .venv/bin/python scripts/measure_sentence_splitters.py [--old path/to/old/sentences.py]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
from collections.abc import Callable
from pathlib import Path

from ingest.pipeline import ingest_file
from ingest.sentences import sentence_spans

Spans = list[tuple[int, int]]
Splitter = Callable[[str], Spans]

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "corpus" / "rapportage-grevio-2016-2017.txt"
_PARAGRAPH = re.compile(r"\n\s*\n")
_REAL_END = re.compile(r"[.!?…][’\"')\]]*\s*$")

CASES: list[tuple[str, list[str]]] = [
    # the four defects
    (
        "Het steeg tot 119.000. In 2018 daalde het.",
        ["Het steeg tot 119.000.", "In 2018 daalde het."],
    ),
    ("Zij werd lid. Daarna vertrok ze.", ["Zij werd lid.", "Daarna vertrok ze."]),
    ("Zie hoofdstuk II. Daarna volgt de rest.", ["Zie hoofdstuk II.", "Daarna volgt de rest."]),
    ("Zie bijlage B. De tabel staat daar.", ["Zie bijlage B.", "De tabel staat daar."]),
    # what must keep working
    ("Zie art. 3 lid 2. De rechter beslist.", ["Zie art. 3 lid 2.", "De rechter beslist."]),
    (
        "Dit geldt bijv. voor gemeenten. Zie art. 5 van de wet. Het is o.a. in 2017 gestart.",
        [
            "Dit geldt bijv. voor gemeenten.",
            "Zie art. 5 van de wet.",
            "Het is o.a. in 2017 gestart.",
        ],
    ),
    (
        "Wat nu? Dat weten we niet! Toch gaan we door… Echt.",
        ["Wat nu?", "Dat weten we niet!", "Toch gaan we door…", "Echt."],
    ),
    ("Zie paragraaf II.2. Daar staat het.", ["Zie paragraaf II.2. Daar staat het."]),
    (
        "Dhr. J. Jansen zei het. Mevr. A.B. de Vries ook.",
        ["Dhr. J. Jansen zei het.", "Mevr. A.B. de Vries ook."],
    ),
    (
        "De minister (zie art. 3) zei: ‘Ja.’ Daarna ging het mis.",
        ["De minister (zie art. 3) zei: ‘Ja.’", "Daarna ging het mis."],
    ),
    (
        "In 2017 waren er 12.000 meldingen. 40% daarvan kwam van vrouwen.",
        ["In 2017 waren er 12.000 meldingen.", "40% daarvan kwam van vrouwen."],
    ),
    (
        "Het gaat m.b.t. de zorg t.a.v. cliënten i.v.m. de wet. Dat is nieuw.",
        ["Het gaat m.b.t. de zorg t.a.v. cliënten i.v.m. de wet.", "Dat is nieuw."],
    ),
    (
        "Het aantal steeg met 5 procent t.o.v. vorig jaar. en verder",
        ["Het aantal steeg met 5 procent t.o.v. vorig jaar. en verder"],
    ),
    ("  Met witruimte.   Eromheen.  ", ["Met witruimte.", "Eromheen."]),
]
# names with initials, words that are also abbreviations, more sentence openers
MORE_CASES: list[tuple[str, list[str]]] = [
    ("Dhr. J. De Vries zei het.", ["Dhr. J. De Vries zei het."]),
    ("Het rapport van J. K. De Smet volgt.", ["Het rapport van J. K. De Smet volgt."]),
    ("Mevr. A.B. De Wit zei het.", ["Mevr. A.B. De Wit zei het."]),
    ("Het is van A.B. Daarna volgt C.", ["Het is van A.B.", "Daarna volgt C."]),
    ("De opvang zat vol. Daarom wachten zij.", ["De opvang zat vol.", "Daarom wachten zij."]),
    ("Zie Stcrt. vol. 3 van 2017.", ["Zie Stcrt. vol. 3 van 2017."]),
    ("Zie bijlage B. Daar staat het.", ["Zie bijlage B.", "Daar staat het."]),
    ("Het steeg tot 1.200. Toch is dat weinig.", ["Het steeg tot 1.200.", "Toch is dat weinig."]),
    ("Zie bijv. De Volkskrant van 2017.", ["Zie bijv. De Volkskrant van 2017."]),
]


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def per_paragraph(split: Splitter) -> Splitter:
    """Run ``split`` on each paragraph, as sentence_spans does: a blank line always ends."""

    def run(text: str) -> Spans:
        out: Spans = []
        pos = 0
        for a, b in [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)] + [
            (len(text), len(text))
        ]:
            if text[pos:a].strip():
                for s, e in split(text[pos:a]):
                    s, e = _trim(text, pos + s, pos + e)
                    if e > s:
                        out.append((s, e))
            pos = b
        return out

    return run


def candidates(old: Path | None) -> dict[str, Splitter]:
    """The splitters to compare; maintained ones only when installed."""
    found: dict[str, Splitter] = {"own": sentence_spans}
    if old is not None:
        spec = importlib.util.spec_from_file_location("old_sentences", old)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        found["own (before)"] = module.sentence_spans
    try:
        import pysbd

        seg = pysbd.Segmenter(language="nl", clean=False, char_span=True)
        found["pysbd nl"] = per_paragraph(lambda t: [(s.start, s.end) for s in seg.segment(t)])
    except ImportError:
        pass
    try:
        from syntok import segmenter

        def syntok_spans(text: str) -> Spans:
            return [
                (sent[0].offset, sent[-1].offset + len(sent[-1].value))
                for para in segmenter.analyze(text)
                for sent in (list(s) for s in para)
                if sent
            ]

        found["syntok"] = per_paragraph(syntok_spans)
    except ImportError:
        pass
    try:
        import blingfire

        found["blingfire"] = per_paragraph(
            lambda t: list(blingfire.text_to_sentences_and_offsets(t)[1])
        )
    except ImportError:
        pass
    return found


def locate(text: str, evidence: list[str]) -> dict[str, tuple[int, int]]:
    """(start, end) in ``text`` of each evidence string, whitespace-insensitively."""
    chars: list[str] = []
    index: list[int] = []
    for i, c in enumerate(text):
        if c.isspace():
            if chars and chars[-1] == " ":
                continue
            c = " "
        chars.append(c)
        index.append(i)
    flat = "".join(chars)
    found: dict[str, tuple[int, int]] = {}
    for ev in evidence:
        needle = " ".join(ev.split())
        k = flat.find(needle)
        if k >= 0:
            found[ev] = (index[k], index[k + len(needle) - 1] + 1)
    return found


def load_evidence() -> list[str]:
    seen: dict[str, None] = {}
    for path in sorted((ROOT / "eval" / "gold").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            ev = json.loads(line).get("evidence") if line.strip() else None
            if ev:
                seen[ev] = None
    return list(seen)


def measure(name: str, split: Splitter, text: str, spans: dict[str, tuple[int, int]]) -> str:
    sentences = split(text)
    starts = {s for s, _ in sentences}
    ends = {e for _, e in sentences}
    start_ok = sum(1 for s, _ in spans.values() if s in starts)
    end_ok = sum(1 for _, e in spans.values() if e in ends)
    both = sum(1 for s, e in spans.values() if s in starts and e in ends)
    inside = [b for s, e in spans.values() for b in ends if s < b < e]
    false = [b for b in inside if not _real_end(text, b)]
    n = len(spans)
    return (
        f"| {name} | {len(sentences)} | {start_ok}/{n} | {end_ok}/{n} | {both}/{n} "
        f"| {len(inside)} | {len(false)} | {_passed(split, CASES)} | {_passed(split, MORE_CASES)} |"
    )


def _passed(split: Splitter, cases: list[tuple[str, list[str]]]) -> str:
    ok = sum(1 for case, want in cases if [case[s:e] for s, e in split(case)] == want)
    return f"{ok}/{len(cases)}"


def _real_end(text: str, b: int) -> bool:
    """A split at ``b`` is a sentence end: after end punctuation, or at a blank line."""
    gap = re.match(r"\s*", text[b:]).group()  # type: ignore[union-attr]
    return bool(_REAL_END.search(text[max(0, b - 3) : b])) or gap.count("\n") >= 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, help="an older ingest/sentences.py to compare")
    args = parser.parse_args()
    text = ingest_file(REPORT).text
    evidence = load_evidence()
    spans = locate(text, evidence)
    print(f"evidence strings: {len(evidence)}, located: {len(spans)}")
    print(
        "| splitter | sentences | start on boundary | end on boundary | both "
        "| splits inside evidence | of which not a sentence end | hand cases | more cases |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, split in candidates(args.old).items():
        print(measure(name, split, text, spans))


if __name__ == "__main__":
    main()

"""The pipeline end to end: documents, citations, and a property test on generated reports."""

from __future__ import annotations

import itertools
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ingest import Document, RawDocument, ingest_file, iter_report_files
from ingest.chunk import MAX_CHARS, normalize_ws
from ingest.models import Page
from ingest.pipeline import build_document, chunk_stats, pages_of
from ingest.textpages import split_pages

RULE = " " * 59


def _raw(pages: list[Page], name: str = "rapport.txt") -> RawDocument:
    return RawDocument(
        source=name, title="Rapport", sha256="cd" * 32, kind="text", pages=tuple(pages)
    )


# --- build_document --------------------------------------------------------------------


FORM_FEED_REPORT = (
    "Rapportage Grevio 2016-2017\n"
    "Inleiding\n"
    "Op 1 maart 2016 is het Verdrag van de Raad van Europa voor Nederland van kracht geworden.\n"
    "1\n"
    "\f"
    "Rapportage Grevio 2016-2017\n"
    "Hoofdstuk II Integraal beleid en gegevens verzamelen\n"
    "II.1. Algemeen\n"
    "De gemeenten zijn verantwoordelijk voor de aanpak van huiselijk geweld en zij werken\n"
    "daarbij samen met de politie en het Openbaar Ministerie.\n"
    "2\n"
    "\f"
    "Rapportage Grevio 2016-2017\n"
    "II.1.1 Wettelijk kader\n"
    "De Wet verplichte meldcode geldt sinds 2013 voor alle professionals in de zorg.\n"
    "3\n"
)


@pytest.fixture
def form_feed_doc(tmp_path: Path) -> Document:
    path = tmp_path / "rapportage.txt"
    path.write_text(FORM_FEED_REPORT, encoding="utf-8")
    return ingest_file(path)


def test_text_with_form_feeds(form_feed_doc: Document) -> None:
    doc = form_feed_doc
    assert doc.pages_inferred is False
    assert doc.page_count == 3
    assert doc.title == "Rapportage"
    assert doc.sections == [
        "Inleiding",
        "Hoofdstuk II Integraal beleid en gegevens verzamelen",
        "Hoofdstuk II Integraal beleid en gegevens verzamelen > II.1. Algemeen",
        "Hoofdstuk II Integraal beleid en gegevens verzamelen > II.1. Algemeen > "
        "II.1.1 Wettelijk kader",
    ]
    assert "Rapportage Grevio" not in doc.text  # running header on every page
    assert not re.search(r"(?m)^\d$", doc.text)  # page numbers
    cites = {
        c.text.split("\n")[0]: (c.section.split(" > ")[-1], c.page_start, c.page_end)
        for c in doc.chunks
    }
    assert cites == {
        "Inleiding": ("Inleiding", 1, 1),
        "II.1. Algemeen": ("II.1. Algemeen", 2, 2),
        "II.1.1 Wettelijk kader": ("II.1.1 Wettelijk kader", 3, 3),
    }
    assert all(c.page_inferred is False for c in doc.chunks)


def test_chunk_stats(form_feed_doc: Document) -> None:
    stats = chunk_stats(form_feed_doc)
    assert stats["chunks"] == 3
    assert stats["pages"] == 3
    assert stats["sections"] == 4
    assert stats["min"] <= stats["median"] <= stats["max"] <= MAX_CHARS


def test_chunk_stats_of_an_empty_document() -> None:
    doc = Document("id", "x.txt", "X", "0" * 64, "", [], False)
    assert chunk_stats(doc)["chunks"] == 0
    assert chunk_stats(doc)["max"] == 0


def test_document_without_headings_uses_the_title_as_section() -> None:
    doc = build_document(_raw([Page(1, "Een korte notitie zonder kopjes over de opvang.")]))
    assert doc.sections == []
    assert [c.section for c in doc.chunks] == ["Rapport"]


def test_reingesting_gives_the_same_ids(tmp_path: Path) -> None:
    path = tmp_path / "rapportage.txt"
    path.write_text(FORM_FEED_REPORT, encoding="utf-8")
    a, b = ingest_file(path), ingest_file(path)
    assert [c.id for c in a.chunks] == [c.id for c in b.chunks]
    copy = tmp_path / "kopie.txt"
    copy.write_text(FORM_FEED_REPORT + "\nExtra zin aan het eind.\n", encoding="utf-8")
    assert ingest_file(copy).document_id != a.document_id


def test_footnotes_of_pages_with_the_same_number_are_kept() -> None:
    def body(tag: str) -> str:
        return "\n\n".join(
            f"Regel {i} van pagina {tag} met gewone tekst over huiselijk geweld. " for i in range(8)
        )

    text = (
        f"{body('aap')}\n\n{RULE}\n1 Noot een.\n\n\n 5 \n\n"
        f"{body('beer')}\n\n{RULE}\n2 Noot twee.\n\n"
        f"{body('cavia')}\n\n{RULE}\n3 Noot drie.\n\n"
        f"{body('das')}\n\n\n 6 \n\n{body('egel')}"
    )
    pages = split_pages(text)
    assert [len(p.footnotes) for p in pages[:3]] == [1, 1, 1]
    doc = build_document(_raw(pages))
    assert "Noot een." in doc.text
    assert "Noot twee." in doc.text
    assert "Noot drie." in doc.text


# --- pages_of ----------------------------------------------------------------------------


SPANS = [(0, 10, 1), (10, 20, 1), (22, 30, 2), (30, 40, 3)]


@pytest.mark.parametrize(
    ("start", "end", "pages"),
    [
        (0, 5, (1, 1)),
        (5, 25, (1, 2)),
        (10, 20, (1, 1)),
        (20, 22, (1, 1)),  # only the separator: the page before
        (25, 40, (2, 3)),
        (0, 40, (1, 3)),
        (39, 40, (3, 3)),
        (45, 50, (3, 3)),
    ],
)
def test_pages_of(start: int, end: int, pages: tuple[int, int]) -> None:
    assert pages_of(SPANS, start, end) == pages


def test_pages_of_without_spans() -> None:
    assert pages_of([], 0, 10) == (1, 1)


# --- iter_report_files -------------------------------------------------------------------


def test_iter_report_files(tmp_path: Path) -> None:
    for name in [
        "b.pdf",
        "a.txt",
        "sub/c.md",
        "sub/d.TXT",
        ".verborgen.txt",
        ".git/e.txt",
        "f.docx",
    ]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_report_files(tmp_path)]
    assert found == ["a.txt", "b.pdf", "sub/c.md", "sub/d.TXT"]


# --- property test: generated reports ------------------------------------------------------


BASES = [
    *("gemeente", "opvang", "geweld", "zorg", "regio", "politie", "beleid", "cliënt", "kind"),
    *("melding", "wet", "hulp", "advies", "preventie", "monitor", "keten", "slachtoffer"),
    *("dader", "school", "huis"),
]


def _tag(n: int) -> str:
    """A letters-only tag, unique per n (digits would be ignored by the header detection)."""
    letters = ""
    n += 26
    while n:
        n, r = divmod(n, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[r] + letters
    return letters


@dataclass
class Report:
    """A generated report: its pages of lines, and what each word and block should become."""

    pages: list[list[str]] = field(default_factory=list)
    word_page: dict[str, int] = field(default_factory=dict)
    body_words: list[str] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\f".join("\n".join(lines) for lines in self.pages)


@st.composite
def reports(draw: st.DrawFn) -> Report:
    counter = itertools.count()

    def words(n_min: int, n_max: int) -> list[str]:
        n = draw(st.integers(n_min, n_max))
        return [f"{draw(st.sampled_from(BASES))}{_tag(next(counter))}" for _ in range(n)]

    def sentence() -> str:
        ws = words(1, 14)
        return " ".join([ws[0].capitalize(), *ws[1:]]) + "."

    kinds = draw(
        st.lists(st.sampled_from(["para", "para", "heading", "bullets"]), min_size=1, max_size=14)
    )
    chapter = draw(st.booleans())
    lines: list[tuple[str, bool]] = []  # (line, is body text)
    blocks: list[str] = []
    if chapter:
        lines.append(("Hoofdstuk II Integraal beleid", False))
    for n, kind in enumerate(kinds, start=1):
        if kind == "heading":
            key = draw(st.sampled_from([f"II.{n}.", f"II.{n}.1", f"II.{n}.2"]))
            title = " ".join(w.capitalize() if i == 0 else w for i, w in enumerate(words(1, 3)))
            lines.append((f"{key} {title}", False))
        elif kind == "bullets":
            for _ in range(draw(st.integers(1, 4))):
                item = "- " + " ".join(words(1, 6)) + draw(st.sampled_from(["", ".", ";"]))
                lines.append((item, True))
                blocks.append(item)
        else:
            para = " ".join(sentence() for _ in range(draw(st.integers(1, 8))))
            wrapped = textwrap.wrap(para, 70, break_long_words=False, break_on_hyphens=False)
            lines.extend((line, True) for line in wrapped)
            blocks.append(para)
    breaks = sorted(draw(st.sets(st.integers(1, max(1, len(lines) - 1)), max_size=6)))
    breaks = [b for b in breaks if 0 < b < len(lines)]
    report = Report(blocks=blocks)
    bounds = [0, *breaks, len(lines)]
    for page, (lo, hi) in enumerate(itertools.pairwise(bounds), start=1):
        report.pages.append([line for line, _ in lines[lo:hi]])
        for line, body in lines[lo:hi]:
            for token in line.split():
                word = token.rstrip(".;")
                if re.fullmatch(r"[a-zë]+", word.lower()) and word.lower()[-1] != "-":
                    report.word_page[word] = page
                    if body:
                        report.body_words.append(word)
    return report


@settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(report=reports(), chunk_chars=st.integers(200, 1200))
def test_generated_reports(tmp_path: Path, report: Report, chunk_chars: int) -> None:
    path = tmp_path / "gegenereerd.txt"
    path.write_text(report.text, encoding="utf-8")
    doc = ingest_file(path, chunk_chars=chunk_chars)
    n_pages = len(report.pages)

    # citations: exact slices, bounded size, pages in range and equal to the words' pages
    for chunk in doc.chunks:
        assert doc.text[chunk.char_start : chunk.char_end] == chunk.text
        assert 0 < len(chunk.text) <= MAX_CHARS
        assert 1 <= chunk.page_start <= chunk.page_end <= n_pages
        assert chunk.page_inferred is (n_pages == 1)  # no form feed: one estimated page
        pages = {
            report.word_page[w]
            for w in (t.rstrip(".;") for t in chunk.text.split())
            if w in report.word_page
        }
        assert pages, chunk.text
        assert (chunk.page_start, chunk.page_end) == (min(pages), max(pages)), chunk

    # no text lost: every paragraph and list item reads the same, whitespace aside
    flat = normalize_ws(doc.text)
    for block in report.blocks:
        assert normalize_ws(block) in flat
    # and every word of the body is in a passage
    in_chunks = {t.rstrip(".;") for c in doc.chunks for t in c.text.split()}
    missing = [w for w in report.body_words if w not in in_chunks]
    assert missing == []
    # nothing duplicated either: each generated word is in the text once
    tokens = [t.rstrip(".;") for t in doc.text.split()]
    counts = {w: 0 for w in report.word_page}
    for t in tokens:
        if t in counts:
            counts[t] += 1
    assert set(counts.values()) <= {1}


# --- property test: hard-wrapped paragraphs with hyphenation at the line ends -----------


@dataclass
class Hyphenated:
    """A report whose paragraphs are wrapped with words split at line ends (``gemeen-`` +
    ``teab``); every split word also appears whole in a keyword list, so the document's own
    vocabulary says how to join it."""

    pages: list[list[str]]
    body: str  # the paragraphs, unwrapped
    split_words: list[str]

    @property
    def text(self) -> str:
        return "\f".join("\n".join(lines) for lines in self.pages)


def _wrap_hyphenating(words: list[str], width: int) -> tuple[list[str], list[str]]:
    """Greedy wrap; a word of 8+ letters that does not fit is split with a hyphen."""
    lines: list[str] = []
    split: list[str] = []
    line = ""
    for word in words:
        candidate = f"{line} {word}" if line else word
        if len(candidate) <= width:
            line = candidate
            continue
        bare = word.rstrip(".")
        room = width - len(line) - 2  # a space and the hyphen
        if line and len(bare) >= 8 and room >= 3:
            k = min(room, len(bare) - 4)  # the tail keeps 4+ letters: never "en", "of", "tot"
            if k >= 3:
                lines.append(f"{line} {word[:k]}-")
                split.append(bare)
                line = word[k:]
                continue
        lines.append(line)
        line = word
    if line:
        lines.append(line)
    return lines, split


@st.composite
def hyphenated_reports(draw: st.DrawFn) -> Hyphenated:
    counter = itertools.count()
    long_bases = [b for b in BASES if len(b) >= 6]
    paragraphs: list[list[str]] = []
    for _ in range(draw(st.integers(1, 4))):
        words: list[str] = []
        for _ in range(draw(st.integers(2, 6))):
            n = draw(st.integers(4, 14))
            ws = [f"{draw(st.sampled_from(long_bases))}{_tag(next(counter))}" for _ in range(n)]
            ws[0] = ws[0].capitalize()
            ws[-1] += "."
            words.extend(ws)
        paragraphs.append(words)
    width = draw(st.integers(40, 80))
    lines: list[str] = []
    split: list[str] = []
    for words in paragraphs:
        wrapped, cut = _wrap_hyphenating(words, width)
        lines.extend(wrapped)
        split.extend(cut)
    keywords = textwrap.wrap(
        "Trefwoorden: " + " ".join(w.lower() for w in split) + ".",
        width,
        break_long_words=False,
        break_on_hyphens=False,
    )
    lines = [*lines, *keywords] if split else lines
    breaks = sorted(draw(st.sets(st.integers(1, max(1, len(lines) - 1)), max_size=4)))
    bounds = [0, *[b for b in breaks if 0 < b < len(lines)], len(lines)]
    pages = [lines[lo:hi] for lo, hi in itertools.pairwise(bounds)]
    body = " ".join(" ".join(words) for words in paragraphs)
    return Hyphenated(pages=pages, body=body, split_words=split)


def _letters(text: str) -> str:
    return re.sub(r"[\s-]+", "", text)


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(report=hyphenated_reports())
def test_generated_reports_with_hyphenated_wraps(tmp_path: Path, report: Hyphenated) -> None:
    path = tmp_path / "afgebroken.txt"
    path.write_text(report.text, encoding="utf-8")
    doc = ingest_file(path)
    for chunk in doc.chunks:
        assert doc.text[chunk.char_start : chunk.char_end] == chunk.text
        assert 0 < len(chunk.text) <= MAX_CHARS
        assert 1 <= chunk.page_start <= chunk.page_end <= len(report.pages)
    # no letter lost or added, whatever happened to the hyphens and the line breaks
    assert _letters(report.body) in _letters(doc.text)


@settings(
    max_examples=20,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # it fails on purpose: no need to shrink
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(report=hyphenated_reports())
def test_hyphenated_wraps_are_joined(tmp_path: Path, report: Hyphenated) -> None:
    path = tmp_path / "afgebroken.txt"
    path.write_text(report.text, encoding="utf-8")
    doc = ingest_file(path)
    assert normalize_ws(report.body) in normalize_ws(doc.text)

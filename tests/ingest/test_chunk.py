"""Chunking: the committed report end to end, and chunk_spans on small documents."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.chunk import MAX_CHARS, chunk_id, normalize_ws
from ingest.models import Chunk, Document, Page, RawDocument
from ingest.pipeline import build_document, ingest_file

# Hyphenation left at a line join: "kinder- mishandeling". An enumeration keeps its
# hyphen and space before a conjunction ("moord- en doodslagzaken", "hulp- of ...").
HYPHEN_ARTEFACT = re.compile(r"\b\w+- (?!(?:en|of|tot|als|noch|maar)\b)[a-z]")
LONE_NUMBER_LINE = re.compile(r"(?m)^[ \t]*\d+[ \t]*$")
SPACE_RUN = re.compile(r" {20,}")
CHAPTER_HEADING = re.compile(r"(?m)^Hoofdstuk [IVXLC]+\b")

TABLE_ROWS = [
    "Tabel: Aantal cliënten in de monitor",
    "0-17 2.570 2.670",
    "18-22 540 660",
    "23-30 1.470 1.670",
    "31-40 1.460 1.760",
    "41-50 740 900",
    "51-64 230 370",
    "65-100 40 80",
    "onbekend 290 120",
    "Totaal 7.340 8.230",
]


def test_pattern_allows_enumerations_and_catches_artefacts() -> None:
    allowed = [
        "het aantal moord- en doodslagzaken",
        "voorlichtings- en informatiebijeenkomsten",
        "Gebieds- of contactverboden",
        "de hulp- en/of advieslijn",
        "VN-Vrouwenverdrag",
        "Veilig Thuis-organisaties",
        "de periode 2016 - 2017",
    ]
    assert not any(HYPHEN_ARTEFACT.search(s) for s in allowed)
    assert HYPHEN_ARTEFACT.search("de aanpak van kinder- mishandeling")
    assert HYPHEN_ARTEFACT.search("hoofdstuk B9 van de Vreemdelin- gencirculaire")
    assert LONE_NUMBER_LINE.search("noot.\n34")
    assert not LONE_NUMBER_LINE.search("0-17 2.570 2.670\nTotaal 7.340 8.230")


# --- the committed report ----------------------------------------------------------------


def test_corpus_chunks_cite_section_and_pages(corpus_doc: Document) -> None:
    assert len(corpus_doc.chunks) > 100
    for chunk in corpus_doc.chunks:
        assert chunk.section.strip(), chunk
        assert chunk.page_start >= 1
        assert chunk.page_end >= chunk.page_start
        assert chunk.page_inferred is True  # a text export: pages are estimated
        assert chunk.document_id == corpus_doc.document_id
        assert chunk.title == "Rapportage grevio 2016 2017"
    dutch = sum(c.lang == "nl" for c in corpus_doc.chunks)
    assert dutch >= 0.95 * len(corpus_doc.chunks)  # a few tables read as other languages


def test_corpus_chunks_are_slices_of_the_text(corpus_doc: Document) -> None:
    for chunk in corpus_doc.chunks:
        assert 0 < len(chunk.text) <= MAX_CHARS
        assert corpus_doc.text[chunk.char_start : chunk.char_end] == chunk.text
        assert chunk.text == chunk.text.strip()


def test_corpus_chunks_follow_the_text(corpus_doc: Document) -> None:
    starts = [c.char_start for c in corpus_doc.chunks]
    assert starts == sorted(starts)
    assert corpus_doc.chunks[-1].page_end == max(p for _, _, p in corpus_doc.page_spans)


def test_corpus_chunk_ids_are_unique(corpus_doc: Document) -> None:
    ids = [c.id for c in corpus_doc.chunks]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[0-9a-f]{16}", i) for i in ids)


def test_corpus_chunk_ids_are_stable(corpus_doc: Document) -> None:
    """An id depends on the document and the passage's place and text alone, so the same text
    gives the same ids (re-ingesting is deterministic: tests/ingest/test_pipeline.py)."""
    for c in corpus_doc.chunks:
        assert c.id == chunk_id(c.document_id, c.char_start, c.char_end, c.text)
    assert [Chunk.from_dict(c.to_dict()) for c in corpus_doc.chunks] == corpus_doc.chunks


def test_ingesting_twice_gives_the_same_passages(corpus: Path) -> None:
    first, again = (ingest_file(corpus / "rapport-a.txt") for _ in range(2))
    assert again.text == first.text
    assert [c.to_dict() for c in again.chunks] == [c.to_dict() for c in first.chunks]


def test_corpus_has_no_hyphenation_artefacts(corpus_doc: Document) -> None:
    bad = [m.group() for c in corpus_doc.chunks for m in HYPHEN_ARTEFACT.finditer(c.text)]
    assert bad == []


def test_corpus_has_no_lone_number_lines(corpus_doc: Document) -> None:
    bad = [m.group() for c in corpus_doc.chunks for m in LONE_NUMBER_LINE.finditer(c.text)]
    assert bad == []


def test_corpus_has_no_space_runs(corpus_doc: Document) -> None:
    assert not any(SPACE_RUN.search(c.text) for c in corpus_doc.chunks)
    assert not SPACE_RUN.search(corpus_doc.text)


def test_corpus_has_no_page_furniture(corpus_doc: Document) -> None:
    # the printed page numbers 7, 24, 36 and 61 stand alone on a line in the export
    assert not re.search(r"(?m)^(7|24|36|61)$", corpus_doc.text)


def test_corpus_body_text_is_not_interrupted_by_footnotes(corpus_doc: Document) -> None:
    text = normalize_ws(corpus_doc.text)
    assert "Asja biedt een pedagogisch basisklimaat, een dagprogramma, onderwijs," in text
    assert "in combinatie met Het Kennisplatform" not in text


def test_corpus_table_is_whole_in_one_chunk(corpus_doc: Document) -> None:
    holders = [c for c in corpus_doc.chunks if TABLE_ROWS[0] in c.text]
    assert len(holders) == 1
    chunk = holders[0]
    assert chunk.section.endswith("IV.2.1 Vrouwenopvang")
    lines = chunk.text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(TABLE_ROWS[0]))
    assert lines[start + 1] == "Leeftijden Cliënten 2015 Cliënten 2016"
    assert lines[start + 2 : start + 2 + len(TABLE_ROWS) - 1] == TABLE_ROWS[1:]
    # and no chunk holds only a part of it
    for c in corpus_doc.chunks:
        if c is not chunk:
            assert not any(row in c.text for row in TABLE_ROWS[1:]), c.text


def test_corpus_chunks_stay_in_one_chapter(corpus_doc: Document) -> None:
    text = corpus_doc.text
    headings = [m.start() for m in CHAPTER_HEADING.finditer(text)]
    assert len(headings) == 7
    chapters = [s for s in corpus_doc.sections if " > " not in s]
    for chunk in corpus_doc.chunks:
        chapter = chunk.section.split(" > ")[0]
        assert chapter in chapters, chunk.section
        assert chapter == "Inleiding" or chapter.startswith("Hoofdstuk ")
        # no chapter heading inside the chunk, except where it starts
        assert not any(chunk.char_start < h < chunk.char_end for h in headings), chunk.text[:80]
        opened = [h for h in headings if h <= chunk.char_start]
        if opened:
            assert text.startswith(chapter, opened[-1]), (chapter, chunk.text[:80])
        else:
            assert chapter == "Inleiding"


def test_corpus_known_passages(corpus_doc: Document) -> None:
    def holder(needle: str) -> Chunk:
        hits = [c for c in corpus_doc.chunks if needle in c.text]
        assert hits, needle
        return hits[0]

    first = holder("Op 1 maart 2016 is het Verdrag van de Raad van Europa")
    assert first.section == "Inleiding"
    assert first.page_start == 6
    wet = holder("Wet verplichte meldcode")
    assert wet.section.startswith("Hoofdstuk II ")
    iv = holder("Hoofdstuk IV Bescherming en ondersteuning")
    assert iv.page_start == 37  # the report prints page number 36 just before it


# --- chunk_spans on small documents ------------------------------------------------------


def _doc(pages: list[str], chunk_chars: int = 900) -> Document:
    raw = RawDocument(
        source="klein.txt",
        title="Klein",
        sha256="ab" * 32,
        kind="text",
        pages=tuple(Page(number=i + 1, text=t) for i, t in enumerate(pages)),
    )
    return build_document(raw, chunk_chars)


def _sentence(i: int) -> str:
    return f"Zin nummer {i} gaat over de aanpak van huiselijk geweld in gemeente {i}."


def test_chunks_respect_the_target_size_and_overlap() -> None:
    body = "\n".join(_sentence(i) for i in range(60))
    doc = _doc([f"Hoofdstuk II Integraal beleid\n{body}"], chunk_chars=300)
    assert len(doc.chunks) > 5
    for chunk in doc.chunks:
        assert len(chunk.text) <= 300 + len(_sentence(99))
    for a, b in zip(doc.chunks, doc.chunks[1:], strict=False):
        assert b.char_start <= a.char_end  # the last sentence is repeated (overlap)
        last = a.text.rsplit(". ", 1)[-1]
        assert b.text.startswith(last)


def test_chunks_never_cross_a_section_heading() -> None:
    para = " ".join(_sentence(i) for i in range(3))
    doc = _doc(
        [
            f"Hoofdstuk II Integraal beleid\nII.1. Algemeen\n{para}\nII.2. Uitvoering\n{para}",
            f"Hoofdstuk III Preventie\n{para}",
        ]
    )
    assert [c.section.split(" > ")[-1] for c in doc.chunks] == [
        "II.1. Algemeen",
        "II.2. Uitvoering",
        "Hoofdstuk III Preventie",
    ]
    assert doc.chunks[0].text.startswith("II.1. Algemeen")  # a passage starts with its heading
    assert "II.2" not in doc.chunks[0].text
    assert (doc.chunks[2].page_start, doc.chunks[2].page_end) == (2, 2)


def test_very_long_sentence_is_cut_at_spaces() -> None:
    words = " ".join(f"woord{i}" for i in range(600))
    doc = _doc([f"Inleiding\n{words}."])
    assert len(doc.chunks) >= 4
    for chunk in doc.chunks:
        assert len(chunk.text) <= MAX_CHARS
        assert doc.text[chunk.char_start : chunk.char_end] == chunk.text
    joined = " ".join(c.text for c in doc.chunks)
    assert all(f"woord{i}" in joined.split() or f"woord{i}." in joined.split() for i in range(600))


def test_table_travels_with_its_introduction() -> None:
    intro = "De tabel hieronder toont het aantal cliënten per leeftijd in 2015 en 2016:"
    filler = " ".join(_sentence(i) for i in range(9))
    rows = "\n".join(f"{a}-{a + 9} {a * 10} {a * 11}" for a in range(0, 100, 10))
    doc = _doc([f"Hoofdstuk IV Bescherming\nIV.2.1 Vrouwenopvang\n{filler}\n{intro}\n{rows}"])
    holders = [c for c in doc.chunks if "0-9 0 0" in c.text]
    assert len(holders) == 1
    assert intro in holders[0].text
    assert "90-99 900 990" in holders[0].text


def test_chunk_id_is_stable_and_content_bound() -> None:
    a = chunk_id("doc", 0, 10, "tekst")
    assert a == chunk_id("doc", 0, 10, "tekst")
    assert len(a) == 16
    assert a != chunk_id("doc2", 0, 10, "tekst")
    assert a != chunk_id("doc", 1, 10, "tekst")
    assert a != chunk_id("doc", 0, 10, "Tekst")


def test_chunk_round_trips_through_dict(corpus_doc: Document) -> None:
    chunk = corpus_doc.chunks[0]
    assert Chunk.from_dict(chunk.to_dict()) == chunk
    assert Chunk.from_dict({**chunk.to_dict(), "onbekend": 1}) == chunk


def test_normalize_ws() -> None:
    assert normalize_ws("  a\n\n b\t c  ") == "a b c"


def test_a_table_cut_off_from_its_introduction_carries_it_as_context() -> None:
    from ingest.models import Page, RawDocument
    from ingest.pipeline import build_document

    intro = (
        "Onderstaande cijfers zien op de gehele instroom van verdachten bij het OM in 2016 en "
        "2017. Het gaat om verdachten, niet om delicten."
    )
    rows = "\n".join(f"SR {100 + i} {i * 7} {i * 5} {i * 12}" for i in range(60))
    text = f"V.13.2 Data van het OM\n\n{intro}\n\nTotal 2016 2017\n{rows}\n"
    doc = build_document(RawDocument("r.txt", "R", "0" * 64, "text", (Page(1, text),)))
    table = next(c for c in doc.chunks if "SR 142" in c.text)
    assert intro not in table.text  # too long to travel together
    assert table.context.startswith("Onderstaande cijfers")
    assert doc.text[table.char_start : table.char_end] == table.text
    assert all(not c.context for c in doc.chunks if c is not table)

"""The committed gold set: schema, size, mix, and every evidence span findable in the report."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from eval.gold import (
    DEFAULT_GOLD,
    KINDS,
    GoldItem,
    NormalizedText,
    gold_files,
    load_gold,
    load_gold_sets,
    page_at,
)
from ingest.models import Document
from vraagbaak.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "corpus" / "rapportage-grevio-2016-2017.txt"
GOLD = ROOT / "eval" / "gold" / "gold.jsonl"


@pytest.fixture(scope="module")
def items() -> list[GoldItem]:
    """Every committed question set."""
    return load_gold_sets(gold_files())


@pytest.fixture(scope="module")
def document(grevio_doc: Document) -> Document:
    return grevio_doc


def test_default_gold_is_the_committed_file() -> None:
    assert DEFAULT_GOLD.resolve() == GOLD
    assert GOLD.is_file() and REPORT.is_file()
    assert {p.stem for p in gold_files()} >= {"gold", "heldout", "test"}


def test_schema_holds(items: list[GoldItem]) -> None:
    raw = [
        json.loads(line)
        for path in gold_files()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line
    ]
    assert len(raw) == len(items)
    for row, item in zip(raw, items, strict=True):
        assert set(row) == {
            "id",
            "question",
            "lang",
            "answer",
            "evidence",
            "section",
            "page",
            "kind",
        }, row["id"]
        assert item.kind in KINDS
        assert item.question.strip() and item.lang in {"nl", "en"}
        assert item.page is None or isinstance(item.page, int)
        if item.answerable:
            assert item.answer and item.evidence and item.section, item.id
            assert item.kind != "unanswerable"


def test_size_and_mix(items: list[GoldItem]) -> None:
    assert sum(i.kind == "unanswerable" for i in items) >= 60  # over all sets
    items = [i for i in items if i.set == "gold"]
    assert len(items) >= 100
    assert sum(i.lang == "en" for i in items) >= 15
    unanswerable = [i for i in items if i.kind == "unanswerable"]
    assert len(unanswerable) >= 10
    for item in unanswerable:
        assert item.answer is None and item.evidence is None, item.id
        assert not item.answerable
    assert sum(i.answerable for i in items) == len(items) - len(unanswerable)


def test_ids_unique(items: list[GoldItem]) -> None:
    counts = Counter(i.id for i in items)
    assert [k for k, n in counts.items() if n > 1] == []
    questions = Counter(" ".join(i.question.lower().split()) for i in items)
    assert [q for q, n in questions.items() if n > 1] == []


def test_every_evidence_span_is_in_the_raw_report(items: list[GoldItem]) -> None:
    raw = NormalizedText(REPORT.read_text(encoding="utf-8"))
    missing = [i.id for i in items if i.evidence is not None and raw.find(i.evidence) is None]
    assert missing == []


def test_every_evidence_span_is_in_the_cleaned_document(
    items: list[GoldItem], document: Document
) -> None:
    norm = NormalizedText(document.text)
    for item in items:
        if item.evidence is None:
            continue
        span = norm.find(item.evidence)
        assert span is not None, f"{item.id}: evidence not in the cleaned text"
        start, end = span
        found = document.text[start:end]
        assert " ".join(found.split()) == " ".join(item.evidence.split()), item.id
        assert page_at(document.page_spans, start) is not None


def chunk_section(document: Document, offset: int) -> str:
    """Section path of the chunk holding ``offset`` (or the last one starting before it)."""
    before = [c for c in document.chunks if c.char_start <= offset]
    assert before, offset
    inside = [c for c in before if offset < c.char_end]
    return (inside or before)[-1].section


def test_every_chapter_has_a_question(items: list[GoldItem], document: Document) -> None:
    items = [i for i in items if i.set == "gold"]
    norm = NormalizedText(document.text)
    chapters = list(dict.fromkeys(c.section.split(" > ")[0] for c in document.chunks))
    assert sum(ch.startswith("Hoofdstuk ") for ch in chapters) == 7  # I .. VII
    asked: Counter[str] = Counter()
    for item in items:
        if item.evidence is None:
            continue
        span = norm.find(item.evidence)
        assert span is not None
        path = chunk_section(document, span[0])
        asked[path.split(" > ")[0]] += 1
        # the gold section names a heading on that path (the runner reports it on a miss)
        assert item.section in path.split(" > "), (item.id, item.section, path)
    assert [ch for ch in chapters if not asked[ch]] == []


def test_sections_name_a_heading_on_the_evidence_path(
    items: list[GoldItem], document: Document
) -> None:
    norm = NormalizedText(document.text)
    wrong = []
    for item in items:
        span = norm.find(item.evidence) if item.evidence else None
        if span is not None:
            path = chunk_section(document, span[0]).split(" > ")
            if " ".join(str(item.section).split()) not in path:
                wrong.append((item.id, item.section, path[-1]))
    assert wrong == []


def test_an_id_in_two_sets_is_an_error(tmp_path: Path) -> None:
    row = {f: None for f in ("answer", "evidence", "section", "page")}
    row |= {"id": "x1", "question": "Vraag?", "lang": "nl", "kind": "unanswerable"}
    for name in ("a", "b"):
        (tmp_path / f"{name}.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    assert [i.set for i in load_gold(tmp_path / "a.jsonl")] == ["a"]
    with pytest.raises(ConfigError, match="x1 occurs twice"):
        load_gold_sets(gold_files(tmp_path))


def test_load_gold_names_the_bad_line(tmp_path: Path) -> None:
    good = {
        "id": "x1",
        "question": "Vraag?",
        "lang": "nl",
        "answer": "a",
        "evidence": "b",
        "section": "c",
        "page": None,
        "kind": "fact",
    }
    bad = dict(good, id="x2", kind="unanswerable")  # evidence not null
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(good) + "\n\n" + json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"gold\.jsonl:3: bad gold item"):
        load_gold(path)
    path.write_text(json.dumps({"id": "x3"}) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="missing fields"):
        load_gold(path)
    with pytest.raises(ConfigError, match="cannot read gold set"):
        load_gold(tmp_path / "nope.jsonl")


def test_normalized_text_maps_back_to_original_offsets() -> None:
    text = "Er  zijn\nzestien\n\n Centra  Seksueel Geweld."
    nt = NormalizedText(text)
    assert nt.text == "Er zijn zestien Centra Seksueel Geweld."
    start, end = nt.find("zestien   Centra\nSeksueel") or (0, 0)
    assert text[start:end] == "zestien\n\n Centra  Seksueel"
    assert nt.find("niet aanwezig") is None
    assert nt.find("   ") is None


def test_evidence_broken_at_a_hyphen_or_copied_from_a_table_row_is_found() -> None:
    text = (
        "Het Rijk stelt een decentralisatie-uitkering beschikbaar.\n\n"
        "Tabel 2. Wachttijd in weken\n"
        "Type hulp: Dagbehandeling · 2023: 8,4 · 2024: 7,9\n"
        "Type hulp: Specialistische jeugd-ggz · 2023: 16,8 · 2024: 18,2\n"
    )
    nt = NormalizedText(text)
    span = nt.find("een decentralisatie- uitkering beschikbaar")
    assert span is not None and text[span[0] : span[1]].startswith("een decentralisatie")
    row = nt.find("Specialistische jeugd-ggz 16,8 18,2")
    assert row is not None
    assert text[row[0] : row[1]] == "Specialistische jeugd-ggz · 2023: 16,8 · 2024: 18,2"
    assert nt.find("Dagbehandeling 8,4 18,2") is None  # cells of two rows are no row

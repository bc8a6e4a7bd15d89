"""run_eval end to end on the small corpus with a tiny gold set and the fake embedder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eval.gold import GoldItem
from eval.runner import ConfigResult, Outcome, failures, run_eval
from index.embedders import FakeEmbedder
from vraagbaak.errors import ConfigError
from vraagbaak.settings import Settings

CONFIGS = ["bm25", "dense", "hybrid", "plain"]
GOLD: list[dict[str, Any]] = [
    {
        "id": "t1",
        "question": "Hoeveel Centra Seksueel Geweld zijn er?",
        "lang": "nl",
        "answer": "Zestien.",
        "evidence": "Er zijn zestien Centra Seksueel Geweld (CSG's) in Nederland.",
        "section": "IV.2.2 Centra seksueel geweld",
        "page": 2,
        "kind": "number",
    },
    {
        "id": "t2",
        "question": "Sinds wanneer geldt de Wet verplichte meldcode?",
        "lang": "nl",
        "answer": "Sinds 1 juli 2013.",
        # spans a line break in the file: located after whitespace normalisation
        "evidence": "De Wet verplichte meldcode huiselijk geweld en kindermishandeling geldt "
        "sinds 1 juli 2013 voor professionals",
        "section": "II.1.1 Wettelijk kader",
        "page": 1,
        "kind": "fact",
    },
    {
        "id": "t3",
        "question": "How many places does the shelter for victims of human trafficking have?",
        "lang": "en",
        "answer": "50 places.",
        "evidence": "De categorale opvang voor slachtoffers van mensenhandel telt 50 plaatsen",
        "section": "Hoofdstuk I Opvang",
        "page": 1,
        "kind": "english",
    },
    {
        "id": "t4",
        "question": "Hoeveel kost een nieuw paspoort bij de gemeente?",
        "lang": "nl",
        "answer": None,
        "evidence": None,
        "section": None,
        "page": None,
        "kind": "unanswerable",
    },
]


def write_gold(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


@pytest.fixture
def evaluated(settings: Settings, corpus: Path, tmp_path: Path) -> tuple[str, dict[str, Any], Path]:
    gold = write_gold(tmp_path / "gold.jsonl", GOLD)
    out = tmp_path / "out"
    table = run_eval(settings, gold=gold, configs=CONFIGS, out_dir=out, embedder=FakeEmbedder())
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return table, report, out


def test_reports_written(evaluated: tuple[str, dict[str, Any], Path]) -> None:
    table, report, out = evaluated
    for name in ("report.json", "report.md", "recall.png"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    assert (out / "recall.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    md = (out / "report.md").read_text(encoding="utf-8")
    assert table in md
    assert report["items"] == 4 and report["answerable"] == 3
    assert report["embedder"] == FakeEmbedder.name
    assert report["evidence_not_located"] == []
    assert set(report["evidence_pages"]) == {"t1", "t2", "t3"}
    assert report["evidence_pages"]["t1"] == 2  # after the form feed
    assert report["evidence_pages"]["t2"] == 1


def test_table_has_every_config(evaluated: tuple[str, dict[str, Any], Path]) -> None:
    table, report, _ = evaluated
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows[0].startswith("| config | recall@1")
    assert [r.split("|")[1].strip() for r in rows[1:]] == CONFIGS
    assert [s["name"] for s in report["configs"]] == CONFIGS


def test_metric_values_in_range(evaluated: tuple[str, dict[str, Any], Path]) -> None:
    _, report, _ = evaluated
    for s in report["configs"]:
        blocks = [s, *s["by_kind"].values(), *s["by_lang"].values()]
        for block in blocks:
            for key in ("recall@1", "recall@3", "recall@5", "recall@10", "mrr@10", "ndcg@10"):
                assert 0.0 <= block[key] <= 1.0, (s["name"], key, block[key])
            assert block["recall@1"] <= block["recall@3"] <= block["recall@5"] <= block["recall@10"]
        assert s["n"] == 3
        assert set(s["by_kind"]) == {"number", "fact", "english"}
        assert set(s["by_lang"]) == {"nl", "en"}
        for key in ("precision", "recall", "f1", "false_abstention_rate"):
            assert 0.0 <= s["abstention"][key] <= 1.0
        assert s["latency_ms"]["p50"] <= s["latency_ms"]["p95"]
    by_name = {s["name"]: s for s in report["configs"]}
    # Dutch BM25 finds both Dutch questions but nothing for the English one
    assert by_name["bm25"]["by_lang"]["nl"]["recall@5"] == 1.0
    assert by_name["bm25"]["by_lang"]["en"]["recall@10"] == 0.0
    assert by_name["hybrid"]["by_kind"]["number"]["recall@1"] == 1.0  # the CSG question


def test_failures_consistent_with_recall_at_5(evaluated: tuple[str, dict[str, Any], Path]) -> None:
    _, report, _ = evaluated
    answerable = {r["id"] for r in GOLD if r["evidence"] is not None}
    assert set(report["failures"]) == set(CONFIGS)
    for s in report["configs"]:
        listed = report["failures"][s["name"]]
        ids = [f["id"] for f in listed]
        assert len(ids) == len(set(ids))
        assert set(ids) <= answerable  # an unanswerable item is never a miss
        assert len(ids) == round(s["n"] * (1 - s["recall@5"]))
        for f in listed:
            gold = next(r for r in GOLD if r["id"] == f["id"])
            assert f["expected"] == gold["evidence"]
            assert f["expected_section"] == gold["section"]
    assert [f["id"] for f in report["failures"]["bm25"]] == ["t3"]
    assert report["failures"]["bm25"][0]["first_returned"] is None  # BM25 returned nothing


def outcome(item_id: str, flags: list[bool], answerable: bool = True) -> Outcome:
    item = GoldItem(
        item_id,
        "vraag",
        "nl",
        "a" if answerable else None,
        "e" if answerable else None,
        None,
        None,
        "fact" if answerable else "unanswerable",
    )
    return Outcome(item, flags, confidence=0.5, latency_ms=1.0, abstained=False)


def test_failures_lists_an_item_iff_no_hit_in_top_5() -> None:
    result = ConfigResult("x", "test")
    result.outcomes = [
        outcome("hit-1", [True, False]),
        outcome("hit-5", [False] * 4 + [True]),
        outcome("hit-6", [False] * 5 + [True]),
        outcome("none", [False] * 10),
        outcome("empty", []),
        outcome("unanswerable", [False] * 10, answerable=False),
    ]
    assert [f["id"] for f in failures(result)] == ["hit-6", "none", "empty"]
    assert [f["id"] for f in failures(result, k=6)] == ["none", "empty"]


def test_unknown_config_is_an_error(settings: Settings, corpus: Path, tmp_path: Path) -> None:
    gold = write_gold(tmp_path / "gold.jsonl", GOLD)
    with pytest.raises(ConfigError, match="unknown configuration"):
        run_eval(
            settings, gold=gold, configs=["nope"], out_dir=tmp_path / "o", embedder=FakeEmbedder()
        )


def test_no_corpus_is_an_error(settings: Settings, tmp_path: Path) -> None:
    gold = write_gold(tmp_path / "gold.jsonl", GOLD)
    settings.corpus_dir.mkdir(parents=True, exist_ok=True)
    with pytest.raises(ConfigError, match="no reports"):
        run_eval(
            settings, gold=gold, configs=["bm25"], out_dir=tmp_path / "o", embedder=FakeEmbedder()
        )

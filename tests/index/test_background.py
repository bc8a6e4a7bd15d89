"""Background texts: loaded, embedded into each index version, and measured against."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index import layout
from index.background import BUILTIN, digest, load_background
from index.builder import reindex
from index.embedders import FakeEmbedder
from index.manifest import Manifest
from index.search import SearchConfig, Searcher, Snapshot
from vraagbaak.errors import ConfigError
from vraagbaak.settings import Settings

OFFICE = [
    "De servicedesk regelt een nieuwe laptop, een wachtwoord en een telefoon voor medewerkers.",
    "Vergaderzalen in het ministerie reserveer je via het intranet, met koffie en lunch.",
]


def write_background(path: Path, texts: list[str]) -> Path:
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    return path


def test_the_builtin_texts_are_in_dutch_and_english_and_off_the_reports_subject() -> None:
    rows = [json.loads(line) for line in BUILTIN.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(load_background("builtin")) >= 100
    assert {r["lang"] for r in rows} == {"nl", "en"}
    words = " ".join(r["text"] for r in rows).lower()
    for subject in ("geweld", "violence", "slachtoffer", "victim", "vrouwenopvang", "verdrag"):
        assert subject not in words


def test_none_a_file_or_a_clear_error(tmp_path: Path) -> None:
    assert load_background("none") == [] and digest([]) == "none"
    path = write_background(tmp_path / "bg.jsonl", OFFICE)
    assert load_background(str(path)) == OFFICE
    assert digest(OFFICE) != digest(OFFICE[:1])
    path.write_text('{"text": "goed"}\n{"tekst": "fout"}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bg\.jsonl:2: a background line needs a 'text'"):
        load_background(str(path))
    with pytest.raises(ConfigError, match="cannot read background texts"):
        load_background(str(tmp_path / "nope.jsonl"))


def test_each_version_holds_the_background_vectors(
    settings: Settings, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "background", "builtin")
    first = reindex(settings, FakeEmbedder())
    version = layout.current_dir(settings.index_dir)
    assert version is not None
    assert len(np.load(version / layout.BACKGROUND)) == len(load_background("builtin"))
    assert Manifest.read(version / layout.MANIFEST).vectors < first.embedded  # passages kept apart

    # another background rewrites the version without reading the reports again
    monkeypatch.setattr(
        settings, "background", str(write_background(tmp_path / "bg.jsonl", OFFICE))
    )
    emb = FakeEmbedder()
    second = reindex(settings, emb)
    assert second.changed and second.added == second.replaced == []
    assert len(second.unchanged) == 2
    assert emb.passages_embedded == second.embedded == len(OFFICE)
    snapshot = Snapshot.load(settings.index_dir, emb)
    assert snapshot.background is not None and len(snapshot.background) == len(OFFICE)

    monkeypatch.setattr(settings, "background", "none")
    assert reindex(settings, FakeEmbedder()).changed
    assert Snapshot.load(settings.index_dir, FakeEmbedder()).background is None


def test_a_question_nearer_the_background_has_a_negative_topic_margin(
    settings: Settings, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        settings, "background", str(write_background(tmp_path / "bg.jsonl", OFFICE))
    )
    reindex(settings, FakeEmbedder())
    emb = FakeEmbedder()
    searcher = Searcher(Snapshot.load(settings.index_dir, emb), emb, SearchConfig())
    _, office = searcher.search_with_stats("Hoe regel ik een nieuwe laptop via de servicedesk?")
    passage = searcher.snapshot.chunks[0].text
    _, report = searcher.search_with_stats(passage[:200])
    assert office.topic_margin is not None and office.topic_margin < 0
    assert report.topic_margin is not None and report.topic_margin > 0

"""What the evaluation measures is what ``/ask`` serves: for every question, the in-process run
and the run against the service give the same passages, confidence and verdict."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from app.api import create_app
from eval.gold import load_gold
from eval.runner import _run_config, _run_url, load_corpus, locate
from eval.variants import CONFIGS
from index.cache import EmbeddingCache
from index.embedders import FakeEmbedder
from tests.eval.test_runner import GOLD, write_gold
from vraagbaak.settings import Settings


def test_in_process_and_service_runs_agree(built_index: Settings, tmp_path: Path) -> None:
    items = load_gold(write_gold(tmp_path / "gold.jsonl", GOLD))
    docs = load_corpus(built_index)
    where = locate(items, docs)
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    try:
        local = _run_config(
            CONFIGS["hybrid"], items, where, docs, FakeEmbedder(), cache, {}, {}, built_index
        )
    finally:
        cache.close()
    served = _run_url("http://testserver", items, where, TestClient(create_app(built_index)))
    assert len(local.outcomes) == len(served.outcomes) == len(GOLD)
    for mine, theirs in zip(local.outcomes, served.outcomes, strict=True):
        assert mine.item.id == theirs.item.id
        assert mine.flags == theirs.flags, mine.item.id
        assert mine.abstained == theirs.abstained, mine.item.id
        assert abs(mine.confidence - theirs.confidence) < 1e-4, mine.item.id
    assert any(o.abstained for o in served.outcomes)  # the unanswerable one is scored as such
    assert not all(o.abstained for o in served.outcomes)

"""The engine's background reindexing: a request during a running reindex is not lost."""

from __future__ import annotations

import threading
import time

import numpy as np

from app.engine import Engine
from index.embedders import FakeEmbedder
from vraagbaak.settings import Settings


class GatedFake(FakeEmbedder):
    """Embedding passages waits for a gate, so a reindex can be held open."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.gate.wait(10)
        return super().embed_passages(texts)


def test_a_reindex_asked_for_while_one_runs_runs_after_it(built_index: Settings) -> None:
    embedder = GatedFake()
    engine = Engine(built_index, embedder=embedder)
    engine.refresh()
    (built_index.corpus_dir / "derde.txt").write_text(
        "Inleiding\n\nDe derde notitie gaat over voorlichting op scholen.\n", encoding="utf-8"
    )
    assert engine.reindex_in_background() is True
    time.sleep(0.2)  # the first reindex is now waiting in the embedder
    (built_index.corpus_dir / "vierde.txt").write_text(
        "Inleiding\n\nDe vierde notitie gaat over de hulplijn voor ouderen.\n", encoding="utf-8"
    )
    assert engine.reindex_in_background() is False  # runs once more after the first
    embedder.gate.set()
    deadline = time.time() + 20
    while time.time() < deadline and len(engine.documents()) < 4:
        time.sleep(0.05)
    engine.wait_for_reindex(10)
    assert {d["source"].rsplit("/", 1)[-1] for d in engine.documents()} >= {
        "derde.txt",
        "vierde.txt",
    }

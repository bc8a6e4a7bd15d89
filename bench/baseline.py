"""The plain baseline service the benchmark compares against.

Fixed 1,000-character splits, dense search only, one question at a time, no caching: what
a first version of this service would have been. Served by uvicorn like the real one:
``uvicorn bench.baseline:create_baseline_app --factory`` with ``VRAAGBAAK_BASELINE_DIR`` set.
"""

import json
import os
import time
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

from index.embedders import make_embedder
from index.store import FaissStore

BASELINE_DIR_ENV = "VRAAGBAAK_BASELINE_DIR"


class _Question(BaseModel):
    question: str
    top_k: int = 5


def create_baseline_app() -> FastAPI:
    folder = Path(os.environ[BASELINE_DIR_ENV])
    spec = os.environ.get("VRAAGBAAK_EMBEDDER", "e5")
    embedder = make_embedder(spec)
    store = FaissStore.load(folder / "vectors.faiss")
    chunks: list[dict[str, Any]] = json.loads((folder / "chunks.json").read_text())
    app = FastAPI(title="Vraagbaak baseline")

    @app.get("/readyz")
    def readyz() -> dict[str, str]:
        return {"status": "ready"}

    @app.post("/ask")
    def ask(body: _Question) -> dict[str, Any]:
        t0 = time.perf_counter()
        qv = embedder.embed_queries([body.question])
        scores, ids = store.search(qv, body.top_k)
        passages = [
            {"id": chunks[i]["id"], "score": float(s), "text": chunks[i]["text"]}
            for i, s in zip(ids[0], scores[0], strict=True)
            if i >= 0
        ]
        return {"passages": passages, "took_ms": (time.perf_counter() - t0) * 1000}

    return app

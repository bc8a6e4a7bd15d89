"""``python -m bench.reindexload``: what a question costs while the server reindexes.

It starts ``vraagbaak serve`` on 127.0.0.1 in a folder of its own (a copy of the corpus, its
own data folder), and per run asks questions one after another: first with the server idle,
then while a reindex runs that a report upload started through the API (one of the
fictional PDFs in eval/reports, another per run, so that its passages are really embedded;
the upload is deleted after the run). Every question is worded apart, so that the answer
cache never answers. Per run: /ask p50/p95 idle and during the reindex, and their ratio (the
same run's, so that the machine's other load cancels); over the runs, the medians.

    python -m bench.reindexload --runs 3 --out eval/out/reindexload.json
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from bench.soak import PDF_REPORTS, SoakConfig, SoakServer, _prepare, load_questions
from eval.metrics import percentile

__all__ = ["median_of_runs", "render", "run_reindexload", "summarise_run"]

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "reindexload-"  # the reports this script uploads


def summarise_run(idle_ms: list[float], busy_ms: list[float], reindex_s: float) -> dict[str, Any]:
    """One run's figures: p50/p95 idle and during the reindex, and the ratios.

    >>> r = summarise_run([10.0, 10.0, 20.0], [15.0, 30.0, 30.0], 4.0)
    >>> r["idle_p50_ms"], r["busy_p50_ms"], r["ratio_p50"]
    (10.0, 30.0, 3.0)
    """
    idle50, busy50 = percentile(idle_ms, 50), percentile(busy_ms, 50)
    idle95, busy95 = percentile(idle_ms, 95), percentile(busy_ms, 95)
    return {
        "idle_n": len(idle_ms),
        "busy_n": len(busy_ms),
        "idle_p50_ms": idle50,
        "idle_p95_ms": idle95,
        "busy_p50_ms": busy50,
        "busy_p95_ms": busy95,
        "ratio_p50": busy50 / idle50 if idle50 else float("nan"),
        "ratio_p95": busy95 / idle95 if idle95 else float("nan"),
        "reindex_s": reindex_s,
    }


def median_of_runs(runs: list[dict[str, Any]]) -> dict[str, float]:
    """The median over the runs of each figure (ratios: the median of the runs' ratios)."""
    keys = [k for k in runs[0] if isinstance(runs[0][k], int | float)]
    return {k: float(statistics.median(r[k] for r in runs)) for k in keys}


def render(summary: dict[str, Any]) -> str:
    """The table of the runs and their medians (Markdown)."""
    lines = [
        "| run | idle p50 | idle p95 | during p50 | during p95 | ratio p50 | ratio p95 "
        "| questions idle / during | reindex |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    rows = [(str(i + 1), r) for i, r in enumerate(summary["runs"])]
    for name, r in [*rows, ("median", summary["median"])]:
        lines.append(
            f"| {name} | {r['idle_p50_ms']:.0f} ms | {r['idle_p95_ms']:.0f} ms "
            f"| {r['busy_p50_ms']:.0f} ms | {r['busy_p95_ms']:.0f} ms "
            f"| {r['ratio_p50']:.2f} | {r['ratio_p95']:.2f} "
            f"| {r['idle_n']:.0f} / {r['busy_n']:.0f} | {r['reindex_s']:.1f} s |"
        )
    return "\n".join(lines)


def _status(client: httpx.Client) -> dict[str, Any]:
    return dict(client.get("/reindex").json())


def _wait_idle(client: httpx.Client, timeout_s: float = 600) -> None:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout_s:
        s = _status(client)
        if not s.get("running") and not s.get("queued"):
            time.sleep(2.0)  # the watcher loads a new version within a second
            return
        time.sleep(0.2)
    raise RuntimeError(f"reindex still running after {timeout_s:.0f} s")


def _ask(client: httpx.Client, question: str) -> float:
    start = time.perf_counter()
    r = client.post("/ask", json={"question": question})
    ms = (time.perf_counter() - start) * 1000
    if not r.is_success:
        raise RuntimeError(f"/ask {r.status_code}: {r.text[:300]}")
    return ms


class _Running:
    """Follows GET /reindex from a thread of its own: is the upload's reindex still running?"""

    def __init__(self, url: str) -> None:
        self.url = url
        self.running = True
        self.started = time.perf_counter()
        self.seconds = 0.0
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as client:
            while True:
                s = _status(client)
                if not s.get("running") and not s.get("queued"):
                    self.seconds = time.perf_counter() - self.started
                    self.running = False
                    return
                time.sleep(0.05)


def _one_run(
    server: SoakServer, token: str, questions: list[str], run: int, n_idle: int
) -> dict[str, Any]:
    report = PDF_REPORTS[run % len(PDF_REPORTS)]
    auth = {"Authorization": f"Bearer {token}"}
    pool = iter(f"{q} (reindexload {run}-{i})" for i, q in enumerate(questions * 50))
    with httpx.Client(base_url=server.url, timeout=120) as client:
        _wait_idle(client)
        idle = [_ask(client, next(pool)) for _ in range(n_idle)]
        name = f"{PREFIX}{run}-{report.name}"
        r = client.post(
            "/documents",
            files={"file": (name, report.read_bytes(), "application/pdf")},
            headers=auth,
        )
        if r.status_code != 202:
            raise RuntimeError(f"upload {r.status_code}: {r.text[:300]}")
        doc = r.json()["document_id"]
        follow = _Running(server.url)
        busy: list[float] = []
        while follow.running:
            ms = _ask(client, next(pool))
            if follow.running:  # asked and answered while the reindex ran
                busy.append(ms)
        _wait_idle(client)
        client.delete(f"/documents/{doc}", headers=auth).raise_for_status()
        _wait_idle(client)
    return summarise_run(idle, busy, follow.seconds)


def run_reindexload(
    runs: int = 3, n_idle: int = 40, corpus: Path = ROOT / "corpus"
) -> dict[str, Any]:
    """Start the server in a temporary folder, do ``runs`` runs, stop it; the summary."""
    questions = load_questions()
    work, _ = _prepare(
        SoakConfig(data_dir=Path(tempfile.mkdtemp(prefix="vraagbaak-rl-")), corpus=corpus)
    )
    token = secrets.token_urlsafe(24)
    env = {
        **os.environ,
        "VRAAGBAAK_DATA_DIR": str(work / "data"),
        "VRAAGBAAK_CORPUS_DIR": str(work / "corpus"),
        "VRAAGBAAK_ADMIN_TOKEN": token,
        "HF_HUB_OFFLINE": "1",
    }
    server = SoakServer(work, env, 0)
    try:
        server.build_index()
        server.start()
        with httpx.Client(base_url=server.url, timeout=120) as client:
            for q in questions[:10]:  # warm-up: every code path once
                _ask(client, f"{q} (warm-up)")
        results = [_one_run(server, token, questions, i, n_idle) for i in range(runs)]
    finally:
        server.stop()
    shutil.rmtree(work, ignore_errors=True)
    return {
        "runs": results,
        "median": median_of_runs(results),
        "env": {k: v for k, v in os.environ.items() if k.startswith(("OMP_", "VRAAGBAAK_E"))},
    }


app = typer.Typer(add_completion=False, help=__doc__.split("\n\n")[0] if __doc__ else None)


@app.command()
def main(
    runs: Annotated[int, typer.Option(min=1, help="Runs (a report uploaded in each)")] = 3,
    idle: Annotated[int, typer.Option(min=5, help="Questions asked idle per run")] = 40,
    out: Annotated[Path, typer.Option(help="The result as JSON")] = ROOT
    / "eval"
    / "out"
    / "reindexload.json",
) -> None:
    """Sequential /ask latency idle and while a reindex runs, on 127.0.0.1."""
    summary = run_reindexload(runs, idle)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, indent=1))
    print(render(summary))


if __name__ == "__main__":
    app()

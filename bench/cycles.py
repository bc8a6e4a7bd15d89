"""``python -m bench.cycles``: the server's memory over many report cycles, without load.

Tells a leak from a plateau: the real server on 127.0.0.1 (a copy of the corpus, its own data
folder) goes through ``--cycles`` of the soak's report cycles (upload, replace by a revised
edition, delete; each served before the next), with ``--questions`` distinct questions asked
after each cycle (0: none, so the answer cache plays no part). RSS and open descriptors are
read after each cycle, idle. Memory that keeps growing cycle after cycle is a leak; growth
that stops after the first few cycles is a plateau (allocator high-water mark, caches full).

    python -m bench.cycles --cycles 16 --out eval/out/cycles.json
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from bench.soak import Admin, SoakConfig, SoakServer, _idle, _prepare, load_questions

__all__ = ["render", "run_cycles", "slope"]

ROOT = Path(__file__).resolve().parents[1]


def slope(values: list[float]) -> float:
    """Least-squares growth per step of ``values`` (0 for fewer than two).

    >>> slope([1.0, 2.0, 3.0])
    1.0
    """
    n = len(values)
    if n < 2:
        return 0.0
    mx, my = (n - 1) / 2, sum(values) / n
    num = sum((i - mx) * (v - my) for i, v in enumerate(values))
    return num / sum((i - mx) ** 2 for i in range(n))


def render(result: dict[str, Any]) -> str:
    rows = result["samples"]
    lines = ["| after cycle | RSS MiB | fds | reindex ok |", "|---|---|---|---|"]
    for s in rows:
        lines.append(f"| {s['cycle']} | {s['rss_mib']:.1f} | {s['fds']} | {s['ok']} |")
    lines.append(
        f"\nRSS growth per cycle, first half {result['slope_first_half']:+.2f} MiB, "
        f"second half {result['slope_second_half']:+.2f} MiB"
    )
    return "\n".join(lines)


async def _cycles(server: SoakServer, token: str, cycles: int, n_questions: int) -> list[dict]:
    auth = {"Authorization": f"Bearer {token}"}
    questions = load_questions()
    samples = []
    async with httpx.AsyncClient(base_url=server.url, timeout=300, headers=auth) as client:
        rss, fds, _ = server.usage()
        samples.append({"cycle": 0, "rss_mib": rss, "fds": fds, "ok": True})
        for n in range(cycles):
            admin = Admin(client, time.perf_counter(), 600)
            await admin.cycle(n)
            await _idle(client)
            for i in range(n_questions):
                q = questions[i % len(questions)]
                (await client.post("/ask", json={"question": f"{q} ({n})"})).raise_for_status()
            rss, fds, _ = server.usage()
            ok = all(a.ok for a in admin.actions)
            samples.append({"cycle": n + 1, "rss_mib": rss, "fds": fds, "ok": ok})
            print(f"cycle {n + 1}: RSS {rss:.1f} MiB, fds {fds}, ok {ok}", flush=True)
    return samples


def run_cycles(cycles: int = 16, questions: int = 0) -> dict[str, Any]:
    """Start the server in a temporary folder, run the cycles, stop it; the samples."""
    work, _ = _prepare(SoakConfig(data_dir=Path(tempfile.mkdtemp(prefix="vraagbaak-cy-"))))
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
        samples = asyncio.run(_cycles(server, token, cycles, questions))
    finally:
        server.stop()
    log = (work / "server.log").read_text(errors="replace")
    errors = [line for line in log.splitlines() if "Error" in line or "Traceback" in line]
    shutil.rmtree(work, ignore_errors=True)
    rss = [s["rss_mib"] for s in samples[1:]]
    half = len(rss) // 2
    return {
        "cycles": cycles,
        "questions": questions,
        "samples": samples,
        "slope_first_half": slope(rss[: half + 1]),
        "slope_second_half": slope(rss[half:]),
        "log_errors": errors[:50],
    }


app = typer.Typer(add_completion=False, help=__doc__.split("\n\n")[0] if __doc__ else None)


@app.command()
def main(
    cycles: Annotated[int, typer.Option(min=1, help="Report cycles")] = 16,
    questions: Annotated[int, typer.Option(min=0, help="Questions after each cycle")] = 0,
    out: Annotated[Path, typer.Option(help="The result as JSON")] = ROOT
    / "eval"
    / "out"
    / "cycles.json",
) -> None:
    """RSS and descriptors after each report cycle, idle, on 127.0.0.1."""
    result = run_cycles(cycles, questions)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1))
    print(render(result))
    for line in result["log_errors"]:
        print(line)


if __name__ == "__main__":
    app()

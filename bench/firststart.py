"""``python -m bench.firststart``: the time from ``make serve`` on a fresh clone (after the
install) to the first correct answer.

Each run clones the repository's committed state into a temporary folder, lends it this
environment's virtualenv (the install is not what is measured), runs ``make serve`` on a free
loopback port and polls until ``/ask`` answers a known question with the passage that holds
its answer. ``--no-seed`` removes the shipped vectors (``corpus/.vectors.npz``) from the clone
first, so both ways are measured in the same run. Loopback only; every server is stopped.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "Hoeveel Centra Seksueel Geweld zijn er?"
NEEDLE = "16 CSG"  # in the passage that answers it
LIMIT_S = 900.0


@dataclass(frozen=True)
class Start:
    seed: bool
    ready_s: float  # /readyz says ready
    answer_s: float  # /ask cites the passage holding the answer
    rank: int


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _correct(url: str) -> int | None:
    """The rank of the answering passage among /ask's passages, when it is there."""
    try:
        body = httpx.post(f"{url}/ask", json={"question": QUESTION}, timeout=30).json()
    except (httpx.HTTPError, ValueError):
        return None
    for p in body.get("passages", []):
        if NEEDLE in p["text"]:
            return int(p["rank"])
    return None


def one_start(seed: bool, log: Path) -> Start:
    with tempfile.TemporaryDirectory(prefix="vraagbaak-clone-") as tmp:
        repo = Path(tmp) / "repo"
        subprocess.run(
            ["git", "clone", "-q", "--depth", "1", f"file://{ROOT}", str(repo)], check=True
        )
        (repo / ".venv").symlink_to(Path(sys.prefix))
        # the lent install is current: the clone's files must not look newer than its marks,
        # or make would install again (and point the shared virtualenv at the clone)
        marks = [Path(sys.prefix) / m for m in (".installed", ".dev-installed")]
        older = min((m.stat().st_mtime for m in marks if m.exists()), default=time.time()) - 60
        os.utime(repo / "pyproject.toml", (older, older))
        if not seed:
            (repo / "corpus" / ".vectors.npz").unlink(missing_ok=True)
        port = _port()
        url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "VRAAGBAAK_DATA_DIR": str(repo / "data")}
        start = time.monotonic()
        with open(log, "ab") as out:
            server = subprocess.Popen(
                ["make", "serve", f"PORT={port}"],
                cwd=repo,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        ready = None
        try:
            while time.monotonic() - start < LIMIT_S:
                if server.poll() is not None:
                    raise RuntimeError(f"make serve ended with {server.returncode}; see {log}")
                try:
                    if ready is None and httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                        ready = time.monotonic() - start
                except httpx.HTTPError:
                    pass
                if ready is not None:
                    rank = _correct(url)
                    if rank is not None:
                        return Start(seed, ready, time.monotonic() - start, rank)
                time.sleep(0.2)
            raise RuntimeError(f"no correct answer within {LIMIT_S:.0f} s; see {log}")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.firststart", description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs with the shipped vectors")
    parser.add_argument(
        "--no-seed-runs", type=int, default=1, help="runs without them (minutes each)"
    )
    parser.add_argument("--out", type=Path, default=Path("eval/out/firststart.json"))
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    log = args.out.with_suffix(".log")
    starts: list[Start] = []
    for seed, runs in ((True, args.runs), (False, args.no_seed_runs)):
        for i in range(runs):
            s = one_start(seed, log)
            print(
                f"{'seed' if seed else 'no seed'} run {i + 1}: ready {s.ready_s:.1f} s, "
                f"first correct answer {s.answer_s:.1f} s (rank {s.rank})",
                file=sys.stderr,
                flush=True,
            )
            starts.append(s)
    rows = [
        "| vectors | runs | ready (median s) | first correct answer (median s) |",
        "|---|---:|---:|---:|",
    ]
    for seed in (True, False):
        group = [s for s in starts if s.seed is seed]
        if group:
            rows.append(
                f"| {'shipped' if seed else 'embedded at start'} | {len(group)} | "
                f"{statistics.median(s.ready_s for s in group):.1f} | "
                f"{statistics.median(s.answer_s for s in group):.1f} |"
            )
    args.out.write_text(json.dumps([s.__dict__ for s in starts], indent=1))
    print("\n".join(rows))


if __name__ == "__main__":
    main()

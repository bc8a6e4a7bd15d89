"""``python -m bench.soak``: the real service for a bounded time under load while reports come
and go, on loopback only.

It starts ``vraagbaak serve`` on 127.0.0.1 with a folder of its own (a copy of the corpus and
its own data folder, never the project's ``data/``), builds the index there, and for
``--minutes`` keeps ``--concurrency`` workers asking /ask questions from ``eval/gold``
back to back, while every ``--cycle-seconds`` a fictional report is uploaded, replaced by a
revised edition (same name, other content) and deleted through the API. A failed query is
any answer that is not 2xx, or a transport error: a 503 while an index version is loaded
counts, since reindexing must never take the service down. The server's RSS and open file
descriptors are read after the warm-up, every cycle, and at the end (both ends idle). The run
fails on one failed query, a failed admin action, or growth beyond 10 %.

    python -m bench.soak --minutes 1
    python -m bench.soak --minutes 10 --concurrency 16 --out eval/out/soak.json
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import math
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from eval.metrics import percentile

__all__ = ["SoakConfig", "growth_pct", "main", "problems", "render", "run_soak", "summarise"]

HOST = "127.0.0.1"  # the only address this script ever talks to
ROOT = Path(__file__).resolve().parents[1]
GOLD_DIR = ROOT / "eval" / "gold"
PDF_REPORTS = sorted((ROOT / "eval" / "reports").glob("*.pdf"))  # fictional, see their README
SOAK_PREFIX = "soak-"  # the reports this script uploads; nothing else is touched
WARMUP_CYCLES = (-2, -1)  # cycle numbers of the warm-up: one PDF, one text report
MAX_GROWTH_PCT = 10.0


@dataclass(frozen=True)
class SoakConfig:
    """What to run; every field has a CLI flag of the same name (``cycle_s``: --cycle-seconds)."""

    minutes: float = 10.0
    concurrency: int = 16
    port: int = 0  # 0: a free one
    data_dir: Path | None = None  # None: a fresh temporary folder, removed after a clean run
    corpus: Path = ROOT / "corpus"
    embedder: str | None = None  # None: the server's default (VRAAGBAAK_EMBEDDER or e5)
    cycle_s: float = 60.0
    warmup: int | None = None  # questions asked before the start sample; None: each once
    warmup_cycles: tuple[int, ...] = WARMUP_CYCLES  # report cycles before the start sample
    request_timeout_s: float = 60.0
    served_timeout_s: float = 300.0  # an upload's reindex must be served within this


@dataclass(frozen=True)
class Query:
    at_s: float  # when the answer (or the error) came, from the start of the load
    ms: float
    ok: bool
    kind: str  # "200", "503 index_not_ready", "ReadTimeout", ...
    cached: bool = False  # answered from the answer cache (its Server-Timing has no stages)


@dataclass(frozen=True)
class AdminAction:
    cycle: int
    action: str  # upload | replace | delete | cleanup
    name: str
    at_s: float
    status: int | None  # None: a transport error
    ok: bool
    request_ms: float
    served_s: float | None  # until the reindex that serves it was loaded and idle
    detail: str = ""


@dataclass(frozen=True)
class Sample:
    at_s: float
    phase: str  # start | load | end
    rss_mib: float
    fds: int
    sockets: int = -1  # of the fds, sockets (-1: unknown)


@dataclass(frozen=True)
class Edition:
    name: str
    content: bytes
    media_type: str


# --- what is measured, and the verdict --------------------------------------------------


def growth_pct(start: float, end: float) -> float:
    """How much ``end`` grew over ``start``, in percent (negative: it shrank)."""
    if start <= 0:
        return 0.0 if end <= 0 else math.inf
    return (end - start) / start * 100


def _sockets(pid: int) -> int:
    """How many of a process's descriptors are sockets (-1 without /proc)."""
    n = 0
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):  # a descriptor closed meanwhile
                n += os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")
        return n
    return -1


def process_usage(pid: int) -> tuple[float, int, int]:
    """RSS (MiB), open file descriptors and, of those, sockets of a process: psutil when
    installed, else /proc."""
    try:
        psutil = importlib.import_module("psutil")
    except ImportError:
        status = Path(f"/proc/{pid}/status").read_text()
        kb = next(int(line.split()[1]) for line in status.splitlines() if line[:6] == "VmRSS:")
        return kb / 1024, len(os.listdir(f"/proc/{pid}/fd")), _sockets(pid)
    proc = psutil.Process(pid)
    return float(proc.memory_info().rss) / 2**20, int(proc.num_fds()), _sockets(pid)


def timeline(queries: list[Query], step_s: float = 10.0) -> list[dict[str, Any]]:
    """Answers per ``step_s`` (count, failures, p50/p95/max ms): where the slow ones were."""
    buckets: dict[int, list[Query]] = {}
    for q in queries:
        buckets.setdefault(int(q.at_s // step_s), []).append(q)
    out = []
    for i in sorted(buckets):
        ms = [q.ms for q in buckets[i] if q.ok]
        out.append(
            {
                "from_s": i * step_s,
                "queries": len(buckets[i]),
                "failures": sum(not q.ok for q in buckets[i]),
                "p50_ms": percentile(ms, 50) if ms else None,
                "p95_ms": percentile(ms, 95) if ms else None,
                "max_ms": max(ms, default=None),
            }
        )
    return out


def summarise(
    config: dict[str, Any],
    queries: list[Query],
    actions: list[AdminAction],
    samples: list[Sample],
    load_s: float,
    warmup: list[Query] | None = None,
    warmup_actions: list[AdminAction] | None = None,
) -> dict[str, Any]:
    """The run's figures (what the table shows and the JSON keeps)."""
    ok_ms = [q.ms for q in queries if q.ok]
    computed_ms = [q.ms for q in queries if q.ok and not q.cached]
    failed = [q for q in queries if not q.ok]
    start = next(s for s in samples if s.phase == "start")
    end = next(s for s in reversed(samples) if s.phase == "end")
    served = [a.served_s for a in actions if a.served_s is not None]
    period = float(config.get("cycle_s") or 60.0)
    count = max(1, math.ceil(load_s / period - 1e-9))

    def of(at_s: float) -> int:  # answers in flight at the deadline count in the last period
        return min(max(int(at_s // period), 0), count - 1)

    periods = []
    for i in range(count):
        lo = i * period
        inside = [q for q in queries if of(q.at_s) == i]
        acts = [a for a in actions if of(a.at_s) == i]
        # the sample taken as the period ended (the idle end sample for the last one)
        at = [s for s in samples if s.phase == "load" and of(s.at_s - 1) == i]
        if i == count - 1:
            at = [end]
        periods.append(
            {
                "from_s": lo,
                "queries": len(inside),
                "failures": sum(not q.ok for q in inside),
                "p95_ms": percentile(ms, 95) if (ms := [q.ms for q in inside if q.ok]) else None,
                "admin": len(acts),
                "admin_failures": sum(not a.ok for a in acts),
                "rss_mib": at[-1].rss_mib if at else None,
                "fds": at[-1].fds if at else None,
            }
        )
    return {
        "config": config,
        "load_s": load_s,
        "queries": len(queries),
        "qps": len(queries) / load_s if load_s else 0.0,
        "failures": len(failed),
        "failure_kinds": dict(Counter(q.kind for q in failed)),
        "first_failures": [asdict(q) for q in failed[:20]],
        "latency_ms": {
            "p50": percentile(ok_ms, 50),
            "p95": percentile(ok_ms, 95),
            "p99": percentile(ok_ms, 99),
            "max": max(ok_ms, default=0.0),
            # the answers the service worked out (not from its answer cache)
            "computed_p50": percentile(computed_ms, 50),
            "computed_p95": percentile(computed_ms, 95),
        },
        "cached": sum(q.cached for q in queries),
        "warmup": {
            "queries": len(warmup or []),
            "failures": sum(not q.ok for q in warmup or []),
            "failure_kinds": dict(Counter(q.kind for q in warmup or [] if not q.ok)),
            "p95_ms": percentile([q.ms for q in warmup or [] if q.ok], 95),
            "timeline": timeline(warmup or []),
            "admin_actions": len(warmup_actions or []),
            "admin_failures": sum(not a.ok for a in warmup_actions or []),
            "list": [asdict(a) for a in warmup_actions or []],
        },
        "admin": {
            "actions": len(actions),
            "failures": sum(not a.ok for a in actions),
            "by_action": dict(Counter(a.action for a in actions)),
            "served_s": {
                "median": statistics.median(served) if served else None,
                "max": max(served, default=None),
            },
            "list": [asdict(a) for a in actions],
        },
        "rss_mib": {
            "start": start.rss_mib,
            "end": end.rss_mib,
            "growth_pct": growth_pct(start.rss_mib, end.rss_mib),
        },
        "fds": {
            "start": start.fds,
            "end": end.fds,
            "growth_pct": growth_pct(start.fds, end.fds),
            "sockets_start": start.sockets,
            "sockets_end": end.sockets,
        },
        "samples": [asdict(s) for s in samples],
        "periods": periods,
        "timeline": timeline(queries),
        "max_growth_pct": MAX_GROWTH_PCT,
    }


def problems(summary: dict[str, Any], max_growth: float = MAX_GROWTH_PCT) -> list[str]:
    """Why the run failed; empty when it passed."""
    out = []
    if summary["queries"] == 0:
        out.append("no query was answered")
    if summary["failures"]:
        kinds = ", ".join(f"{k} x{n}" for k, n in summary["failure_kinds"].items())
        out.append(f"{summary['failures']} failed queries ({kinds})")
    if summary["admin"]["failures"]:
        out.append(f"{summary['admin']['failures']} failed admin actions")
    warm = summary.get("warmup") or {}
    if warm.get("failures") or warm.get("admin_failures"):
        out.append(
            f"the warm-up had {warm.get('failures', 0)} failed queries and "
            f"{warm.get('admin_failures', 0)} failed admin actions"
        )
    for key, what in (("rss_mib", "RSS"), ("fds", "open file descriptors")):
        g = summary[key]["growth_pct"]
        if g > max_growth:
            out.append(f"{what} grew {g:.1f}% (more than {max_growth:g}%)")
    if summary.get("server_exit") is not None:
        out.append(f"the server exited during the run (code {summary['server_exit']})")
    return out


def _num(x: float | None, digits: int = 0) -> str:
    return "-" if x is None else f"{x:,.{digits}f}"


def render(summary: dict[str, Any]) -> str:
    """The run as markdown: the summary table, then one row per cycle."""
    c, lat, adm, rss, fds = (
        summary["config"],
        summary["latency_ms"],
        summary["admin"],
        summary["rss_mib"],
        summary["fds"],
    )
    found = problems(summary)
    by = adm["by_action"]
    rows = [
        (
            "run",
            f"{summary['load_s'] / 60:.1f} min at concurrency {c.get('concurrency')}, "
            f"embedder {c.get('embedder') or 'default'}, {c.get('questions')} questions",
        ),
        ("queries", f"{summary['queries']:,} ({summary['qps']:.1f}/s)"),
        ("failed queries", f"{summary['failures']}"),
        ("p50 latency (ms)", _num(lat["p50"])),
        ("p95 latency (ms)", _num(lat["p95"])),
        ("p99 / max latency (ms)", f"{_num(lat['p99'])} / {_num(lat['max'])}"),
        (
            "answered from the answer cache",
            f"{summary['cached']:,} ({100 * summary['cached'] / max(1, summary['queries']):.0f}%)",
        ),
        (
            "p50 / p95 of the others (ms)",
            f"{_num(lat['computed_p50'])} / {_num(lat['computed_p95'])}",
        ),
        (
            "admin actions",
            f"{adm['actions']} ({by.get('upload', 0)} uploads, {by.get('replace', 0)} "
            f"replacements, {by.get('delete', 0)} deletions"
            + (f", {by['cleanup']} clean-ups" if by.get("cleanup") else "")
            + ")",
        ),
        ("failed admin actions", f"{adm['failures']}"),
        (
            "served after (s), median / max",
            f"{_num(adm['served_s']['median'], 1)} / {_num(adm['served_s']['max'], 1)}",
        ),
        ("RSS start / end (MiB)", f"{rss['start']:.1f} / {rss['end']:.1f}"),
        ("RSS growth", f"{rss['growth_pct']:+.1f}%"),
        (
            "open fds start / end (sockets)",
            f"{fds['start']} / {fds['end']} ({fds['sockets_start']} / {fds['sockets_end']})",
        ),
        ("fd growth", f"{fds['growth_pct']:+.1f}%"),
        ("verdict", "pass" if not found else "FAIL: " + "; ".join(found)),
    ]
    lines = ["| measure | value |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows)]
    lines += [
        "",
        "| from (s) | queries | failed | p95 (ms) | admin ok / all | RSS (MiB) | fds |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in summary["periods"]:
        lines.append(
            f"| {p['from_s']:.0f} | {p['queries']:,} | {p['failures']} | {_num(p['p95_ms'])} | "
            f"{p['admin'] - p['admin_failures']} / {p['admin']} | {_num(p['rss_mib'], 1)} | "
            f"{_num(p['fds'])} |"
        )
    return "\n".join(lines)


# --- the inputs: questions and reports ----------------------------------------------------


def load_questions(gold_dir: Path = GOLD_DIR) -> list[str]:
    """The distinct questions of the project's question sets (``eval/gold/*.jsonl``)."""
    seen: dict[str, None] = {}
    for path in sorted(gold_dir.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                seen.setdefault(json.loads(line)["question"], None)
    if not seen:
        raise typer.BadParameter(f"no questions in {gold_dir}/*.jsonl")
    return list(seen)


def text_report(cycle: int, edition: int) -> bytes:
    """A small fictional text report; its first line says so. Figures differ per edition."""
    n = 37 * cycle + 11 * edition
    return f"""Fictief testrapport voor de duurtest van Vraagbaak (ronde {cycle}, editie \
{edition}): namen, cijfers en beleid zijn verzonnen.

Inleiding

Deze notitie beschrijft de denkbeeldige gemeente Zuiderwaard in het jaar {2040 + cycle}. Zij \
is geschreven om het uploaden, vervangen en verwijderen van rapporten te testen en gaat over \
niets dat bestaat.

Hoofdstuk 1 Opvang

De opvang in Zuiderwaard telde {120 + n} plaatsen, verdeeld over {2 + edition} locaties. Het \
college wil daar in de volgende editie {10 + cycle} plaatsen aan toevoegen, zodat niemand langer \
dan {3 + edition} weken hoeft te wachten.

Hoofdstuk 2 Wachttijden

De gemiddelde wachttijd voor een eerste gesprek was {5 + n % 9} dagen. In de wijk Oosterdijk \
was die wachttijd het langst; in de wijk Havenkwartier het kortst.

Hoofdstuk 3 Financiering

De regeling kostte {1000 + 13 * n} euro per plaats per jaar. De denkbeeldige provincie \
Westerveld betaalt daarvan {40 + edition} procent.
""".encode()


def editions(cycle: int) -> tuple[Edition, Edition]:
    """A cycle's report and its revised edition (same name, other content): on even cycles two
    of the fictional PDFs in eval/reports, on odd ones fictional text reports made here."""
    if cycle % 2 == 0 and len(PDF_REPORTS) >= 2:
        i = cycle // 2
        a, b = PDF_REPORTS[i % len(PDF_REPORTS)], PDF_REPORTS[(i + 1) % len(PDF_REPORTS)]
        name = f"{SOAK_PREFIX}rapport.pdf"
        return (
            Edition(name, a.read_bytes(), "application/pdf"),
            Edition(name, b.read_bytes(), "application/pdf"),
        )
    name = f"{SOAK_PREFIX}notitie.txt"
    return (
        Edition(name, text_report(cycle, 1), "text/plain"),
        Edition(name, text_report(cycle, 2), "text/plain"),
    )


# --- the server ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _exe() -> str:
    """The vraagbaak command of this environment."""
    beside = Path(sys.executable).parent / "vraagbaak"
    return str(beside) if beside.exists() else shutil.which("vraagbaak") or "vraagbaak"


class SoakServer:
    """``vraagbaak serve`` in a child process on loopback, in a folder of its own."""

    def __init__(self, work: Path, env: dict[str, str], port: int) -> None:
        self.work = work
        self.env = env
        self.port = port or _free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = work / "server.log"

    def build_index(self, timeout_s: float = 1800) -> None:
        """``vraagbaak ingest`` on the copied corpus (only what changed since the last run)."""
        with open(self.work / "ingest.log", "w") as log:
            done = subprocess.run(
                [_exe(), "ingest"], env=self.env, cwd=self.work, stdout=log, stderr=log,
                timeout=timeout_s, check=False,
            )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(
                f"vraagbaak ingest exited with {done.returncode}; see {self.work / 'ingest.log'}"
            )

    def start(self, timeout_s: float = 180) -> None:
        with socket.socket() as s:  # a port given on the command line must be free
            try:
                s.bind((HOST, self.port))
            except OSError:
                raise typer.BadParameter(f"port {self.port} on {HOST} is in use") from None
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(
                [_exe(), "serve", "--host", HOST, "--port", str(self.port)],
                env=self.env, cwd=self.work, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < timeout_s:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {self.log}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"server not ready within {timeout_s:.0f} s; see {self.log}")

    def exit_code(self) -> int | None:
        return self.proc.poll() if self.proc else None

    def usage(self) -> tuple[float, int, int]:
        assert self.proc is not None
        return process_usage(self.proc.pid)

    def stop(self) -> None:
        """Stop the server (asked first, killed after 20 s); safe to call twice."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# --- the load --------------------------------------------------------------------------------


def _kind(r: httpx.Response) -> str:
    try:
        code = r.json().get("code", "")
    except ValueError:
        code = ""
    return f"{r.status_code} {code}".strip()


async def _ask(client: httpx.AsyncClient, question: str, t0: float) -> Query:
    start = time.perf_counter()
    try:
        r = await client.post("/ask", json={"question": question})
        ok, kind = r.is_success, (str(r.status_code) if r.is_success else _kind(r))
        cached = ok and "embed;" not in r.headers.get("server-timing", "embed;")
    except httpx.HTTPError as exc:
        ok, kind, cached = False, type(exc).__name__, False
    end = time.perf_counter()
    return Query(end - t0, (end - start) * 1000, ok, kind, cached)


async def _asker(
    client: httpx.AsyncClient,
    questions: list[str],
    rng: random.Random,
    t0: float,
    deadline: float,
    out: list[Query],
) -> None:
    while time.perf_counter() < deadline:
        out.append(await _ask(client, rng.choice(questions), t0))


class Admin:
    """The report cycles: upload, replace with a revised edition, delete; each one recorded."""

    def __init__(self, client: httpx.AsyncClient, t0: float, served_timeout_s: float) -> None:
        self.client = client
        self.t0 = t0
        self.served_timeout_s = served_timeout_s
        self.actions: list[AdminAction] = []
        self.last = ""

    def _record(self, action: AdminAction) -> None:
        self.actions.append(action)
        state = "ok" if action.ok else f"FAILED {action.detail}"
        self.last = f"{action.action} {action.name} {action.status} {state}"

    async def cycle(self, n: int) -> None:
        await self._cleanup(n)
        first, second = editions(n)
        doc = await self._upload(n, "upload", first, "added", None)
        if doc is not None:
            doc = await self._upload(n, "replace", second, "replaced", doc)
        if doc is not None:
            await self._delete(n, "delete", doc, first.name)

    async def _cleanup(self, n: int) -> None:
        """Remove what an earlier, failed cycle left indexed."""
        with contextlib.suppress(httpx.HTTPError, ValueError):
            for d in (await self.client.get("/documents")).json():
                if str(d.get("source", "")).startswith(SOAK_PREFIX):
                    await self._delete(n, "cleanup", d["id"], d["source"])

    async def _upload(
        self, n: int, action: str, ed: Edition, expect: str, replaces: str | None
    ) -> str | None:
        at, start = time.perf_counter() - self.t0, time.perf_counter()
        try:
            r = await self.client.post(
                "/documents", files={"file": (ed.name, ed.content, ed.media_type)}
            )
        except httpx.HTTPError as exc:
            ms = (time.perf_counter() - start) * 1000
            self._record(AdminAction(n, action, ed.name, at, None, False, ms, None, repr(exc)))
            return None
        ms = (time.perf_counter() - start) * 1000
        body = r.json() if r.headers.get("content-type", "").startswith("application/json") else {}
        doc = body.get("document_id")
        if r.status_code != 202 or body.get("status") != expect or body.get("replaces") != replaces:
            detail = f"expected 202 {expect}, got {r.status_code} {str(body)[:300]}"
            self._record(
                AdminAction(n, action, ed.name, at, r.status_code, False, ms, None, detail)
            )
            return None
        served, problem = await self._served(present=doc, absent=replaces)
        self._record(
            AdminAction(n, action, ed.name, at, r.status_code, not problem, ms, served, problem)
        )
        return None if problem else doc

    async def _delete(self, n: int, action: str, doc: str, name: str) -> None:
        at, start = time.perf_counter() - self.t0, time.perf_counter()
        try:
            r = await self.client.delete(f"/documents/{doc}")
        except httpx.HTTPError as exc:
            ms = (time.perf_counter() - start) * 1000
            self._record(AdminAction(n, action, name, at, None, False, ms, None, repr(exc)))
            return
        ms = (time.perf_counter() - start) * 1000
        if r.status_code != 202:
            detail = f"expected 202, got {r.status_code} {r.text[:300]}"
            self._record(AdminAction(n, action, name, at, r.status_code, False, ms, None, detail))
            return
        served, problem = await self._served(present=None, absent=doc)
        self._record(AdminAction(n, action, name, at, 202, not problem, ms, served, problem))

    async def _served(self, present: str | None, absent: str | None) -> tuple[float | None, str]:
        """Wait until the served index has ``present`` and not ``absent`` and no reindex runs;
        the seconds it took and what went wrong ("" when nothing)."""
        start = time.perf_counter()
        while (waited := time.perf_counter() - start) < self.served_timeout_s:
            try:
                ids = {d["id"] for d in (await self.client.get("/documents")).json()}
                status = (await self.client.get("/reindex")).json()
            except (httpx.HTTPError, ValueError):
                ids, status = set(), {"running": True}
            done = not status.get("running") and not status.get("queued")
            if done and (present is None or present in ids) and absent not in ids:
                problem = "" if status.get("ok") else f"reindex not ok: {str(status)[:300]}"
                return waited, problem
            await asyncio.sleep(0.25)
        return None, f"not served within {self.served_timeout_s:.0f} s"

    async def run(self, deadline: float, cycle_s: float) -> None:
        n = 0
        while time.perf_counter() < deadline:
            try:
                await self.cycle(n)
            except Exception as exc:  # a bug here must not end the load or lose the run
                at = time.perf_counter() - self.t0
                self._record(AdminAction(n, "cycle", "", at, None, False, 0.0, None, repr(exc)))
            n += 1
            next_at = self.t0 + n * cycle_s  # every cycle_s; back to back when one overran
            await asyncio.sleep(max(0.0, min(next_at, deadline) - time.perf_counter()))


async def _idle(client: httpx.AsyncClient, timeout_s: float = 300) -> None:
    """Wait until no reindex runs or is queued, and the watcher had time to load its result."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout_s:
        with contextlib.suppress(httpx.HTTPError, ValueError):
            status = (await client.get("/reindex")).json()
            if not status.get("running") and not status.get("queued"):
                break
        await asyncio.sleep(0.25)
    await asyncio.sleep(2.5)  # the watcher loads a new version within a second


async def _soak(
    cfg: SoakConfig, server: SoakServer, token: str, questions: list[str], console: Console
) -> tuple[list[Query], list[AdminAction], list[Query], list[AdminAction], list[Sample], float]:
    limits = httpx.Limits(max_connections=cfg.concurrency + 4, max_keepalive_connections=None)
    timeout = httpx.Timeout(cfg.request_timeout_s)
    auth = {"Authorization": f"Bearer {token}"}
    rng = random.Random(15)

    def askers() -> httpx.AsyncClient:
        # one for the warm-up and one for the load, each closed before the server's
        # descriptors are counted: its own connections are not what the count is after
        return httpx.AsyncClient(base_url=server.url, limits=limits, timeout=timeout)

    async with httpx.AsyncClient(
        base_url=server.url, timeout=timeout, headers=auth
    ) as admin_client:
        # warm-up: each question once (or --warmup of them) at full concurrency, and one
        # report cycle of each kind (PDF, text), so that every code path has run and the
        # worker threads exist before the start sample: what grows after it is what the
        # soak is after, not first use
        pool = list(questions)
        rng.shuffle(pool)
        n = len(pool) if cfg.warmup is None else cfg.warmup
        wanted = [pool[i % len(pool)] for i in range(n)]
        warm: list[Query] = []
        sem = asyncio.Semaphore(cfg.concurrency)
        t_warm = time.perf_counter()
        warm_admin = Admin(admin_client, t_warm, cfg.served_timeout_s)

        async def cycles() -> None:
            for c in cfg.warmup_cycles:
                await warm_admin.cycle(c)

        with console.status(
            f"warm-up: {n} questions at concurrency {cfg.concurrency}, "
            f"{len(cfg.warmup_cycles)} report cycles ..."
        ):
            async with askers() as client:

                async def one(q: str) -> None:
                    async with sem:
                        warm.append(await _ask(client, q, t_warm))

                await asyncio.gather(cycles(), *(one(q) for q in wanted))
            await _idle(admin_client)
        samples = [Sample(0.0, "start", *server.usage())]

        load_s = cfg.minutes * 60
        t0 = time.perf_counter()
        deadline = t0 + load_s
        queries: list[Query] = []
        admin = Admin(admin_client, t0, cfg.served_timeout_s)
        async with askers() as client:
            workers = [
                asyncio.create_task(_asker(client, questions, rng, t0, deadline, queries))
                for _ in range(cfg.concurrency)
            ]
            admin_task = asyncio.create_task(admin.run(deadline, cfg.cycle_s))
            await _follow(server, workers, admin, queries, samples, t0, load_s, cfg, console)
            for w in workers:
                w.cancel()
        with console.status("waiting for the last report cycle to finish ..."):
            try:
                await asyncio.wait_for(admin_task, timeout=cfg.served_timeout_s + 60)
            except TimeoutError:
                admin.actions.append(
                    AdminAction(-1, "finish", "", load_s, None, False, 0.0, None, "timed out")
                )
            if server.exit_code() is None:
                await _idle(admin_client)
        load_s = min(time.perf_counter(), deadline) - t0
        if server.exit_code() is None:
            samples.append(Sample(time.perf_counter() - t0, "end", *server.usage()))
        else:
            samples.append(Sample(time.perf_counter() - t0, "end", math.nan, 0))
        return warm, warm_admin.actions, queries, admin.actions, samples, load_s


async def _follow(
    server: SoakServer,
    workers: list[asyncio.Task[None]],
    admin: Admin,
    queries: list[Query],
    samples: list[Sample],
    t0: float,
    load_s: float,
    cfg: SoakConfig,
    console: Console,
) -> None:
    """Show the load's progress and sample the server every cycle until the workers stop."""
    progress = Progress(
        TextColumn("[bold]soak[/bold]"),
        BarColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[info]}"),
        console=console,
    )
    with progress:
        task = progress.add_task("soak", total=load_s, info="")
        next_sample = t0 + cfg.cycle_s
        while not all(w.done() for w in workers):
            now = time.perf_counter()
            if next_sample <= now < t0 + load_s:
                samples.append(Sample(now - t0, "load", *server.usage()))
                next_sample += cfg.cycle_s
            recent = [q.ms for q in queries[-2000:] if q.ok and q.at_s > now - t0 - 60]
            fails = sum(not q.ok for q in queries)
            progress.update(
                task,
                completed=min(now - t0, load_s),
                info=f"{len(queries):,} queries, {fails} failed, p95 "
                f"{percentile(recent, 95):.0f} ms, RSS {samples[-1].rss_mib:.0f} MiB | "
                f"{admin.last}",
            )
            if server.exit_code() is not None:
                return  # the server died: the rest would only count transport errors
            await asyncio.sleep(0.5)
        progress.update(task, completed=load_s)


def _prepare(cfg: SoakConfig) -> tuple[Path, bool]:
    """The soak's folder (``corpus/`` a copy of the corpus, ``data/``) and whether it is
    temporary."""
    temporary = cfg.data_dir is None
    work = (
        Path(tempfile.mkdtemp(prefix="vraagbaak-soak-")) if cfg.data_dir is None else cfg.data_dir
    )
    corpus = work / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    # every file, dot files too: what sits beside the reports (such as stored vectors) is
    # part of the corpus a fresh clone has
    files = [f for f in sorted(cfg.corpus.iterdir()) if f.is_file()]
    if not files:
        raise typer.BadParameter(f"no reports in {cfg.corpus}")
    for old in corpus.iterdir():
        if old.is_file() and old.name not in {f.name for f in files}:
            old.unlink()  # a report an interrupted run left, or one of another corpus
    for f in files:
        if not (corpus / f.name).exists() or (corpus / f.name).read_bytes() != f.read_bytes():
            shutil.copy(f, corpus / f.name)
    return work, temporary


def run_soak(cfg: SoakConfig, console: Console | None = None) -> dict[str, Any]:
    """Run the soak; the summary (see :func:`summarise`), with ``work_dir`` and ``problems``."""
    console = console or Console(stderr=True)
    questions = load_questions()
    work, temporary = _prepare(cfg)
    token = secrets.token_urlsafe(24)  # this run's admin token; never printed
    env = {
        **os.environ,
        "VRAAGBAAK_DATA_DIR": str(work / "data"),
        "VRAAGBAAK_CORPUS_DIR": str(work / "corpus"),
        "VRAAGBAAK_ADMIN_TOKEN": token,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    if cfg.embedder:
        env["VRAAGBAAK_EMBEDDER"] = cfg.embedder
    server = SoakServer(work, env, cfg.port)
    try:
        with console.status(f"building the index in {work} (cold: minutes) ..."):
            server.build_index()
        with console.status(f"starting the server on {server.url} ..."):
            server.start()
        warm, warm_actions, queries, actions, samples, load_s = asyncio.run(
            _soak(cfg, server, token, questions, console)
        )
        exit_code = server.exit_code()
    finally:
        server.stop()
    config = {
        "minutes": cfg.minutes,
        "concurrency": cfg.concurrency,
        "cycle_s": cfg.cycle_s,
        "embedder": cfg.embedder or os.environ.get("VRAAGBAAK_EMBEDDER") or "e5",
        "questions": len(questions),
        "url": server.url,
    }
    summary = summarise(config, queries, actions, samples, load_s, warm, warm_actions)
    summary["server_exit"] = exit_code
    summary["problems"] = problems(summary)
    summary["work_dir"] = str(work)
    if temporary and not summary["problems"]:
        shutil.rmtree(work, ignore_errors=True)
        summary["work_dir"] = None
    return summary


# --- the command -----------------------------------------------------------------------------

app = typer.Typer(add_completion=False, help=__doc__.split("\n\n")[0] if __doc__ else None)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the run as Ctrl-C does: the server is stopped too


@app.command()
def main(
    minutes: Annotated[float, typer.Option(min=0.05, help="How long the load runs")] = 10.0,
    concurrency: Annotated[int, typer.Option(min=1, max=256, help="Workers asking")] = 16,
    port: Annotated[int, typer.Option(min=0, max=65535, help="Server port; 0: a free one")] = 0,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            help="The soak's own folder (corpus copy, index, logs), kept; an index there is "
            "reused. Default: a fresh temporary folder, removed after a passing run"
        ),
    ] = None,
    corpus: Annotated[
        Path, typer.Option(envvar="VRAAGBAAK_CORPUS_DIR", help="The reports copied in")
    ] = ROOT / "corpus",
    embedder: Annotated[
        str | None, typer.Option(envvar="VRAAGBAAK_EMBEDDER", help="e5 | minilm | fake ...")
    ] = None,
    cycle_seconds: Annotated[
        float, typer.Option(min=1, help="Upload, replace and delete a report this often")
    ] = 60.0,
    warmup: Annotated[
        int | None, typer.Option(min=0, help="Warm-up questions; default: each question once")
    ] = None,
    out: Annotated[Path, typer.Option(help="The result as JSON")] = ROOT
    / "eval"
    / "out"
    / "soak.json",
) -> None:
    """Soak the real service on 127.0.0.1; exits 1 on a failed query, a failed admin action
    or RSS / descriptor growth beyond 10 %."""
    console = Console(stderr=True)
    cfg = SoakConfig(
        minutes=minutes,
        concurrency=concurrency,
        port=port,
        data_dir=data_dir.resolve() if data_dir else None,
        corpus=corpus,
        embedder=embedder,
        cycle_s=cycle_seconds,
        warmup=warmup,
    )
    before = signal.signal(signal.SIGTERM, _interrupt)
    try:
        summary = run_soak(cfg, console)
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/yellow]: the server is stopped")
        raise typer.Exit(130) from None
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    finally:
        signal.signal(signal.SIGTERM, before)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, indent=1))
    print(render(summary))
    console.print(f"written {out}")
    if summary["work_dir"]:
        console.print(f"logs and index kept in {summary['work_dir']}")
    if summary["problems"]:
        raise typer.Exit(1)


if __name__ == "__main__":
    app()

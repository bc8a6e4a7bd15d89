"""The soak script: its figures and verdict on hand-made runs, and a few seconds of the real
thing (a served fake-embedder index, reports uploaded, replaced and deleted)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import httpx
import pytest

from bench.soak import (
    PDF_REPORTS,
    AdminAction,
    Query,
    Sample,
    SoakConfig,
    editions,
    growth_pct,
    load_questions,
    problems,
    render,
    run_soak,
    summarise,
)

CONFIG = {"minutes": 0.5, "concurrency": 2, "cycle_s": 10.0, "embedder": "fake", "questions": 3}


def _run(
    *,
    kinds: tuple[str, ...] = ("200",) * 5,
    rss: tuple[float, float] = (200.0, 210.0),
    fds: tuple[int, int] = (40, 40),
    admin_ok: bool = True,
) -> dict:
    """A hand-made 30-second run: answers of 10, 20, 30, ... ms at 1, 7, 13, ... s."""
    queries = [
        Query(1 + 6 * i, 10.0 * (i + 1), k == "200", k, cached=i == 0) for i, k in enumerate(kinds)
    ]
    actions = [
        AdminAction(0, "upload", "soak-notitie.txt", 2.0, 202, True, 15.0, 1.5),
        AdminAction(0, "replace", "soak-notitie.txt", 4.0, 202, True, 12.0, 2.5),
        AdminAction(0, "delete", "soak-notitie.txt", 12.0, 202 if admin_ok else 500, admin_ok,
                    9.0, 0.5 if admin_ok else None),
    ]  # fmt: skip
    samples = [
        Sample(0.0, "start", rss[0], fds[0], 5),
        Sample(10.3, "load", 205.0, 44, 21),
        Sample(20.2, "load", 207.0, 45, 21),
        Sample(31.0, "end", rss[1], fds[1], 6),
    ]
    return summarise(CONFIG, queries, actions, samples, 30.0)


def test_growth_by_hand() -> None:
    assert growth_pct(100, 110) == pytest.approx(10.0)
    assert growth_pct(200, 150) == pytest.approx(-25.0)
    assert growth_pct(40, 41) == pytest.approx(2.5)
    assert growth_pct(0, 0) == 0.0 and growth_pct(0, 3) == math.inf


def test_figures_of_a_run() -> None:
    s = _run(kinds=("200", "200", "503 index_not_ready", "200", "ReadTimeout", "200"))
    assert s["queries"] == 6 and s["failures"] == 2 and s["qps"] == pytest.approx(6 / 30)
    assert s["failure_kinds"] == {"503 index_not_ready": 1, "ReadTimeout": 1}
    # latencies of the answered ones only: 10, 20, 40, 60 ms; p50 halfway 20..40, p95 by rank
    assert s["latency_ms"]["p50"] == pytest.approx(30.0)
    assert s["latency_ms"]["p95"] == pytest.approx(40 + 0.85 * 20)
    assert s["latency_ms"]["max"] == 60.0
    # the first answer came from the cache: the others are 20, 40, 60 ms
    assert s["cached"] == 1
    assert s["latency_ms"]["computed_p50"] == 40.0
    assert s["latency_ms"]["computed_p95"] == pytest.approx(40 + 0.9 * 20)
    assert s["admin"]["actions"] == 3 and s["admin"]["failures"] == 0
    assert s["admin"]["served_s"] == {"median": 1.5, "max": 2.5}
    assert s["rss_mib"] == {"start": 200.0, "end": 210.0, "growth_pct": pytest.approx(5.0)}
    assert s["fds"]["growth_pct"] == 0.0
    assert (s["fds"]["sockets_start"], s["fds"]["sockets_end"]) == (5, 6)
    # three periods of 10 s: answers at 1, 7 | 13, 19 | 25, 31 (in flight at the end)
    assert [p["queries"] for p in s["periods"]] == [2, 2, 2]
    assert [p["failures"] for p in s["periods"]] == [0, 1, 1]
    assert [p["admin"] for p in s["periods"]] == [2, 1, 0]
    assert [p["rss_mib"] for p in s["periods"]] == [205.0, 207.0, 210.0]  # the last: the end


def test_verdict() -> None:
    assert problems(_run()) == []
    assert problems(_run(rss=(200.0, 220.0))) == []  # 10% is allowed, beyond it is not
    assert problems(_run(rss=(200.0, 221.0))) == ["RSS grew 10.5% (more than 10%)"]
    assert problems(_run(fds=(40, 45))) == ["open file descriptors grew 12.5% (more than 10%)"]
    assert problems(_run(kinds=("200", "503 index_not_ready"))) == [
        "1 failed queries (503 index_not_ready x1)"
    ]
    assert problems(_run(admin_ok=False)) == ["1 failed admin actions"]
    assert problems(_run(kinds=())) == ["no query was answered"]


def test_table() -> None:
    table = render(_run(kinds=("200", "ConnectError"), fds=(40, 46)))
    assert "| queries | 2 (0.1/s) |" in table
    assert "| failed queries | 1 |" in table
    assert "| p50 latency (ms) | 10 |" in table and "| p95 latency (ms) | 10 |" in table
    assert "| admin actions | 3 (1 uploads, 1 replacements, 1 deletions) |" in table
    assert "| RSS start / end (MiB) | 200.0 / 210.0 |" in table
    assert "| RSS growth | +5.0% |" in table
    assert "| answered from the answer cache | 1 (50%) |" in table
    assert "| p50 / p95 of the others (ms) | 0 / 0 |" in table  # the other one failed
    assert "| open fds start / end (sockets) | 40 / 46 (5 / 6) |" in table
    assert "| fd growth | +15.0% |" in table
    assert (
        "| verdict | FAIL: 1 failed queries (ConnectError x1); open file descriptors grew" in table
    )
    assert "| 10 | 0 | 0 | - | 1 / 1 | 207.0 | 45 |" in table  # one row per cycle
    assert "| verdict | pass |" in render(_run())


def test_editions_keep_the_name_and_change_the_content() -> None:
    for cycle in range(4):
        first, second = editions(cycle)
        assert first.name == second.name and first.name.startswith("soak-")
        assert first.content != second.content
    text, _ = editions(1)
    assert text.name.endswith(".txt")
    assert text.content.decode().splitlines()[0].startswith("Fictief testrapport")
    pdf, _ = editions(0)
    assert pdf.content.startswith(b"%PDF") and pdf.content in {p.read_bytes() for p in PDF_REPORTS}


def test_questions_from_every_set_once(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"question": "Een?"}\n{"question": "Twee?"}\n')
    (tmp_path / "b.jsonl").write_text('\n{"question": "Twee?", "id": "x"}\n{"question": "Drie?"}\n')
    assert load_questions(tmp_path) == ["Een?", "Twee?", "Drie?"]
    assert len(load_questions()) > 200  # the project's sets


def test_a_short_soak_against_the_real_server(tmp_path: Path, corpus: Path) -> None:
    """A real server on the fake-embedder index: a PDF cycle under load, no failed query."""
    cfg = SoakConfig(
        minutes=0.1,
        concurrency=2,
        data_dir=tmp_path / "soak",
        corpus=corpus,
        embedder="fake",
        cycle_s=3.0,
        warmup=10,
        warmup_cycles=(-1,),  # a text report
    )
    s = run_soak(cfg)
    assert s["queries"] > 10 and s["failures"] == 0, s["failure_kinds"]
    assert s["cached"] < s["queries"] and s["latency_ms"]["computed_p50"] > 0
    assert s["warmup"] == {**s["warmup"], "queries": 10, "failures": 0, "admin_failures": 0}
    assert [a["action"] for a in s["warmup"]["list"]] == ["upload", "replace", "delete"]
    done = [(a["cycle"], a["action"], a["name"], a["status"], a["ok"]) for a in s["admin"]["list"]]
    assert done[:3] == [
        (0, "upload", "soak-rapport.pdf", 202, True),
        (0, "replace", "soak-rapport.pdf", 202, True),
        (0, "delete", "soak-rapport.pdf", 202, True),
    ], s["admin"]["list"]
    assert s["admin"]["failures"] == 0
    start, end = s["samples"][0], s["samples"][-1]
    assert (start["phase"], end["phase"]) == ("start", "end")
    assert start["rss_mib"] > 20 and start["fds"] > 3 and end["rss_mib"] > 20
    assert s["rss_mib"]["growth_pct"] == pytest.approx(growth_pct(start["rss_mib"], end["rss_mib"]))
    # its own corpus copy and index; the uploads are gone again; the server is stopped
    assert sorted(p.name for p in (tmp_path / "soak" / "corpus").iterdir()) == sorted(
        p.name for p in corpus.iterdir()
    )
    assert (tmp_path / "soak" / "data" / "index").is_dir()
    assert s["config"]["url"].startswith("http://127.0.0.1:")
    with pytest.raises(httpx.ConnectError):
        httpx.get(s["config"]["url"] + "/healthz", timeout=2)
    assert json.loads(json.dumps(s)) == s  # what --out writes

"""The benchmark's per-stage breakdown, on hand-computable timings."""

from __future__ import annotations

import pytest

from bench.run import breakdown, ratios, render_ratios, render_stages, server_timing


def test_a_server_timing_header_is_read_by_name() -> None:
    header = "language;dur=0.01, embed;dur=21.5, total;dur=23"
    assert server_timing(header) == {"language": 0.01, "embed": 21.5, "total": 23.0}
    assert server_timing("") == {}


def test_the_breakdown_splits_each_latency_into_stages_route_and_http() -> None:
    timings = [
        {"embed": 20.0, "judge": 2.0, "total": 24.0},
        {"embed": 30.0, "judge": 4.0, "total": 36.0},
        {"total": 1.0},  # an answer from the cache: no stage ran, not counted
    ]
    latencies = [30.0, 40.0, 5.0]
    got = breakdown(timings, latencies)
    assert got["embed"]["p50_ms"] == pytest.approx(25.0)
    assert got["embed"]["p95_ms"] == pytest.approx(29.5)
    assert got["embed"]["share"] == pytest.approx(50 / 70)
    assert got["judge"]["share"] == pytest.approx(6 / 70)
    assert got["language"]["share"] == 0.0  # not reported: took no time
    assert got["route"]["p50_ms"] == pytest.approx(2.0)
    assert got["route"]["share"] == pytest.approx(4 / 70)
    assert got["http"]["share"] == pytest.approx(10 / 70)
    shares = sum(v["share"] for v in got.values())
    assert shares == pytest.approx(1.0)  # every millisecond is somewhere


def test_a_server_that_does_not_say_has_no_breakdown() -> None:
    assert breakdown([{}, {}], [10.0, 12.0]) == {}
    assert render_stages({"c1": {"stages": {}}, "c8": {}}) == []


def _run() -> dict:
    def load(p50: float, p95: float, qps: float, stages: dict) -> dict:
        return {"p50_ms": p50, "p95_ms": p95, "qps": qps, "stages": stages}

    stage = {"p50_ms": 20.0, "p95_ms": 25.0, "share": 0.5}
    return {
        "ceiling": {"embed_one_ms": 20.0, "embed_one_p95_ms": 25.0, "rate_qps": 40.0},
        "vraagbaak": {
            "c1": load(30.0, 50.0, 30.0, {"embed": stage}),
            "c8": load(60.0, 90.0, 32.0, {"embed": stage}),
        },
    }


def test_ratios_are_to_the_bare_embedder_of_the_same_run() -> None:
    assert ratios(_run()) == pytest.approx(
        {
            "p50_over_embed_p50": 1.5,
            "p95_over_embed_p50": 2.5,
            "p95_over_embed_p95": 2.0,
            "c8_share_of_embedder_rate": 0.8,
        }
    )
    text = "\n".join(render_ratios(_run()))
    assert "| 1.50x | <= 1.3x |" in text and "| 80% | >= 80% |" in text


def test_the_stage_table_has_a_row_per_stage_reported() -> None:
    lines = render_stages(_run()["vraagbaak"])
    assert lines[-1] == "| embed (the question) | 20.00 | 25.00 | 50.0% | 20.00 | 50.0% |"
    assert len([line for line in lines if line.startswith("| ")]) == 2  # header and one stage

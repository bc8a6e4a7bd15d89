"""/metrics: every response is counted (a 500 from an unhandled error too); no share gauges."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from app import deps
from app.api import create_app
from app.metrics import Metrics
from qa.pipeline import STAGES
from tests.app.conftest import AUTH, code_of, wait_for_reindex
from vraagbaak.settings import Settings


def _count(text: str, route: str, method: str, status: str) -> float:
    pattern = (
        rf'^vraagbaak_requests_total\{{method="{method}",route="{re.escape(route)}",'
        rf'status="{status}"\}} (\S+)$'
    )
    match = re.search(pattern, text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def broken() -> None:
    raise RuntimeError("the asker broke")


def test_an_unhandled_error_is_counted_as_a_500(built_index: Settings) -> None:
    app = create_app(built_index)
    app.dependency_overrides[deps.get_asker] = broken
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post("/ask", json={"question": "Wat is een CSG?"})
        assert response.status_code == 500
        assert code_of(response) == "internal_error"
        assert "RuntimeError" not in response.text  # no internals in the body
        text = client.get("/metrics").text
    assert _count(text, "/ask", "POST", "500") == 1


def test_refusals_before_the_route_are_counted(built_index: Settings) -> None:
    with TestClient(create_app(built_index)) as client:
        client.post("/ask", json={"question": " "})
        client.get("/nergens")
        client.post("/reindex", headers=AUTH)  # admin disabled
        text = client.get("/metrics").text
    assert _count(text, "/ask", "POST", "422") == 1
    assert _count(text, "unmatched", "GET", "404") == 1
    assert _count(text, "/reindex", "POST", "403") == 1


def test_shares_are_left_to_promql(client: TestClient) -> None:
    text = client.get("/metrics").text
    assert "vraagbaak_unanswerable_share" not in text
    assert "rate(vraagbaak_unanswerable_total[5m]) / rate(vraagbaak_questions_total[5m])" in text


def test_questions_and_abstentions_are_counted() -> None:
    metrics = Metrics()
    metrics.record_question(True)
    metrics.record_question(False, "off_topic")
    metrics.record_question(False)
    value = metrics.registry.get_sample_value
    assert value("vraagbaak_questions_total") == 3
    assert value("vraagbaak_unanswerable_total") == 2
    assert value("vraagbaak_unanswerable_by_reason_total", {"reason": "off_topic"}) == 1
    assert value("vraagbaak_unanswerable_by_reason_total", {"reason": "low_confidence"}) == 1


def test_the_index_gauges_follow_the_served_index(admin_client: TestClient) -> None:
    text = admin_client.get("/metrics").text
    assert re.search(r"^vraagbaak_index_documents 2\.0$", text, re.MULTILINE)
    assert re.search(r"^vraagbaak_last_reindex_timestamp_seconds 0\.0$", text, re.MULTILINE)
    assert admin_client.post("/reindex", headers=AUTH).status_code == 202

    wait_for_reindex(admin_client)
    text = admin_client.get("/metrics").text
    assert re.search(r"^vraagbaak_last_reindex_success 1\.0$", text, re.MULTILINE)
    stamp = re.search(r"^vraagbaak_last_reindex_timestamp_seconds (\S+)$", text, re.MULTILINE)
    assert stamp and float(stamp.group(1)) > 1.7e9


def server_timing(header: str) -> dict[str, float]:
    parts = (p.strip().partition(";dur=") for p in header.split(","))
    return {name: float(ms) for name, _, ms in parts}


def _sample(text: str, name: str, labels: str) -> float:
    match = re.search(rf"^{name}\{{{re.escape(labels)}\}} (\S+)$", text, re.MULTILINE)
    assert match, f"{name}{{{labels}}} is not in /metrics"
    return float(match.group(1))


def test_each_stage_of_a_question_is_a_histogram(client: TestClient) -> None:
    question = {"question": "Hoeveel Centra Seksueel Geweld zijn er?"}
    assert client.post("/ask", json=question).is_success
    text = client.get("/metrics").text
    stages = {s: _sample(text, "vraagbaak_ask_stage_seconds_sum", f'stage="{s}"') for s in STAGES}
    for stage in STAGES:
        assert _sample(text, "vraagbaak_ask_stage_seconds_count", f'stage="{stage}"') == 1
        assert stages[stage] >= 0
    assert stages["embed"] > 0 and stages["judge"] > 0
    total = _sample(text, "vraagbaak_request_seconds_sum", 'route="/ask"')
    assert 0 < sum(stages.values()) <= total


def test_an_answer_from_the_cache_runs_no_stage(client: TestClient) -> None:
    question = {"question": "Wat doet Veilig Thuis?"}
    client.post("/ask", json=question)
    again = client.post("/ask", json=question)
    assert again.json()["took_ms"] >= 0
    text = client.get("/metrics").text
    for stage in STAGES:
        assert _sample(text, "vraagbaak_ask_stage_seconds_count", f'stage="{stage}"') == 1
    assert set(server_timing(again.headers["server-timing"])) == {"total"}


def test_the_answer_says_where_its_time_went(client: TestClient) -> None:
    response = client.post("/ask", json={"question": "Wat doet Veilig Thuis?"})
    timing = server_timing(response.headers["server-timing"])
    assert list(timing) == [*STAGES, "total"]
    assert all(ms >= 0 for ms in timing.values())
    assert sum(timing[s] for s in STAGES) <= timing["total"]

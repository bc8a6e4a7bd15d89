"""/metrics: every response is counted (a 500 from an unhandled error too); no share gauges."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from app import deps
from app.api import create_app
from app.metrics import Metrics
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

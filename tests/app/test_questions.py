"""POST /ask serialises its answer itself: the body is an AskResponse, the schema says so."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.routes.questions import server_timing
from app.schemas import AskResponse


def test_the_answer_is_an_ask_response(client: TestClient) -> None:
    response = client.post("/ask", json={"question": "Hoeveel Centra Seksueel Geweld zijn er?"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    answer = AskResponse.model_validate_json(response.content)
    assert answer.passages and answer.question == "Hoeveel Centra Seksueel Geweld zijn er?"
    assert response.json() == answer.model_dump(mode="json")


def test_the_schema_still_declares_the_ask_response(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    ok = spec["paths"]["/ask"]["post"]["responses"]["200"]["content"]["application/json"]
    assert ok["schema"] == {"$ref": "#/components/schemas/AskResponse"}


def test_server_timing_names_each_stage_and_the_total() -> None:
    assert server_timing({"embed": 21.04, "judge": 1.5}, 23.0) == (
        "embed;dur=21.04, judge;dur=1.5, total;dur=23.0"
    )
    assert server_timing({}, 0.4567) == "total;dur=0.457"

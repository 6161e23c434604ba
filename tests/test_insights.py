"""GET /orchestrator/insights and the figures behind /insights, checked against dialogs played through the chat."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from config import Config
from graphs.run.engine import Engine
from graphs.store.insights import Period, insights
from routes.insight_models import InsightsReport
from tests.dialog_support import app_on_backend
from tests.sql_fixtures import BACKENDS

# (messages, how the run stands after them)
DIALOGS = [
    (['!run alta_pedido cliente=Globex productos="1 grapadora"', "sí"], "completed"),
    (['!run alta_pedido cliente=Initech productos="2 teclados"', "el primero", "sí"], "completed"),
    (["!run alta_pedido cliente=ACME", "cancelar"], "cancelled"),
    (['!run alta_pedido cliente=Globex productos="2 teclados"', "no entiendo"], "waiting"),
]


def play(client: FlaskClient) -> list[dict]:
    """Each dialog in a chat session of its own; the last reply of each."""
    last = []
    for number, (messages, _) in enumerate(DIALOGS):
        for text in messages:
            reply = client.post("/chat", json={"message": text, "session_id": f"insights-{number:04d}"}).get_json()
        last.append(reply)
    return last


@pytest.fixture(params=BACKENDS)
def played(request: pytest.FixtureRequest, settings: Config) -> Iterator[Flask]:
    """The app, on SQLite or PostgreSQL, after the dialogs were played."""
    with app_on_backend(request, settings) as app:
        last = play(app.test_client())
        assert [r["status"] for r in last] == [status for _, status in DIALOGS]
        yield app


def _figures(app: Flask, **period: float) -> dict:
    engine: Engine = app.extensions["t7"].engine
    now = period.get("now", time.time())  # judged later than the dialogs: their runs started in the last hour
    window = Period(time.time() - 3600, now + 1, period.get("after", 3600), now)
    return insights(engine.runs.engine, "alta_pedido", window)


def test_outcomes_turns_funnel_and_repairs_match_the_dialogs_played(played: Flask) -> None:
    figures = _figures(played)
    assert figures["runs"] == {
        "started": 4,
        "completed": 2,
        "cancelled": 1,
        "failed": 0,
        "abandoned": 0,
        "waiting": 1,
    }
    assert figures["median_turns"] == 2.5  # 2 and 3 messages
    assert figures["median_seconds"] is not None and figures["median_seconds"] >= 0
    funnel = {row["step"]: row for row in figures["funnel"]}
    assert funnel["confirmar"] == {"step": "confirmar", "reached": 2, "answered": 2, "abandoned": 0}
    assert funnel["producto__choose"] == {"step": "producto__choose", "reached": 2, "answered": 2, "abandoned": 0}
    assert funnel["productos"] == {"step": "productos", "reached": 1, "answered": 1, "abandoned": 1}
    repairs = {(row["step"], row["command"]): row["count"] for row in figures["repairs"]}
    assert repairs == {("productos", "cancel"): 1, ("producto__choose", "choose"): 1, ("producto__choose", "help"): 1}
    lowest = figures["lowest_confidence"]
    assert {row["text"] for row in lowest} == {"sí", "el primero", "cancelar", "no entiendo"}
    assert [row["confidence"] for row in lowest] == sorted(row["confidence"] for row in lowest)


def test_a_run_waiting_too_long_is_abandoned_at_its_question(played: Flask) -> None:
    later = _figures(played, now=time.time() + 7200, after=3600)
    assert later["runs"]["abandoned"] == 1 and later["runs"]["waiting"] == 0
    funnel = {row["step"]: row for row in later["funnel"]}
    assert funnel["producto__choose"]["abandoned"] == 1


def test_the_json_is_the_documented_model_and_names_its_period(app: Flask, client: FlaskClient) -> None:
    play(client)
    response = client.get("/orchestrator/insights?pipeline=alta_pedido&days=7")
    assert response.status_code == 200
    body = InsightsReport.model_validate(response.get_json())
    assert body.runs.started == 4 and body.until - body.since == pytest.approx(7 * 86_400)
    document = client.get("/orchestrator/openapi.json").get_json()
    operation = document["paths"]["/orchestrator/insights"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("InsightsReport")
    assert {p["name"] for p in operation["parameters"]} == {"pipeline", "days"}


def test_a_pipeline_without_runs_has_zero_everywhere(client: FlaskClient) -> None:
    body = client.get("/orchestrator/insights?pipeline=stock").get_json()
    assert body["runs"]["started"] == 0 and body["funnel"] == [] and body["median_turns"] is None


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("pipeline=no_existe", 404),
        ("pipeline=../etc", 400),
        ("pipeline=alta_pedido&days=-1", 400),
        ("pipeline=alta_pedido&days=muchos", 400),
        ("", 400),
    ],
)
def test_bad_queries_are_clear_errors(client: FlaskClient, query: str, status: int) -> None:
    response = client.get(f"/orchestrator/insights?{query}")
    assert response.status_code == status
    assert response.get_json()["error"]["message"]


def test_the_insights_page_is_linked_from_the_chat_page(client: FlaskClient) -> None:
    chat = client.get("/").get_data(as_text=True)
    assert 'href="/insights"' in chat
    page = client.get("/insights?pipeline=devolucion")
    assert page.status_code == 200 and "Embudo por pregunta" in page.get_data(as_text=True)
    assert '<option value="devolucion" selected>' in page.get_data(as_text=True)

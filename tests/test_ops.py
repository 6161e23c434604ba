"""GET /healthz and GET /metrics in process, JSON-lines logs; a database taken down for real answers 503."""

from __future__ import annotations

import gc
import io
import json
import logging
import secrets
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client import REGISTRY

from app import create_app
from config import Config
from graphs.observe.json_logs import JsonFormatter, configure_logging
from tests.llm_server import OpenAICompatServer
from tests.sql_fixtures import POSTGRES_URL, _conninfo, require_postgres


def sample(name: str, **labels: str) -> float:
    """The current value of a metric sample (0 when never set)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_healthz_reports_both_checks_when_up(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {**body["checks"]["database"], "ok": True, "backend": "sqlite"}
    assert body["checks"]["checkpointer"]["ok"] is True
    assert body["checks"]["checkpointer"]["backend"] == "SqliteSaver"


def test_metrics_are_prometheus_text(client: FlaskClient) -> None:
    client.post("/chat", json={"message": "!run ejemplo_simple nombre=Ana"})
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain; version=")
    text = response.get_data(as_text=True)
    for name in ("t7_turns_total", "t7_run_outcomes_total", "t7_step_duration_seconds_bucket"):
        assert f"# TYPE {name.removesuffix('_total').removesuffix('_bucket')}" in text


def test_turns_outcomes_and_steps_are_counted(client: FlaskClient) -> None:
    turns = sample("t7_turns_total", pipeline="ejemplo_simple")
    done = sample("t7_run_outcomes_total", pipeline="ejemplo_simple", status="completed")
    cancelled = sample("t7_run_outcomes_total", pipeline="ejemplo_simple", status="cancelled")
    asks = sample("t7_step_duration_seconds_count", kind="ask")
    first = client.post("/chat", json={"message": "!run ejemplo_simple"}).get_json()
    client.post("/chat", json={"message": "Ana", "session_id": first["session_id"]})
    second = client.post("/chat", json={"message": "!run ejemplo_simple"}).get_json()
    client.post("/chat", json={"message": "!cancel", "session_id": second["session_id"]})
    assert sample("t7_turns_total", pipeline="ejemplo_simple") == turns + 3
    assert sample("t7_run_outcomes_total", pipeline="ejemplo_simple", status="completed") == done + 1
    assert sample("t7_run_outcomes_total", pipeline="ejemplo_simple", status="cancelled") == cancelled + 1
    assert sample("t7_step_duration_seconds_count", kind="ask") >= asks + 3


def test_a_busy_run_counts_a_lease_conflict(client: FlaskClient, app: Flask) -> None:
    body = client.post("/orchestrator/run_chain", json={"pipeline": "ejemplo_simple"}).get_json()
    runs = app.extensions["t7"].engine.runs
    token = runs.acquire(body["run_id"])  # another turn holds the run
    before = sample("t7_lease_conflicts_total", pipeline="ejemplo_simple")
    response = client.post(f"/orchestrator/resume/{body['run_id']}", json={"answer": "Ana"})
    assert response.status_code == 409
    assert sample("t7_lease_conflicts_total", pipeline="ejemplo_simple") == before + 1
    runs.release(body["run_id"], token)


def _order(client: FlaskClient) -> dict:
    message = '!run alta_pedido cliente=Globex productos="3 teclado mecánico, 2 grapadoras"'
    return client.post("/chat", json={"message": message}).get_json()


def test_without_a_model_the_llm_step_counts_a_fallback(client: FlaskClient) -> None:
    calls, fallbacks = (
        sample("t7_llm_calls_total", pipeline="alta_pedido"),
        sample("t7_llm_fallbacks_total", pipeline="alta_pedido"),
    )
    assert _order(client)["status"] == "waiting"
    assert sample("t7_llm_calls_total", pipeline="alta_pedido") == calls
    assert sample("t7_llm_fallbacks_total", pipeline="alta_pedido") == fallbacks + 1


@pytest.fixture
def llm_client(settings: Config) -> Iterator[tuple[FlaskClient, OpenAICompatServer]]:
    """A client of the app talking to a local OpenAI-compatible server, and that server."""
    with OpenAICompatServer() as server:
        app = create_app(
            settings.model_copy(update={"OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "t", "LLM_TIMEOUT": 5})
        )
        yield app.test_client(), server
        app.extensions["t7"].engine.close()


def test_model_calls_and_failures_are_counted(llm_client: tuple[FlaskClient, OpenAICompatServer]) -> None:
    client, server = llm_client
    metric_names = ("t7_llm_calls_total", "t7_llm_errors_total", "t7_llm_fallbacks_total")
    before = [sample(name, pipeline="alta_pedido") for name in metric_names]
    server.reply({"lines": [{"text": "Teclado mecánico", "quantity": 3}]})
    assert _order(client)["status"] == "waiting"
    server.reply(status=500, times=5)
    assert _order(client)["status"] == "waiting"
    after = [sample(name, pipeline="alta_pedido") for name in metric_names]
    assert [a - b for a, b in zip(after, before, strict=True)] == [2, 1, 1]


def test_log_records_become_json_lines_with_their_fields() -> None:
    record = logging.LogRecord("t7.runs", logging.INFO, __file__, 1, "turn %s", ("completed",), None)
    record.run_id, record.session_id, record.duration = "r1", "s1", 0.25
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "turn completed" and line["level"] == "INFO" and line["logger"] == "t7.runs"
    assert (line["run_id"], line["session_id"], line["duration"]) == ("r1", "s1", 0.25)


def test_a_chat_turn_logs_its_run_session_pipeline_and_duration(client: FlaskClient) -> None:
    stream = io.StringIO()
    configure_logging("INFO", stream)
    try:
        body = client.post("/chat", json={"message": "!run ejemplo_simple"}).get_json()
    finally:
        configure_logging("INFO", sys.stderr)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    turns = [line for line in lines if line.get("run_id") == body["run_id"]]
    assert len(turns) == 1, lines
    assert turns[0]["session_id"] == body["session_id"] and turns[0]["pipeline"] == "ejemplo_simple"
    assert turns[0]["step"] == "pedir_nombre" and turns[0]["status"] == "waiting" and turns[0]["duration"] > 0


def test_an_unknown_log_level_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="LOG_LEVEL"):
        configure_logging("CHATTY")
    configure_logging("INFO")


# --- a database that goes away for real -------------------------------------------------------------------


@pytest.fixture
def doomed_database() -> Iterator[tuple[str, Callable[[], None]]]:
    """A fresh PostgreSQL database and a function dropping it, connections and all."""
    require_postgres()
    name = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(_conninfo(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")  # a random hex name we made: safe to format

    def drop() -> None:
        with psycopg.connect(_conninfo(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    yield sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False), drop
    drop()


@pytest.mark.postgres
@pytest.mark.parametrize("which", ["database", "checkpointer"])
# psycopg_pool drops the connections the server killed without closing them; psycopg warns when they are collected.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning", "ignore::ResourceWarning")
def test_healthz_is_503_naming_the_part_that_is_down(
    settings: Config, tmp_path: Path, doomed_database: tuple[str, Callable[[], None]], which: str
) -> None:
    url, drop = doomed_database
    setting = "DATABASE_URL" if which == "database" else "CHECKPOINT_URL"
    app = create_app(settings.model_copy(update={setting: url}))
    client = app.test_client()
    try:
        up = client.get("/healthz")
        assert up.status_code == 200, up.get_json()
        drop()
        down = client.get("/healthz")
        assert down.status_code == 503
        body = down.get_json()
        assert body["status"] == "unavailable"
        assert body["checks"][which]["ok"] is False and body["checks"][which]["error"]
        other = "checkpointer" if which == "database" else "database"
        assert body["checks"][other]["ok"] is True
        assert "postgres" not in json.dumps(body).lower()  # no connection details leak
    finally:
        app.extensions["t7"].engine.close()
        app.extensions["services"].sql.dispose()
        gc.collect()  # here, under this test's warning filter, not in whichever test runs next

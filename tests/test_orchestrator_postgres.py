"""The orchestrator API on PostgreSQL checkpoints: hostile answers are refused or stored, never a server error."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from config import Config
from tests.sql_fixtures import postgres_url  # noqa: F401  (fixture)

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_client(settings: Config, postgres_url: str) -> Iterator[FlaskClient]:  # noqa: F811
    """A client of the app whose run table and checkpoints live in a fresh PostgreSQL schema."""
    app: Flask = create_app(settings.model_copy(update={"CHECKPOINT_URL": postgres_url}))
    app.config["TESTING"] = True
    yield app.test_client()
    app.extensions["t7"].engine.close()


def _waiting(client: FlaskClient) -> str:
    body = client.post("/orchestrator/run_chain", json={"pipeline": "ejemplo_simple"}).get_json()
    assert body["status"] == "waiting", body
    return body["run_id"]


def test_a_run_waits_and_resumes_on_postgres(pg_client: FlaskClient) -> None:
    run_id = _waiting(pg_client)
    done = pg_client.post(f"/orchestrator/resume/{run_id}", json={"answer": "Ana"}).get_json()
    assert done["status"] == "completed" and done["output"] == {"saludo": "¡Hola, Ana!"}
    status = pg_client.get(f"/orchestrator/run_status/{run_id}").get_json()
    assert status["steps_done"] == ["pedir_nombre", "saludar"]


def test_a_nul_in_a_top_level_string_is_refused_before_postgres_sees_it(pg_client: FlaskClient) -> None:
    run_id = _waiting(pg_client)
    assert pg_client.post(f"/orchestrator/resume/{run_id}", json={"answer": "a\x00b"}).status_code == 400
    response = pg_client.post(
        "/orchestrator/run_chain", json={"pipeline": "ejemplo_simple", "args": {"nombre": "a\x00b"}}
    )
    assert response.status_code == 400
    assert pg_client.get(f"/orchestrator/run_status/{run_id}").get_json()["status"] == "waiting"


@pytest.mark.parametrize("answer", [["a\x00b"], {"k": "a\x00"}, [2**70, -(2**80)], {"n": 10**30}])
def test_nested_nul_and_huge_integers_are_stored(pg_client: FlaskClient, answer: object) -> None:
    run_id = _waiting(pg_client)
    response = pg_client.post(f"/orchestrator/resume/{run_id}", json={"answer": answer})
    assert response.status_code == 200 and response.get_json()["status"] == "completed", response.get_json()

"""The database goes away in the middle of a dialog (a PostgreSQL server of the test's own, stopped): the turn
fails with a Spanish sentence saying to send it again, /healthz answers 503; once the server is back the same
message (same id) goes through, with no order written twice and no turn lost."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from config import Config
from tests.fault_player import session_orders
from tests.own_postgres import OwnPostgres
from tests.process_support import app_env, init_database

pytestmark = pytest.mark.postgres
START = '!run alta_pedido cliente=Globex productos="2 grapadora, 1 teclado mecánico"'
SESSION = "outage-session-1"


@pytest.fixture
def own_postgres() -> Iterator[OwnPostgres]:
    """A PostgreSQL server of this test's own, running."""
    server = OwnPostgres()
    try:
        server.start()
        yield server
    finally:
        server.remove()


@pytest.fixture
def outage_app(own_postgres: OwnPostgres, tmp_path: Path) -> Iterator[Flask]:
    """The app with its business data, runs and checkpoints on that server."""
    env, _, _ = app_env(tmp_path / "data", own_postgres.url)
    init_database(env, tmp_path / "init.log")
    settings = Config(
        DATA_DIR=tmp_path / "data",
        DATABASE_URL=own_postgres.url,
        CHECKPOINT_URL=own_postgres.url,
        SECRET_KEY="test",
        OPENAI_API_KEY=None,
        OPENAI_BASE_URL=None,
        RUN_LEASE_SECONDS=1,
    )
    application = create_app(settings)
    yield application
    application.extensions["t7"].engine.close()


def _say(client: FlaskClient, message: str, message_id: str) -> tuple[int, dict[str, Any]]:
    response = client.post("/chat", json={"message": message, "session_id": SESSION, "message_id": message_id})
    return response.status_code, response.get_json()


def test_a_turn_during_an_outage_fails_in_spanish_and_the_same_message_goes_through_after(
    own_postgres: OwnPostgres, outage_app: Flask
) -> None:
    client = outage_app.test_client()
    status, body = _say(client, START, "m0")
    assert status == 200 and body["status"] == "waiting"
    assert client.get("/healthz").status_code == 200

    own_postgres.stop()
    status, body = _say(client, "sí", "m1")
    assert status == 503, body
    assert body["error"]["code"] == "unavailable"
    assert "base de datos" in body["error"]["message"] and "en un momento" in body["error"]["message"]
    assert client.get("/healthz").status_code == 503

    own_postgres.start()
    status, body = _say(client, "sí", "m1")
    assert status == 200 and body["status"] == "completed", body
    assert client.get("/healthz").status_code == 200
    again = _say(client, "sí", "m1")
    assert again == (200, body)
    url = own_postgres.url
    lines = {"Grapadora": 2, "Teclado mecánico": 1}
    assert session_orders(url, url, SESSION) == [{"customer": "Globex", "lines": lines}]

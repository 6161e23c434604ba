"""The database goes away in the middle of a dialog (a PostgreSQL server of the test's own, stopped): the turn
fails with a Spanish sentence saying to send it again, /healthz answers 503; once the server is back the same
message (same id) goes through, with no order written twice and no turn lost."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from config import Config
from harness.fault_player import session_orders
from harness.processes import app_env, init_database
from tests.own_postgres import OwnPostgres

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


def _outage_app(own_postgres: OwnPostgres, tmp_path: Path) -> Flask:
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
    return create_app(settings)


def _say(client: FlaskClient, message: str, message_id: str) -> tuple[int, dict[str, Any]]:
    response = client.post("/chat", json={"message": message, "session_id": SESSION, "message_id": message_id})
    return response.status_code, response.get_json()


# psycopg_pool drops the connections the server killed without closing them; psycopg warns when they are collected.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning", "ignore::ResourceWarning")
def test_a_turn_during_an_outage_fails_in_spanish_and_the_same_message_goes_through_after(
    own_postgres: OwnPostgres, tmp_path: Path
) -> None:
    app = _outage_app(own_postgres, tmp_path)
    client = app.test_client()
    try:
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
    finally:
        app.extensions["t7"].engine.close()
        # Every engine of the app on that server (the catalog's, the session facts', …) lets its connections go
        # here, under this test's warning filter, not when they are collected in whichever test runs next.
        for engine in [o for o in gc.get_objects() if isinstance(o, sa.engine.Engine)]:
            if engine.url.port == own_postgres.port:
                engine.dispose()
        gc.collect()

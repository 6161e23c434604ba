"""`X-Chat-Session`: a chat session may read (never resume or cancel) its own runs through the orchestrator API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from config import Config

ORDER = '!run alta_pedido cliente=Globex productos="4 monitr 27 pulgadas"'
TOKEN = "token-chat-" + "z" * 24


def _chat_run(client: FlaskClient) -> dict[str, Any]:
    """Start an order in the chat; the reply carries session_id, run_id and pipeline."""
    reply = client.post("/chat", json={"message": ORDER}).get_json()
    assert reply["status"] == "waiting" and reply["run_id"], reply
    return reply


def _status(client: FlaskClient, run_id: str, session: str | None, **headers: str) -> Any:
    if session is not None:
        headers["X-Chat-Session"] = session
    return client.get(f"/orchestrator/run_status/{run_id}", headers=headers)


def _graph(client: FlaskClient, name: str, run_id: str, session: str | None, **headers: str) -> Any:
    if session is not None:
        headers["X-Chat-Session"] = session
    return client.get(f"/orchestrator/pipelines/{name}/graph?format=mermaid&run_id={run_id}", headers=headers)


def test_the_chat_session_reads_its_run_status(client: FlaskClient, app: Flask) -> None:
    reply = _chat_run(client)
    viewer = app.test_client()  # another cookie: only the header says whose run it is
    status = _status(viewer, reply["run_id"], reply["session_id"])
    assert status.status_code == 200, status.get_json()
    body = status.get_json()
    assert body["pipeline"] == "alta_pedido" and body["status"] == "waiting"
    assert body["current_step"] and body["steps_done"]
    assert body["state"]["cliente"] == "Globex"


def test_the_chat_session_draws_its_run_highlighted(client: FlaskClient, app: Flask) -> None:
    reply = _chat_run(client)
    current = _status(app.test_client(), reply["run_id"], reply["session_id"]).get_json()["current_step"]
    picture = _graph(app.test_client(), "alta_pedido", reply["run_id"], reply["session_id"])
    assert picture.status_code == 200
    # The product question is asked inside the foreach over the lines, drawn collapsed as one box.
    assert app.extensions["t7"].engine.config("alta_pedido").step(current).group == "lineas"
    assert "class lineas current" in picture.get_data(as_text=True)
    assert _graph(app.test_client(), "ejemplo_simple", reply["run_id"], reply["session_id"]).status_code == 404


@pytest.mark.parametrize("session", [None, "otra-sesion-12345", "otra_sesion_distinta_abcdefgh"])
def test_another_or_no_session_gets_404(client: FlaskClient, app: Flask, session: str | None) -> None:
    reply = _chat_run(client)
    viewer = app.test_client()
    assert _status(viewer, reply["run_id"], session).status_code == 404
    assert _graph(viewer, "alta_pedido", reply["run_id"], session).status_code == 404


def test_a_session_of_another_chat_gets_404(client: FlaskClient, app: Flask) -> None:
    mine, theirs = _chat_run(client), _chat_run(app.test_client())
    assert mine["session_id"] != theirs["session_id"]
    viewer = app.test_client()
    assert _status(viewer, theirs["run_id"], mine["session_id"]).status_code == 404
    assert _graph(viewer, "alta_pedido", theirs["run_id"], mine["session_id"]).status_code == 404


def test_the_header_never_resumes_or_cancels(client: FlaskClient, app: Flask) -> None:
    reply = _chat_run(client)
    viewer, headers = app.test_client(), {"X-Chat-Session": reply["session_id"]}
    before = _status(viewer, reply["run_id"], reply["session_id"]).get_json()
    resumed = viewer.post(f"/orchestrator/resume/{reply['run_id']}", json={"answer": "1"}, headers=headers)
    cancelled = viewer.post(f"/orchestrator/cancel/{reply['run_id']}", headers=headers)
    assert (resumed.status_code, cancelled.status_code) == (404, 404)
    after = _status(viewer, reply["run_id"], reply["session_id"]).get_json()
    assert (after["status"], after["steps_done"]) == ("waiting", before["steps_done"])


MALFORMED = ["", "short", "x" * 65, "../../etc/passwd", "sesión-con-acento", "a b c d e f g h", "chat:abcdefgh"]


@pytest.mark.parametrize("header", MALFORMED)
def test_a_malformed_header_is_ignored(client: FlaskClient, app: Flask, header: str) -> None:
    reply = _chat_run(client)
    # The caller's own runs still answer with any header value; the chat run stays hidden.
    own = client.post("/orchestrator/run_chain", json={"pipeline": "ejemplo_simple"}).get_json()
    assert _status(client, own["run_id"], header).status_code == 200
    assert _status(app.test_client(), reply["run_id"], header).status_code == 404
    assert _graph(app.test_client(), "alta_pedido", reply["run_id"], header).status_code == 404


def test_the_owner_of_a_run_keeps_reading_it_whatever_the_header(client: FlaskClient, app: Flask) -> None:
    other = _chat_run(app.test_client())
    own = client.post("/orchestrator/run_chain", json={"pipeline": "ejemplo_simple"}).get_json()
    assert _status(client, own["run_id"], other["session_id"]).status_code == 200
    assert _graph(client, "ejemplo_simple", own["run_id"], other["session_id"]).status_code == 200


@pytest.fixture
def token_app(settings: Config) -> Iterator[Flask]:
    """The app with an API token configured."""
    application = create_app(settings.model_copy(update={"API_TOKENS": [TOKEN]}))
    application.config["TESTING"] = True
    yield application
    application.extensions["t7"].engine.close()


def test_with_tokens_the_header_needs_the_token_too(token_app: Flask) -> None:
    reply = _chat_run(token_app.test_client())
    viewer, bearer = token_app.test_client(), {"Authorization": f"Bearer {TOKEN}"}
    assert _status(viewer, reply["run_id"], reply["session_id"]).status_code == 401
    assert _graph(viewer, "alta_pedido", reply["run_id"], reply["session_id"]).status_code == 401
    assert _status(viewer, reply["run_id"], None, **bearer).status_code == 404
    assert _status(viewer, reply["run_id"], reply["session_id"], **bearer).status_code == 200
    assert _graph(viewer, "alta_pedido", reply["run_id"], reply["session_id"], **bearer).status_code == 200
    resumed = viewer.post(
        f"/orchestrator/resume/{reply['run_id']}",
        json={"answer": "1"},
        headers={**bearer, "X-Chat-Session": reply["session_id"]},
    )
    assert resumed.status_code == 404

"""The chat inbox: a message resent with its id is answered once; messages of a session are answered in order of
arrival, one turn at a time (DOUBLE_TEXTING enqueue / reject, QUEUE_WAIT_SECONDS)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from config import Config
from graphs.chat.conversation import Conversation
from graphs.chat.delivery import Delivery
from harness.chat_http import orders_by_run

START = '!run alta_pedido cliente=Globex productos="2 grapadora, 1 teclado mecánico"'


def _app(settings: Config, **overrides: Any) -> Iterator[Flask]:
    application = create_app(settings.model_copy(update=overrides))
    application.config["TESTING"] = True
    yield application
    application.extensions["t7"].engine.close()


@pytest.fixture
def quick_queue(settings: Config) -> Iterator[Flask]:
    """The app with a queue that gives up after 0.6 s."""
    yield from _app(settings, QUEUE_WAIT_SECONDS=0.6)


@pytest.fixture
def rejecting(settings: Config) -> Iterator[Flask]:
    """The app with DOUBLE_TEXTING=reject."""
    yield from _app(settings, DOUBLE_TEXTING="reject")


def _delivery(app: Flask) -> Delivery:
    return app.extensions["t7"].delivery


def _post(client: FlaskClient, session: str | None, message: str, **extra: Any) -> tuple[int, dict[str, Any]]:
    headers = extra.pop("headers", {})
    body = {"message": message, **({"session_id": session} if session else {}), **extra}
    response = client.post("/chat", json=body, headers=headers)
    return response.status_code, response.get_json()


def _at_confirmation(client: FlaskClient) -> str:
    status, body = _post(client, None, START)
    assert status == 200 and body["status"] == "waiting" and body["options"][0] == "sí", body
    return body["session_id"]


def test_a_message_resent_with_its_id_gets_the_stored_reply_and_writes_once(
    client: FlaskClient, settings: Config
) -> None:
    session = _at_confirmation(client)
    status, first = _post(client, session, "sí", message_id="msg-confirm-1")
    assert status == 200 and first["status"] == "completed"
    again_status, again = _post(client, session, "sí", message_id="msg-confirm-1")
    assert again_status == 200 and again == first
    assert len(orders_by_run(settings.database_url())) == 1
    # a new «sí» (a new id) is a new message: the run it confirmed has ended, so nothing more is written
    _post(client, session, "sí", message_id="msg-confirm-2")
    assert len(orders_by_run(settings.database_url())) == 1


def test_the_idempotency_key_header_is_the_message_id(client: FlaskClient, settings: Config) -> None:
    session = _at_confirmation(client)
    headers = {"Idempotency-Key": "hdr-1"}
    _, first = _post(client, session, "sí", headers=headers)
    _, again = _post(client, session, "sí", headers=headers)
    assert first["status"] == "completed" and again == first
    assert len(orders_by_run(settings.database_url())) == 1


def test_an_id_sent_again_with_another_text_is_a_conflict_in_spanish(client: FlaskClient) -> None:
    session = _at_confirmation(client)
    _post(client, session, "ayuda", message_id="same-id")
    status, body = _post(client, session, "cancela", message_id="same-id")
    assert status == 409
    assert body["error"]["details"]["message_id"] == "same-id"
    assert "otro texto" in body["error"]["message"]


@pytest.mark.parametrize("bad", ["", "x" * 65, "con espacio", "../etc"])
def test_a_malformed_message_id_is_refused(client: FlaskClient, bad: str) -> None:
    status, body = _post(client, None, "hola", message_id=bad)
    assert status == 400 and body["error"]["code"] == "bad_request"
    assert "message_id" in str(body["error"]["details"])


def _send_in_thread(client: FlaskClient, session: str, message: str, out: dict[str, Any], key: str) -> threading.Thread:
    def run() -> None:
        out[key] = _post(client, session, message, message_id=key)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _stored(app: Flask, session: str, count: int, timeout: float = 10.0) -> None:
    """Wait until `count` messages of the session are in the inbox."""
    inbox, key = _delivery(app).inbox, Conversation.owner(session)
    deadline = time.monotonic() + timeout
    while len(inbox.unanswered(key, 10**9)) < count:
        assert time.monotonic() < deadline, "the messages never reached the inbox"
        time.sleep(0.02)


def test_messages_sent_during_a_turn_wait_and_are_answered_in_order_of_arrival(
    app: Flask, client: FlaskClient, settings: Config
) -> None:
    session = _post(client, None, "hola")[1]["session_id"]
    inbox, key = _delivery(app).inbox, Conversation.owner(session)
    token = inbox.take_turn(key)  # a turn of this session is running (as another worker would hold it)
    assert token is not None
    replies: dict[str, Any] = {}
    first = _send_in_thread(client, session, START, replies, "m1")
    _stored(app, session, 1)
    second = _send_in_thread(client, session, "sí", replies, "m2")
    _stored(app, session, 2)
    time.sleep(0.3)
    assert replies == {}  # both wait for the turn
    inbox.give_back(key, token)
    first.join(30)
    second.join(30)
    assert replies["m1"][0] == 200 and replies["m1"][1]["status"] == "waiting"
    # the «sí» was read after the order question was asked: it confirmed the order
    assert replies["m2"][0] == 200 and replies["m2"][1]["status"] == "completed"
    assert len(orders_by_run(settings.database_url())) == 1


def test_a_message_that_waits_too_long_gets_409_in_spanish_and_can_be_resent(quick_queue: Flask) -> None:
    client = quick_queue.test_client()
    session = _post(client, None, "hola")[1]["session_id"]
    inbox, key = _delivery(quick_queue).inbox, Conversation.owner(session)
    token = inbox.take_turn(key)
    assert token is not None
    status, body = _post(client, session, "!help", message_id="late-1")
    assert status == 409 and body["error"]["details"]["status"] == "queued"
    assert "esperado demasiado" in body["error"]["message"]
    inbox.give_back(key, token)
    status, body = _post(client, session, "!help", message_id="late-1")
    assert status == 200 and "pipelines" in body["reply"]


def test_reject_mode_refuses_at_once_in_spanish(rejecting: Flask) -> None:
    client = rejecting.test_client()
    session = _post(client, None, "hola")[1]["session_id"]
    inbox, key = _delivery(rejecting).inbox, Conversation.owner(session)
    token = inbox.take_turn(key)
    assert token is not None
    status, body = _post(client, session, "!help", message_id="rej-1")
    assert status == 409 and body["error"]["details"]["status"] == "busy"  # not "queued": it did not wait
    assert "mensaje anterior" in body["error"]["message"]
    inbox.give_back(key, token)
    assert _post(client, session, "!help", message_id="rej-1")[0] == 200


def test_prune_deletes_answered_messages_and_keeps_unanswered_ones(app: Flask, client: FlaskClient) -> None:
    from graphs.store.retention import prune_runs

    session = _post(client, None, "!help", message_id="old-1")[1]["session_id"]
    inbox, key = _delivery(app).inbox, Conversation.owner(session)
    waiting = inbox.receive(key, "never-answered", "hola")
    report = prune_runs(app.extensions["t7"].engine, 0, now=time.time() + 5)
    assert report.messages == 1
    assert [entry.message_id for entry in inbox.unanswered(key, 10**9)] == ["never-answered"]
    assert inbox.get(waiting.seq) is not None
    # the pruned message sent again is a new message, answered again
    assert _post(client, session, "!help", message_id="old-1")[0] == 200


def _api_at_confirmation(client: FlaskClient) -> str:
    args = {"cliente": "Globex", "productos": "2 grapadora, 1 teclado mecánico"}
    started = client.post("/orchestrator/run_chain", json={"pipeline": "alta_pedido", "args": args}).get_json()
    assert started["status"] == "waiting", started
    return started["run_id"]


@pytest.mark.parametrize("how", ["body", "header"])
def test_an_api_answer_sent_again_with_its_id_is_run_once(client: FlaskClient, settings: Config, how: str) -> None:
    run_id = _api_at_confirmation(client)
    body: dict[str, Any] = {"answer": "sí"}
    headers = {}
    if how == "body":
        body["message_id"] = "api-1"
    else:
        headers["Idempotency-Key"] = "api-1"
    first = client.post(f"/orchestrator/resume/{run_id}", json=body, headers=headers)
    again = client.post(f"/orchestrator/resume/{run_id}", json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.get_json()["status"] == "completed" and again.get_json() == first.get_json()
    assert len(orders_by_run(settings.database_url())) == 1
    # without an id, a second answer to an ended run is refused, as before
    assert client.post(f"/orchestrator/resume/{run_id}", json={"answer": "sí"}).status_code == 409


def test_an_api_answer_refused_by_the_run_may_be_sent_again_with_its_id(client: FlaskClient) -> None:
    run_id = _api_at_confirmation(client)
    client.post(f"/orchestrator/cancel/{run_id}")
    refused = client.post(f"/orchestrator/resume/{run_id}", json={"answer": "sí", "message_id": "late"})
    assert refused.status_code == 409
    assert client.post(f"/orchestrator/resume/{run_id}", json={"answer": "sí", "message_id": "late"}).status_code == 409


def test_a_python_answer_with_a_message_id_is_run_once(app: Flask, settings: Config) -> None:
    runner = app.extensions["t7"].engine.runner("alta_pedido")
    started = runner.start({"cliente": "Globex", "productos": "2 grapadora, 1 teclado mecánico"})
    first = runner.resume(started.run_id, "sí", message_id="py-1")
    again = runner.resume(started.run_id, "sí", message_id="py-1")
    assert first.status == again.status == "completed" and again.output == first.output
    assert len(orders_by_run(settings.database_url())) == 1
    with pytest.raises(Exception, match="message_id"):
        runner.resume(started.run_id, "sí", message_id="no spaces allowed")


def test_a_message_that_failed_every_time_does_not_hold_the_session_back(app: Flask, client: FlaskClient) -> None:
    session = _post(client, None, "hola")[1]["session_id"]
    inbox, key = _delivery(app).inbox, Conversation.owner(session)
    poisoned = inbox.receive(key, "poisoned", "!help")
    for _ in range(3):  # three processes began it and died (or failed) with it
        assert inbox.begin(poisoned.seq, None, None, None)
    status, body = _post(client, session, "!help", message_id="next")
    assert status == 200 and "Puedo ejecutar" in body["reply"]
    stored = inbox.get(poisoned.seq)
    assert stored is not None and stored.state == "answered" and stored.reply is not None
    assert "Puedo ejecutar" not in stored.reply["reply"] and stored.reply["status"] == "idle"


def test_a_cancel_whose_turn_died_after_it_landed_is_answered_as_the_cancellation(
    app: Flask, client: FlaskClient
) -> None:
    session = _at_confirmation(client)
    engine, inbox, key = app.extensions["t7"].engine, _delivery(app).inbox, Conversation.owner(session)
    waiting = engine.runs.waiting_for(key)
    dead = inbox.receive(key, "cancel-1", "!cancel")
    assert inbox.begin(dead.seq, waiting["run_id"], waiting["steps"], waiting["messages"])
    engine.cancel(waiting["run_id"], owner=key)  # what the dead turn did before its process was killed
    status, body = _post(client, session, "!status", message_id="after")
    assert status == 200 and "Cancelado" in body["reply"]
    stored = inbox.get(dead.seq)
    assert stored is not None and stored.reply is not None
    assert stored.reply["status"] == "cancelled" and "Cancelado" in stored.reply["reply"]

"""The command reader with a model: a local OpenAI-compatible HTTP server answers; any failure reads offline."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from prometheus_client import REGISTRY

from app import create_app
from config import Config
from tests.llm_server import OpenAICompatServer


def _say(client: FlaskClient, message: str, session: str | None) -> dict:
    body = {"message": message, **({"session_id": session} if session else {})}
    response = client.post("/chat", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def _waiting_for_products(client: FlaskClient) -> dict:
    body = _say(client, "!run alta_pedido cliente=Initech", None)
    assert body["status"] == "waiting" and "productos" in body["reply"], body
    return body


def test_the_model_reads_a_correction_the_word_lists_cannot(llm_app: Flask, server: OpenAICompatServer) -> None:
    client = llm_app.test_client()
    start = _waiting_for_products(client)
    server.reply({"command": "correct", "slot": "cliente", "value": "Globex"})
    body = _say(client, "uy, me he liado, esto va para los de Globex", start["session_id"])
    assert body["status"] == "waiting" and "productos" in body["reply"], body
    state = client.get(f"/orchestrator/run_status/{start['run_id']}", headers=_session(start)).get_json()
    assert state["state"]["cliente_ok"]["name"] == "Globex" and "__repair__" in state["steps_done"]
    sent = json.dumps(server.requests[-1]["json"], ensure_ascii=False)
    assert "me he liado" in sent and "cliente" in sent and "stock" in sent  # message, slots and digressions


def test_the_model_picks_an_option_and_asks_a_digression(llm_app: Flask, server: OpenAICompatServer) -> None:
    client = llm_app.test_client()
    start = _waiting_for_products(client)
    server.reply({"command": "digress", "pipeline": "stock", "args": {"producto": "grapadora"}})
    body = _say(client, "antes de nada, me dices cuántas grapadoras os quedan", start["session_id"])
    assert body["status"] == "waiting" and body["run_id"] == start["run_id"], body
    assert "Grapadora" in body["reply"] and "productos" in body["reply"]


def test_a_model_answer_naming_what_the_run_does_not_offer_is_read_offline(
    llm_app: Flask, server: OpenAICompatServer
) -> None:
    client = llm_app.test_client()
    start = _waiting_for_products(client)
    server.reply({"command": "digress", "pipeline": "borrar_todo", "args": {"x": "y"}})
    body = _say(client, "cancela", start["session_id"])
    assert body["status"] == "cancelled", body  # the offline reader read «cancela»


def test_a_failing_model_is_read_offline(llm_app: Flask, server: OpenAICompatServer) -> None:
    client = llm_app.test_client()
    start = _waiting_for_products(client)
    server.reply(status=500, times=5)
    body = _say(client, "perdona, el cliente es Umbrella Corp", start["session_id"])
    assert body["status"] == "waiting" and "productos" in body["reply"], body
    assert server.requests, "the model was not even asked"
    state = client.get(f"/orchestrator/run_status/{start['run_id']}", headers=_session(start)).get_json()
    assert state["state"]["cliente_ok"]["name"] == "Umbrella Corp"


def _session(body: dict) -> dict[str, str]:
    return {"X-Chat-Session": body["session_id"]}


def test_a_quantity_from_the_model_that_cannot_be_a_count_is_asked_for(
    llm_app: Flask, server: OpenAICompatServer
) -> None:
    client = llm_app.test_client()
    server.reply({"lines": [{"text": "grapadora", "quantity": 2}]})
    start = _say(client, '!run alta_pedido cliente=Globex productos="2 grapadoras"', None)
    assert start["status"] == "waiting" and start["data"]["lines"][0]["quantity"] == 2, start
    server.reply(
        {"command": "correct", "slot": "lineas", "edit": {"action": "set_quantity", "index": 0, "quantity": 10**11}}
    )
    body = _say(client, "pon muchísimas grapadoras", start["session_id"])
    assert body["status"] == "waiting" and "¿Cuántas unidades" in body["reply"], body
    assert body["data"] is None  # not the confirmation: nothing with that quantity is offered to confirm


def _unsure_app(tmp_path: Path, pipelines_dir: Path, server: OpenAICompatServer) -> Flask:
    settings = Config(
        DATA_DIR=tmp_path / "data",
        PIPELINES_DIR=pipelines_dir,
        SECRET_KEY="test",
        OPENAI_BASE_URL=server.base_url,
        OPENAI_API_KEY="test",
        LLM_MODEL="stub-model",
        MODEL_READS="unsure",
    )
    return create_app(settings)


def _read_by(reader: str) -> float:
    return REGISTRY.get_sample_value("t7_messages_read_total", {"pipeline": "alta_pedido", "reader": reader}) or 0.0


def test_with_model_reads_unsure_a_sure_reading_never_reaches_the_model(
    tmp_path: Path, pipelines_dir: Path, server: OpenAICompatServer
) -> None:
    app = _unsure_app(tmp_path, pipelines_dir, server)
    try:
        client = app.test_client()
        start = _waiting_for_products(client)
        asked, trained = len(server.requests), _read_by("trained")
        body = _say(client, "cancela, cancela", start["session_id"])
        assert body["status"] == "cancelled", body
        assert len(server.requests) == asked  # the trained reader was sure: the model was not asked
        assert _read_by("trained") == trained + 1
    finally:
        app.extensions["t7"].engine.close()


def test_with_model_reads_unsure_an_unsure_reading_goes_to_the_model(
    tmp_path: Path, pipelines_dir: Path, server: OpenAICompatServer
) -> None:
    app = _unsure_app(tmp_path, pipelines_dir, server)
    try:
        client = app.test_client()
        start = _waiting_for_products(client)
        server.reply({"command": "correct", "slot": "cliente", "value": "Globex"})
        asked, by_model = len(server.requests), _read_by("llm")
        body = _say(client, "hmm lo de antes mejor va a la otra empresa, la de los globos", start["session_id"])
        assert len(server.requests) == asked + 1 and _read_by("llm") == by_model + 1
        assert body["status"] == "waiting" and "productos" in body["reply"], body
    finally:
        app.extensions["t7"].engine.close()

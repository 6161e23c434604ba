"""Every error a chat user reads is a Spanish sentence saying what to do (English when they write English);
the English technical text stays `str(exc)`, in the log and in the API's `details.detail`."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from errors import AppError, ConflictError, InputError, InternalError, NotFoundError, ToolError, user_message_for
from graphs.chat.conversation import reply_text
from graphs.run.engine import Engine
from textnorm import fold

# Words of the English technical messages that must never reach a chat reply.
ENGLISH = ["unknown", "input", "valid", "must be", "type", "step", "error", "failed", "busy", "the run", "limit"]
SQL_FAILS = """name: consulta_rota
description: Una consulta sobre una tabla que no existe
tools:
  rota: {kind: sql, query: "SELECT nombre FROM tabla_que_no_existe"}
steps:
  - {id: consultar, kind: tool, tool: rota, save_as: filas}
  - {id: responder, kind: reply, message: "{{ filas }}"}
"""
UNKNOWN_CUSTOMER = """name: alta_directa
description: Da de alta un pedido sin preguntar
inputs:
  cliente: {type: string, required: true}
tools:
  alta: {kind: create_order}
steps:
  - id: crear
    kind: tool
    tool: alta
    with: {customer: "{{ cliente }}", lines: [{sku: "X-1", quantity: 1}]}
    save_as: pedido
"""


def chat(client: FlaskClient, message: str, session_id: str | None = None) -> dict[str, Any]:
    """One chat turn (always a 200)."""
    body = {"message": message, **({"session_id": session_id} if session_id else {})}
    response = client.post("/chat", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def assert_spanish(reply: str, *contains: str) -> None:
    """The reply holds these words and none of the English technical ones (case- and accent-insensitive)."""
    for text in contains:
        assert fold(text) in fold(reply), reply
    for word in ENGLISH:
        assert fold(word) not in fold(reply), f"English {word!r} in {reply!r}"


def save_pipeline(client: FlaskClient, name: str, text: str) -> None:
    """Save a pipeline through the API, as an author would."""
    response = client.put(f"/orchestrator/pipelines/{name}", json={"yaml": text})
    assert response.status_code in (200, 201), response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("!run ejemplo_simple edad=3", ["«edad»", "nombre"]),
        ("!run alta_pedido color=rojo", ["«color»", "cliente", "productos"]),
        ("!run todo_junto cantidad=muchas", ["«cantidad»", "número entero", "«muchas»", "cantidad=3"]),
        ("!run consulta_pedido id=99999999999999999999", ["«id»", "demasiado grande"]),
    ],
)
def test_mistyped_run_inputs_are_explained_in_spanish(client: FlaskClient, command: str, words: list[str]) -> None:
    reply = chat(client, command)
    assert reply["status"] == "idle" and reply["run_id"] is None
    assert_spanish(reply["reply"], *words)


def test_a_missing_required_input_names_it_in_spanish(client: FlaskClient) -> None:
    save_pipeline(client, "alta_directa", UNKNOWN_CUSTOMER)
    reply = chat(client, "!run alta_directa")
    assert reply["status"] == "idle"
    assert_spanish(reply["reply"], "falta el dato «cliente»", "un texto")


def test_a_busy_run_says_wait_in_the_users_language(app: Flask, client: FlaskClient) -> None:
    start = chat(client, "!run todo_junto nombre=Ana")
    assert start["status"] == "waiting"
    runs = app.extensions["t7"].engine.runs
    token = runs.acquire(start["run_id"])  # another turn of this run is in progress
    assert token is not None
    try:
        spanish = chat(client, "son 5 unidades", start["session_id"])
        english = chat(client, "it is 5 please", start["session_id"])
    finally:
        runs.release(start["run_id"], token)
    assert_spanish(spanish["reply"], "todavía estoy con tu mensaje anterior", "vuelve a enviarlo")
    assert "still working on your previous message" in english["reply"] and "todavía" not in english["reply"]
    done = chat(client, "5", start["session_id"])  # once free, the same run goes on
    assert done["status"] == "completed" and done["run_id"] == start["run_id"]


def test_the_loop_limit_ends_the_run_with_a_spanish_sentence(client: FlaskClient) -> None:
    reply = chat(client, "!run todo_junto cantidad=0 nombre=Ana")
    for answer in ("a", "b", "c"):
        reply = chat(client, answer, reply["session_id"])
    assert reply["status"] == "failed"
    assert_spanish(reply["reply"], "No he podido completar «todo_junto»", "demasiadas vueltas", "empieza de nuevo")


def test_a_failing_sql_query_fails_the_run_without_internals(client: FlaskClient, caplog: Any) -> None:
    save_pipeline(client, "consulta_rota", SQL_FAILS)
    reply = chat(client, "!run consulta_rota")
    assert reply["status"] == "failed"
    assert_spanish(reply["reply"], "No he podido consultar o guardar los datos", "inténtalo de nuevo")
    assert "tabla_que_no_existe" not in reply["reply"] and "tabla_que_no_existe" in caplog.text
    headers = {"X-Chat-Session": reply["session_id"]}  # the chat session may read its own runs
    status = client.get(f"/orchestrator/run_status/{reply['run_id']}", headers=headers).get_json()
    assert status["error"]["code"] == "tool_error" and "No he podido consultar" in status["error"]["message"]


def test_an_unknown_customer_is_named_in_spanish(client: FlaskClient) -> None:
    save_pipeline(client, "alta_directa", UNKNOWN_CUSTOMER)
    reply = chat(client, '!run alta_directa cliente="Nadie SL"')
    assert reply["status"] == "failed"
    assert_spanish(reply["reply"], "No conozco el cliente «Nadie SL»", "revisa el nombre")


def test_an_expression_error_blames_no_one_and_names_no_internals(eng: Engine) -> None:
    runner = eng.runner(
        "name: mal\ninputs:\n  n: {type: integer}\nsteps:\n  - {id: sumar, kind: set, values: {m: \"{{ n + 'x' }}\"}}\n"
    )
    result = runner(n=1)
    assert result.error is not None and result.error["code"] == "expression_error"
    assert_spanish(reply_text(result), "no es culpa tuya", "avisa al equipo")
    assert "sumar" not in reply_text(result)


def test_a_crashing_tool_reads_as_an_internal_error(eng: Engine) -> None:
    runner = eng.runner("name: roto\ntools:\n  b: {kind: boom}\nsteps:\n  - {id: romper, kind: tool, tool: b}\n")
    result = runner()
    assert result.error is not None and result.error["code"] == "internal_error"
    assert_spanish(reply_text(result), "ha quedado registrado")
    assert "Something went wrong" in reply_text(result, "en")


def test_python_callers_keep_the_english_technical_text(todo: Any) -> None:
    with pytest.raises(InputError) as info:
        todo(cantidad=1, color="rojo")
    assert str(info.value) == info.value.message
    assert "unknown input 'color' for pipeline 'todo_junto'" in str(info.value)
    assert info.value.reason == "unknown_input" and info.value.valid == ["cantidad", "nombre"]
    assert_spanish(info.value.user_message(), "«color»", "cantidad, nombre")
    assert "has no field called «color»" in info.value.user_message("en")
    done = todo(cantidad=1, nombre="Ana")
    with pytest.raises(ConflictError) as conflict:
        todo.resume(done.run_id, "otra")
    assert "is not waiting for an answer (status: completed)" in str(conflict.value)
    assert_spanish(conflict.value.user_message(), "ya no espera ninguna respuesta", "ya ha terminado")


@pytest.mark.parametrize(
    ("exc", "words"),
    [
        (InputError("", reason="too_long", input="nombre", limit=10000), ["«nombre»", "demasiado largo", "10000"]),
        (InputError("", reason="missing_answer"), ["falta tu respuesta"]),
        (NotFoundError("", details={"order_id": 77}), ["ningún pedido con el número 77"]),
        (ToolError("", details={"skus": ["ZZ-9"]}), ["ZZ-9", "no existe"]),
        (ToolError("", details={"kind": "timeout"}), ["asistente de lenguaje"]),
        (ConflictError("", reason="answered"), ["ya se ha respondido"]),
        (InternalError(""), ["ha quedado registrado"]),
    ],
)
def test_every_error_kind_has_a_spanish_and_an_english_sentence(exc: AppError, words: list[str]) -> None:
    assert_spanish(exc.user_message("es"), *words)
    english = exc.user_message("en")
    assert english and english != exc.user_message("es") and "ñ" not in english


def test_echoed_values_are_cleaned(client: FlaskClient) -> None:
    args = {"e\u202edad\u200b": 3}
    error = client.post("/orchestrator/run_chain", json={"pipeline": "ejemplo_simple", "args": args}).get_json()
    assert "«edad»" in error["error"]["message"] and "\u202e" not in error["error"]["message"]


@pytest.mark.parametrize("code", ["loop_limit", "tool_error", "expression_error", "internal_error", "no_such_code"])
def test_a_code_alone_gives_a_sentence(code: str) -> None:
    assert user_message_for(code, "es") and user_message_for(code, "en") != user_message_for(code, "es")


def test_the_api_gives_the_sentence_and_keeps_the_technical_text_in_details(client: FlaskClient) -> None:
    response = client.post("/orchestrator/run_chain", json={"pipeline": "ejemplo_simple", "args": {"edad": 3}})
    error = response.get_json()["error"]
    assert response.status_code == 400 and error["code"] == "bad_input"
    assert_spanish(error["message"], "«edad»", "nombre")
    assert "unknown input 'edad'" in error["details"]["detail"] and error["details"]["valid"] == ["nombre"]
    english = client.post(
        "/orchestrator/run_chain",
        json={"pipeline": "ejemplo_simple", "args": {"edad": 3}},
        headers={"Accept-Language": "en-GB,en;q=0.9"},
    ).get_json()["error"]
    assert "has no field called «edad»" in english["message"]


def test_the_api_409_says_the_run_is_over(client: FlaskClient) -> None:
    run = client.post("/orchestrator/run_chain", json={"pipeline": "ejemplo_simple", "args": {"nombre": "Ana"}})
    response = client.post(f"/orchestrator/resume/{run.get_json()['run_id']}", json={"answer": "otra"})
    error = response.get_json()["error"]
    assert response.status_code == 409 and error["code"] == "conflict"
    assert_spanish(error["message"], "ya no espera ninguna respuesta")
    assert error["details"]["status"] == "completed" and "not waiting" in error["details"]["detail"]


def test_pipeline_errors_keep_their_technical_shape(client: FlaskClient) -> None:
    response = client.put(
        "/orchestrator/pipelines/roto", json={"yaml": "name: roto\nsteps:\n  - {id: a, kind: nope}\n"}
    )
    error = response.get_json()["error"]
    assert response.status_code == 400 and error["code"] == "pipeline_invalid"
    assert isinstance(error["details"], list) and error["details"][0]["line"] >= 1
    assert error["message"] == error["details"][0]["message"] or error["details"][0]["message"] in error["message"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"message": "a" * 2001}, "demasiado largo"),
        ({"message": "hola", "session_id": "../no"}, "session_id"),
        ({"mensaje": "hola"}, "No he podido leer"),
    ],
)
def test_a_refused_chat_request_says_why_in_spanish_and_keeps_the_english_in_details(
    client: FlaskClient, body: dict[str, str], words: str
) -> None:
    error = _refused(client.post("/chat", json=body), 400)
    assert words in error["message"] and "not valid" not in error["message"]
    assert_spanish(error["message"])
    assert error["details"] and all(item["message"] for item in error["details"])  # pydantic's English text


def test_a_body_over_the_limit_is_refused_in_spanish(client: FlaskClient) -> None:
    big = '{"message": "' + "a" * (1024 * 1024) + '"}'
    error = _refused(client.post("/chat", data=big, content_type="application/json"), 413)
    assert "demasiado grande" in error["message"] and error["details"]["detail"]


def _refused(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()["error"]

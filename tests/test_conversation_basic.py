"""The chat endpoint's basics: !run with quoted values, answers, !cancel, !status, !help, and bad requests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from config import PROJECT_DIR, Config

CHAT_KEYS = {"session_id", "reply", "status", "options", "data", "run_id", "pipeline"}


@pytest.fixture(scope="module")
def chat_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app for the module (every test talks in sessions of its own), without demo data to seed."""
    root = tmp_path_factory.mktemp("chat")
    folder = root / "pipelines"
    folder.mkdir()
    for source in [*(PROJECT_DIR / "pipelines").glob("*.yaml"), *(Path(__file__).parent / "pipelines").glob("*.yaml")]:
        shutil.copy(source, folder / source.name)
    application = create_app(
        Config(
            DATA_DIR=root / "data",
            PIPELINES_DIR=folder,
            SECRET_KEY="test",
            SEED_DEMO_DATA=False,
            OPENAI_API_KEY=None,
            OPENAI_BASE_URL=None,
            DATABASE_URL=None,
            CHECKPOINT_URL=None,
        )
    )
    application.config["TESTING"] = True
    yield application
    application.extensions["t7"].engine.close()


@pytest.fixture
def chat(chat_app: Flask) -> FlaskClient:
    """A test client of the module's app."""
    return chat_app.test_client()


def say(client: FlaskClient, message: str, session_id: str | None = None) -> dict[str, Any]:
    """POST one chat message; the 200 JSON reply."""
    body: dict[str, Any] = {"message": message}
    if session_id:
        body["session_id"] = session_id
    response = client.post("/chat", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    reply = response.get_json()
    assert set(reply) == CHAT_KEYS
    return reply


def assert_error(response: Any, status: int) -> dict[str, Any]:
    """The response is a JSON error in the shared shape with this status."""
    assert response.status_code == status
    assert response.is_json
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert isinstance(body["error"]["code"], str) and body["error"]["message"]
    return body["error"]


@pytest.mark.parametrize(
    ("command", "name"),
    [
        ('!run ejemplo_simple nombre="Luis Pérez"', "Luis Pérez"),
        ("!run ejemplo_simple nombre='Ana María'", "Ana María"),
        ("!run ejemplo_simple nombre=ChatGPT", "ChatGPT"),
        ('!run ejemplo_simple "nombre=Sin Comillas Fuera"', "Sin Comillas Fuera"),
    ],
)
def test_run_with_quoted_values(chat: FlaskClient, command: str, name: str) -> None:
    reply = say(chat, command)
    assert reply["status"] == "completed" and reply["pipeline"] == "ejemplo_simple"
    assert f"¡Hola, {name}!" in reply["reply"]
    assert reply["data"] == {"saludo": f"¡Hola, {name}!"}
    assert reply["session_id"] and reply["run_id"]


def test_a_session_id_is_minted_and_kept(chat: FlaskClient) -> None:
    first = say(chat, "!run ejemplo_simple")
    second = say(chat, "!status", first["session_id"])
    assert second["session_id"] == first["session_id"] and second["run_id"] == first["run_id"]
    assert say(chat, "!help")["session_id"] != first["session_id"]


def test_messages_answer_the_sessions_waiting_run(chat: FlaskClient) -> None:
    start = say(chat, "!run todo_junto cantidad=0")
    session, run_id = start["session_id"], start["run_id"]
    assert start["status"] == "waiting" and "¿Cuántas unidades?" in start["reply"]
    again = say(chat, "ninguna", session)
    assert again["status"] == "waiting" and again["run_id"] == run_id and "¿Cuántas unidades?" in again["reply"]
    name = say(chat, "3", session)
    assert name["status"] == "waiting" and name["reply"] == "¿Cómo te llamas?" and name["run_id"] == run_id
    done = say(chat, "Eva", session)
    assert done["status"] == "completed" and done["run_id"] == run_id
    assert "Pedido pequeño: 6. ¡Hola, Eva!" in done["reply"]
    assert done["data"] == {"total": 6, "texto_saludo": "¡Hola, Eva!"}


def test_another_session_does_not_answer_my_run(chat: FlaskClient, chat_app: Flask) -> None:
    mine = say(chat, "!run ejemplo_simple")
    other = say(chat, "!status")  # a session of its own
    assert other["status"] == "idle" and other["run_id"] is None
    engine = chat_app.extensions["t7"].engine
    assert engine.status(mine["run_id"]).status == "waiting"


def test_cancel(chat: FlaskClient, chat_app: Flask) -> None:
    start = say(chat, "!run ejemplo_simple")
    cancelled = say(chat, "!cancel", start["session_id"])
    assert cancelled["status"] == "cancelled" and cancelled["run_id"] == start["run_id"]
    assert "Cancelado" in cancelled["reply"]
    assert chat_app.extensions["t7"].engine.runs.get(start["run_id"])["status"] == "cancelled"
    nothing = say(chat, "!cancel", start["session_id"])
    assert nothing["status"] == "idle" and "nada en curso" in nothing["reply"]


def test_status(chat: FlaskClient) -> None:
    start = say(chat, "!run todo_junto cantidad=2")
    status = say(chat, "!STATUS", start["session_id"])
    assert status["status"] == "waiting" and status["run_id"] == start["run_id"]
    assert "¿Cómo te llamas?" in status["reply"]
    idle = say(chat, "!status")
    assert idle["status"] == "idle" and "ninguna ejecución" in idle["reply"]


@pytest.mark.parametrize("command", ["!help", "!pipelines"])
def test_help_lists_the_pipelines_with_their_inputs(chat: FlaskClient, command: str) -> None:
    reply = say(chat, command)
    assert reply["status"] == "idle"
    assert "• ejemplo_simple: " in reply["reply"] and "(nombre)" in reply["reply"]
    assert "• todo_junto: " in reply["reply"] and "(cantidad, nombre)" in reply["reply"]
    assert "!cancel" in reply["reply"]


def test_unknown_command(chat: FlaskClient) -> None:
    reply = say(chat, "!borrar todo")
    assert reply["status"] == "idle" and "Comando desconocido «!borrar»" in reply["reply"]
    assert "ejemplo_simple" in reply["reply"]


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ('!run ejemplo_simple nombre="Ana', "no entiendo el comando"),
        ("!run ejemplo_simple nombre='Ana", "no entiendo el comando"),
        ("!run", "falta el nombre del pipeline"),
        ("!run ejemplo_simple Ana", "no es un argumento clave=valor"),
        ("!run no_existe", "No conozco el pipeline «no_existe»"),
        ("!run ../../etc/passwd", "No conozco el pipeline"),
        ("!run ejemplo_simple color=rojo", "ningún dato llamado «color». Usa uno de estos: nombre"),
        ("!run todo_junto cantidad=muchas", "«cantidad» tiene que ser un número entero"),
    ],
)
def test_malformed_commands_get_a_helpful_idle_reply(chat: FlaskClient, command: str, words: str) -> None:
    reply = say(chat, command)
    assert reply["status"] == "idle" and words in reply["reply"] and reply["run_id"] is None


def test_a_message_of_2000_characters_is_fine_and_2001_is_refused(chat: FlaskClient) -> None:
    start = say(chat, "!run ejemplo_simple")
    done = say(chat, "a" * 2000, start["session_id"])
    assert done["status"] == "completed"
    error = assert_error(chat.post("/chat", json={"message": "a" * 2001}), 400)
    assert error["code"] == "bad_request"
    assert error["details"][0]["field"] == "message"


def test_a_body_over_one_mib_is_refused_with_413(chat: FlaskClient) -> None:
    big = '{"message": "' + "a" * (1024 * 1024) + '"}'
    error = assert_error(chat.post("/chat", data=big, content_type="application/json"), 413)
    assert error["code"] == "request_entity_too_large"


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("not json", "application/json"),
        ("message=hola", "application/x-www-form-urlencoded"),
        ('["hola"]', "application/json"),
        ('"hola"', "application/json"),
        ("", "application/json"),
        ('{"message": "hola"', "application/json"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_refused(chat: FlaskClient, data: str, content_type: str) -> None:
    assert_error(chat.post("/chat", data=data, content_type=content_type), 400)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"message": 5},
        {"message": None},
        {"message": "hola", "extra": 1},
        {"message": "hola", "session_id": "../../x"},
        {"message": "hola", "session_id": "corto"},
        {"message": "hola", "session_id": "a" * 65},
    ],
)
def test_bad_fields_are_refused(chat: FlaskClient, body: dict[str, Any]) -> None:
    assert_error(chat.post("/chat", json=body), 400)

"""/chat `!run` round trips."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_run_ejemplo_simple_greets(client: FlaskClient) -> None:
    response = client.post("/chat", json={"message": "!run ejemplo_simple nombre=ChatGPT"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "completed"
    assert "ChatGPT" in body["reply"]
    assert body["session_id"] and body["pipeline"] == "ejemplo_simple"


def test_quoted_values_and_answers_to_waiting_run(client: FlaskClient) -> None:
    first = client.post("/chat", json={"message": "!run ejemplo_simple"}).get_json()
    assert first["status"] == "waiting" and "llamas" in first["reply"]
    second = client.post("/chat", json={"message": "Ana María", "session_id": first["session_id"]}).get_json()
    assert second["status"] == "completed" and "Ana María" in second["reply"]
    third = client.post("/chat", json={"message": '!run ejemplo_simple nombre="Luis Pérez"'}).get_json()
    assert "Luis Pérez" in third["reply"]


def test_deeply_nested_body_is_a_400_not_a_500(client: FlaskClient) -> None:
    deep = "[" * 50_000 + "]" * 50_000
    response = client.post("/chat", data='{"message": ' + deep + "}", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_input"


def test_method_not_allowed_keeps_allow_header(client: FlaskClient) -> None:
    response = client.delete("/chat")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert response.get_json()["error"]["code"] == "method_not_allowed"

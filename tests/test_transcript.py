"""GET /orchestrator/runs/<run_id>/transcript: a run as a conversation, for its owner only."""

from __future__ import annotations

from flask.testing import FlaskClient

from routes.transcript_models import TranscriptModel

SESSION = "transcript-0002"
HEADERS = {"X-Chat-Session": SESSION}


def _chat(client: FlaskClient, *messages: str) -> dict:
    for text in messages:
        reply = client.post("/chat", json={"message": text, "session_id": SESSION}).get_json()
    return reply


def test_every_message_reading_turn_and_end_in_order(client: FlaskClient) -> None:
    reply = _chat(client, '!run alta_pedido cliente=Globex productos="1 grapadora"', "¿qué pongo?", "cancelar")
    assert reply["status"] == "cancelled"
    response = client.get(f"/orchestrator/runs/{reply['run_id']}/transcript", headers=HEADERS)
    assert response.status_code == 200
    body = TranscriptModel.model_validate(response.get_json())
    assert (body.pipeline, body.status, body.output) == ("alta_pedido", "cancelled", None)
    kinds = [(e["type"], e.get("command") or e.get("status") or e.get("step")) for e in body.entries]
    assert kinds == [
        ("start", None),
        ("turn", "confirmar"),
        ("user", "help"),
        ("repair", "help"),
        ("user", "cancel"),
        ("repair", "cancel"),
        ("end", "cancelled"),
    ]
    start, asked = body.entries[0], body.entries[1]
    assert start["args"] == {"cliente": "Globex", "productos": "1 grapadora"}
    assert asked["question"].startswith("Pedido para Globex") and asked["options"] == ["sí", "no"]
    assert asked["steps"][:2] == ["leer_mensaje", "rellenar"] and asked["steps"][-1] == "presupuestar"
    assert asked["values"]["cliente_ok"]["name"] == "Globex"
    assert body.entries[2]["text"] == "¿qué pongo?" and 0 < body.entries[2]["confidence"] <= 1


def test_another_callers_run_is_not_found(client: FlaskClient) -> None:
    reply = _chat(client, "!run ejemplo_simple")
    assert client.get(f"/orchestrator/runs/{reply['run_id']}/transcript").status_code == 404
    other = {"X-Chat-Session": "transcript-9999"}
    assert client.get(f"/orchestrator/runs/{reply['run_id']}/transcript", headers=other).status_code == 404
    assert client.get("/orchestrator/runs/../transcript").status_code == 404
    assert client.get("/runs/no%20valido").status_code == 404


def test_the_transcript_is_documented(client: FlaskClient) -> None:
    document = client.get("/orchestrator/openapi.json").get_json()
    operation = document["paths"]["/orchestrator/runs/{run_id}/transcript"]["get"]
    assert operation["operationId"] == "run_transcript"
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("TranscriptModel")

"""The `llm` step of alta_pedido against a real OpenAI-compatible HTTP server on loopback, and its fallback."""

from __future__ import annotations

import json

from flask import Flask

from tests.llm_server import OpenAICompatServer


def _start(app: Flask, productos: str) -> dict:
    message = f'!run alta_pedido cliente=Globex productos="{productos}"'
    return app.test_client().post("/chat", json={"message": message}).get_json()


def test_order_lines_come_from_the_model(llm_app: Flask, server: OpenAICompatServer) -> None:
    server.reply({"lines": [{"text": "Teclado mecánico", "quantity": 3}, {"text": "Webcam HD", "quantity": 1}]})
    body = _start(llm_app, "me mandas tres de los mecánicos y una cámara")
    assert body["status"] == "waiting", body
    lines = {line["product"]: line["quantity"] for line in body["data"]["lines"]}
    assert lines == {"Teclado mecánico": 3, "Webcam HD": 1}
    sent = json.dumps(server.requests[-1]["json"], ensure_ascii=False)
    assert "me mandas tres de los mecánicos y una cámara" in sent
    assert server.requests[-1]["json"]["model"] == "stub-model"


def test_model_failure_falls_back_to_the_offline_parser(llm_app: Flask, server: OpenAICompatServer) -> None:
    server.reply(status=500, times=5)
    body = _start(llm_app, "3 teclado mecánico, 2 grapadoras")
    assert body["status"] == "waiting", body
    lines = {line["product"]: line["quantity"] for line in body["data"]["lines"]}
    assert lines == {"Teclado mecánico": 3, "Grapadora": 2}
    assert server.requests, "the model was not even asked"


def test_malformed_model_output_falls_back(llm_app: Flask, server: OpenAICompatServer) -> None:
    server.reply({"lineas": "nada"})
    body = _start(llm_app, "1 webcam hd")
    assert body["status"] == "waiting", body
    assert [line["product"] for line in body["data"]["lines"]] == ["Webcam HD"]

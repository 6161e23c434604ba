"""POST /chat as Server-Sent Events over real HTTP, with a slow streaming OpenAI-compatible model on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any, TypedDict

import httpx
import pytest
from flask import Flask
from langgraph.graph import START, StateGraph

from errors import ToolError
from tests.browser_fixtures import live_server
from tests.llm_server import OpenAICompatServer
from tools.language.llm import ChatOpenAIClient

__all__ = ["live_server"]

LINES = {"lines": [{"text": "Teclado mecánico", "quantity": 3}, {"text": "Webcam HD", "quantity": 1}]}
SCHEMA = {
    "type": "object",
    "required": ["lines"],
    "properties": {"lines": {"type": "array", "items": {"type": "object", "required": ["text", "quantity"]}}},
}
ORDER = '!run alta_pedido cliente=Globex productos="tres de los mecánicos y una cámara"'
STREAM = {"Accept": "text/event-stream"}
CHAT_KEYS = {"session_id", "reply", "status", "options", "data", "run_id", "pipeline"}


@pytest.fixture
def app(llm_app: Flask) -> Flask:
    """The app the tests (and the live server) use: its model is the local server."""
    return llm_app


def events_of(response: httpx.Response) -> Iterator[tuple[str, Any]]:
    """Parse a text/event-stream body as it arrives: (event name, JSON data) pairs."""
    event, data = "message", []
    for line in response.iter_lines():
        if line.startswith("event:"):
            event = line.removeprefix("event:").strip()
        elif line.startswith("data:"):
            data.append(line.removeprefix("data:").strip())
        elif not line and data:
            yield event, json.loads("\n".join(data))
            event, data = "message", []


def streamed(base: str, message: str, session_id: str | None = None) -> list[tuple[str, Any]]:
    """Every event of one streamed chat turn."""
    body = {"message": message} | ({"session_id": session_id} if session_id else {})
    with httpx.stream("POST", f"{base}/chat", json=body, headers=STREAM, timeout=30) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        return list(events_of(response))


def plain(base: str, message: str, session_id: str | None = None) -> dict[str, Any]:
    """One plain JSON chat turn."""
    body = {"message": message} | ({"session_id": session_id} if session_id else {})
    response = httpx.post(f"{base}/chat", json=body, timeout=30)
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    return response.json()


def comparable(reply: dict[str, Any]) -> dict[str, Any]:
    """A chat reply without what differs between two sessions playing the same dialog."""
    assert set(reply) == CHAT_KEYS
    return {key: value for key, value in reply.items() if key not in ("session_id", "run_id")}


def test_events_arrive_in_order_and_the_reply_is_the_plain_one(live_server: str, server: OpenAICompatServer) -> None:
    server.reply(LINES, delay=0.5, chunk_delay=0.05)
    events = streamed(live_server, ORDER)
    names = [name for name, _ in events]
    assert names[-1] == "reply" and names.count("reply") == 1
    steps = [(data["id"], data["phase"]) for name, data in events if name == "step"]
    start, end = steps.index(("leer_lineas", "start")), steps.index(("leer_lineas", "end"))
    assert start < end and steps[-1] == ("confirmar", "end")
    kinds = {data["id"]: data["kind"] for name, data in events if name == "step"}
    assert kinds["leer_lineas"] == "llm" and kinds["confirmar"] == "ask"
    first_token = names.index("token")
    positions = [i for i, (name, data) in enumerate(events) if name == "step" and data["id"] == "leer_lineas"]
    assert positions[0] < first_token and names[positions[-1] - 1] == "token"
    tokens = [data for name, data in events if name == "token"]
    assert len(tokens) > 1 and {token["step"] for token in tokens} == {"leer_lineas"}
    assert json.loads("".join(token["text"] for token in tokens)) == LINES
    assert server.requests[-1]["json"]["stream"] is True
    ended = [data for name, data in events if name == "step" and data["phase"] == "end"]
    assert [data["id"] for data in ended if data["waiting"]] == ["confirmar"]
    assert all(data["label"] for name, data in events if name == "step")

    server.reply(LINES, delay=0.5)
    reply = plain(live_server, ORDER)
    assert not server.requests[-1]["json"].get("stream")
    assert comparable(events[-1][1]) == comparable(reply)
    assert reply["status"] == "waiting" and {line["product"] for line in reply["data"]["lines"]} == {
        "Teclado mecánico",
        "Webcam HD",
    }

    confirmed = streamed(live_server, "sí", events[-1][1]["session_id"])
    assert confirmed[-1][0] == "reply" and confirmed[-1][1]["status"] == "completed"
    assert confirmed[-1][1]["data"]["order_id"] and not [name for name, _ in confirmed if name == "token"]
    done = plain(live_server, "sí", reply["session_id"])
    for finished in (confirmed[-1][1], done):  # two orders: only their ids differ
        finished["data"].pop("order_id")
        finished["reply"] = finished["reply"].replace(str(finished["data"].get("order_id")), "")
    assert comparable(confirmed[-1][1]) | {"reply": ""} == comparable(done) | {"reply": ""}


def test_events_are_sent_while_the_model_still_writes(live_server: str, server: OpenAICompatServer) -> None:
    gate = threading.Event()
    server.reply(LINES, gate=gate)
    try:
        body = {"message": ORDER}
        with httpx.stream("POST", f"{live_server}/chat", json=body, headers=STREAM, timeout=30) as response:
            seen: list[str] = []
            events = events_of(response)
            for name, _ in events:
                seen.append(name)
                if name == "token":
                    break
            # The model has sent half its answer and waits for the gate: the turn cannot have ended yet.
            assert "reply" not in seen and ("step" in seen)
            gate.set()
            rest = [name for name, _ in events]
        assert rest[-1] == "reply" and "token" in rest
    finally:
        gate.set()


def test_a_failing_model_falls_back_and_the_stream_still_ends_with_the_reply(
    live_server: str, server: OpenAICompatServer
) -> None:
    server.reply(status=500, times=5)
    events = streamed(live_server, '!run alta_pedido cliente=Globex productos="3 teclado mecánico"')
    reply = events[-1][1]
    assert events[-1][0] == "reply" and reply["status"] == "waiting"
    assert [line["product"] for line in reply["data"]["lines"]] == ["Teclado mecánico"]


def test_errors_are_the_plain_replies_and_bad_requests_stay_json(live_server: str) -> None:
    events = streamed(live_server, "!run no_existe")
    assert [name for name, _ in events] == ["reply"]
    assert events[0][1] == plain(live_server, "!run no_existe", events[0][1]["session_id"])
    assert "No conozco el pipeline" in events[0][1]["reply"]
    too_long = httpx.post(f"{live_server}/chat", json={"message": "x" * 2001}, headers=STREAM, timeout=30)
    assert too_long.status_code == 400 and too_long.json()["error"]["code"]


def test_a_plain_client_gets_exactly_the_contract_json(live_server: str) -> None:
    for accept in (None, "application/json", "*/*", "application/json, text/event-stream"):
        headers = {"Accept": accept} if accept else {}
        response = httpx.post(f"{live_server}/chat", json={"message": "!help"}, headers=headers, timeout=30)
        assert response.headers["content-type"] == "application/json"
        assert set(response.json()) == CHAT_KEYS


class _Asked(TypedDict, total=False):
    prompt: str
    schema: dict | None
    answer: Any
    failure: str


def test_the_client_streams_tokens_only_when_followed_and_keeps_its_errors(server: OpenAICompatServer) -> None:
    client = ChatOpenAIClient("stub-model", base_url=server.base_url, timeout=1, max_retries=0)

    def ask(state: _Asked) -> _Asked:
        try:
            return {"answer": client.generate(state["prompt"], schema=state.get("schema"))}
        except ToolError as exc:
            return {"failure": exc.details["kind"]}

    graph = StateGraph(_Asked).add_node("ask", ask).add_edge(START, "ask").compile()
    server.reply("Hola, ¿qué productos quieres pedir hoy?")
    parts = list(graph.stream({"prompt": "hola"}, stream_mode=["messages", "values"]))
    tokens = [chunk[0].text for mode, chunk in parts if mode == "messages"]
    assert len(tokens) > 2 and "".join(tokens) == "Hola, ¿qué productos quieres pedir hoy?"
    assert parts[-1] == ("values", {"prompt": "hola", "answer": "Hola, ¿qué productos quieres pedir hoy?"})
    assert server.requests[-1]["json"]["stream"] is True

    server.reply(LINES)
    assert graph.invoke({"prompt": "3 teclados", "schema": SCHEMA})["answer"] == LINES
    assert not server.requests[-1]["json"].get("stream")

    gate = threading.Event()
    server.reply(LINES, gate=gate)
    try:  # the model stops mid-answer: the one-second timeout is the same ToolError as without a stream
        followed = graph.stream({"prompt": "3 teclados", "schema": SCHEMA}, stream_mode=["messages", "values"])
        final = [chunk for mode, chunk in followed if mode == "values"][-1]
    finally:
        gate.set()
    assert final.get("failure") == "timeout", final

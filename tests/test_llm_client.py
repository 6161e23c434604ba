"""ChatOpenAIClient over real HTTP against the local OpenAI-compatible server: text, structure, failures."""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest
from llm_server import OpenAICompatServer, llm_server_fixture

from config import Config
from errors import ToolError
from tools.language.llm import ChatOpenAIClient, LLMClient, build_llm_client, check_json, parse_json_text

llm_server = llm_server_fixture()

LINES_SCHEMA: dict[str, Any] = {
    "title": "order lines",
    "type": "object",
    "properties": {
        "lines": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"text": {"type": "string"}, "quantity": {"type": "integer"}},
                "required": ["text", "quantity"],
            },
        },
        "note": {"anyOf": [{"type": "string"}, {"type": "null"}]},
    },
    "required": ["lines"],
}


def _client(server: OpenAICompatServer, **kwargs: Any) -> ChatOpenAIClient:
    """A client pointed at the test server."""
    return ChatOpenAIClient("test-model", base_url=server.base_url, api_key="sk-test", **kwargs)


def _free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_text_completion_goes_over_http(llm_server: OpenAICompatServer) -> None:
    """A plain prompt is a chat completion with the system and user messages; the text comes back."""
    llm_server.reply("¡Hola, Ana!")
    answer = _client(llm_server).generate("Saluda a Ana", system="Eres amable.")
    assert answer == "¡Hola, Ana!"
    sent = llm_server.requests[-1]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["headers"]["Authorization"] == "Bearer sk-test"
    assert sent["json"]["model"] == "test-model"
    assert sent["json"]["messages"] == [
        {"role": "system", "content": "Eres amable."},
        {"role": "user", "content": "Saluda a Ana"},
    ]
    assert "tools" not in sent["json"]


def test_structured_output_uses_a_tool_call_and_is_validated(llm_server: OpenAICompatServer) -> None:
    """With a schema the request forces a function call; its arguments come back as a checked dict."""
    llm_server.reply({"lines": [{"text": "teclado mecánico", "quantity": 3.0}], "note": None})
    answer = _client(llm_server).generate("3 teclado mecánico", schema=LINES_SCHEMA)
    assert answer == {"lines": [{"text": "teclado mecánico", "quantity": 3}], "note": None}
    assert isinstance(answer["lines"][0]["quantity"], int)
    body = llm_server.requests[-1]["json"]
    assert body["tool_choice"] == {"type": "function", "function": {"name": "order_lines"}}
    assert body["tools"][0]["function"]["name"] == "order_lines"
    assert body["tools"][0]["function"]["parameters"]["required"] == ["lines"]


def test_structured_output_accepts_json_text_from_servers_without_tools(llm_server: OpenAICompatServer) -> None:
    """A server that ignores `tools` and answers JSON text (fenced or not) still gives the dict."""
    client = _client(llm_server)
    llm_server.reply('{"lines": []}', as_text=True)
    assert client.generate("nada", schema=LINES_SCHEMA) == {"lines": []}
    llm_server.reply('```json\n{"lines": [{"text": "ratón", "quantity": 2}]}\n```', as_text=True)
    assert client.generate("2 ratón", schema=LINES_SCHEMA) == {"lines": [{"text": "ratón", "quantity": 2}]}


@pytest.mark.parametrize(
    ("payload", "as_text", "message"),
    [
        ({"lines": [{"text": "teclado"}]}, False, "lacks quantity"),
        ({"lines": [{"text": "teclado", "quantity": "tres"}]}, False, "should be integer"),
        ({"lines": [{"text": "teclado", "quantity": True}]}, False, "should be integer"),
        ({"items": []}, False, "lacks lines"),
        ({"lines": [], "note": 5}, False, "none of the allowed shapes"),
        ("{not json", False, "did not answer with JSON"),
        ("no es JSON", True, "did not answer with JSON"),
        ("[1, 2]", True, "not a JSON object"),
    ],
)
def test_structured_output_that_breaks_the_schema_is_a_tool_error(
    llm_server: OpenAICompatServer, payload: Any, as_text: bool, message: str
) -> None:
    """Missing keys, wrong types, broken JSON: a ToolError saying what is wrong, never a raw exception."""
    llm_server.reply(payload, as_text=as_text)
    with pytest.raises(ToolError, match=message) as caught:
        _client(llm_server).generate("x", schema=LINES_SCHEMA)
    assert caught.value.details["kind"] == "bad_output"


def test_timeout_is_a_tool_error(llm_server: OpenAICompatServer) -> None:
    """A server slower than the timeout: ToolError(kind=timeout), after at most one retry."""
    llm_server.reply("tarde", delay=5.0, times=5)
    started = time.perf_counter()
    with pytest.raises(ToolError, match=r"did not answer within 0\.3 s") as caught:
        _client(llm_server, timeout=0.3).generate("x")
    assert caught.value.details == {"kind": "timeout"}
    assert time.perf_counter() - started < 4.0
    assert len(llm_server.requests) == 2  # the first try and one retry


def test_server_error_is_a_tool_error(llm_server: OpenAICompatServer) -> None:
    """HTTP 500 on every try: ToolError carrying the status."""
    llm_server.reply(status=500, times=5)
    with pytest.raises(ToolError, match="HTTP 500") as caught:
        _client(llm_server).generate("x", schema=LINES_SCHEMA)
    assert caught.value.details == {"kind": "http_status", "status": 500}


def test_client_error_is_not_retried(llm_server: OpenAICompatServer) -> None:
    """HTTP 400 (a bad request) fails at once."""
    llm_server.reply(status=400, times=5)
    with pytest.raises(ToolError, match="HTTP 400"):
        _client(llm_server).generate("x")
    assert len(llm_server.requests) == 1


def test_malformed_body_is_a_tool_error(llm_server: OpenAICompatServer) -> None:
    """A 200 whose body is not JSON at all."""
    llm_server.reply(body="<html>proxy error</html>")
    with pytest.raises(ToolError) as caught:
        _client(llm_server).generate("x")
    assert caught.value.details == {"kind": "error"}


def test_empty_text_is_a_tool_error(llm_server: OpenAICompatServer) -> None:
    """An empty answer is useless to a pipeline, so the step's fallback should run."""
    llm_server.reply("   ")
    with pytest.raises(ToolError, match="empty answer"):
        _client(llm_server).generate("x")


def test_connection_refused_is_a_tool_error() -> None:
    """Nobody listening: ToolError(kind=connection)."""
    client = ChatOpenAIClient("m", base_url=f"http://127.0.0.1:{_free_port()}/v1", timeout=2.0)
    with pytest.raises(ToolError, match="cannot be reached") as caught:
        client.generate("x")
    assert caught.value.details == {"kind": "connection"}


def test_schema_that_is_not_an_object_is_refused(llm_server: OpenAICompatServer) -> None:
    """Function calling needs an object schema; anything else is refused before any request."""
    with pytest.raises(ToolError, match="type is 'object'"):
        _client(llm_server).generate("x", schema={"type": "array", "items": {"type": "string"}})
    assert llm_server.requests == []


def test_build_llm_client_is_none_offline() -> None:
    """With neither OPENAI_API_KEY nor OPENAI_BASE_URL, there is no client (offline fallbacks run)."""
    assert build_llm_client(Config(OPENAI_API_KEY=None, OPENAI_BASE_URL=None)) is None


def test_build_llm_client_from_environment(llm_server: OpenAICompatServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """OPENAI_BASE_URL and LLM_MODEL from the environment: the client talks to that server, keyless."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_BASE_URL", llm_server.base_url)
    monkeypatch.setenv("LLM_MODEL", "llama-local")
    monkeypatch.setenv("LLM_TIMEOUT", "5")
    client = build_llm_client(Config())
    assert isinstance(client, LLMClient)
    llm_server.reply("desde el servidor local")
    assert client.generate("hola") == "desde el servidor local"
    assert llm_server.requests[-1]["json"]["model"] == "llama-local"


def test_check_json_follows_local_refs() -> None:
    """Pydantic-style schemas with $defs are checked through their references."""
    schema = {
        "type": "object",
        "$defs": {"Line": {"type": "object", "properties": {"q": {"type": "integer"}}, "required": ["q"]}},
        "properties": {"line": {"$ref": "#/$defs/Line"}, "kind": {"enum": ["a", "b"]}},
    }
    assert check_json({"line": {"q": 2.0}, "kind": "a"}, schema) == {"line": {"q": 2}, "kind": "a"}
    with pytest.raises(ToolError, match=r"\$.line lacks q"):
        check_json({"line": {}}, schema)
    with pytest.raises(ToolError, match="not one of"):
        check_json({"line": {"q": 1}, "kind": "c"}, schema)


def test_parse_json_text() -> None:
    """Fenced and bare JSON parse; prose does not."""
    assert parse_json_text('```json\n{"a": 1}\n```') == {"a": 1}
    assert parse_json_text(' {"a": [1]} ') == {"a": [1]}
    with pytest.raises(ToolError):
        parse_json_text("Claro, aquí tienes")

"""A small OpenAI-compatible chat-completions server on loopback, scripted by tests (no mocks).

    with OpenAICompatServer() as server:
        server.reply("hola")                       # next answer: plain text
        server.reply({"lines": []})                # next answer: a tool call (or JSON) with these arguments
        server.reply(status=500)                   # next answer: an HTTP error
        server.reply("tarde", delay=2.0)           # next answer after two seconds
        server.reply("hola", gate=event)           # streamed: the first half of the chunks, then waits for event
        client = ChatOpenAIClient("test-model", base_url=server.base_url)
        ...
        server.requests[-1]["json"]["messages"]    # what the client really sent

Or in a test module: `llm_server = llm_server_fixture()` gives a fresh server per test.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

__all__ = ["OpenAICompatServer", "Reply", "llm_server_fixture"]


@dataclass
class Reply:
    """One scripted answer; `times` repeats it (e.g. for a client that retries)."""

    payload: Any = None
    status: int = 200
    delay: float = 0.0
    as_text: bool = False
    body: str | None = None
    times: int = 1
    gate: threading.Event | None = None
    chunk_delay: float = 0.0


class _QuietHandler(WSGIRequestHandler):
    """Request handler that does not log every request to stderr."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        """Skip the access log."""


class OpenAICompatServer:
    """POST /v1/chat/completions answered from a queue of scripted replies; records every request."""

    def __init__(self, default_text: str = "ok") -> None:
        self.default_text = default_text
        self.requests: list[dict[str, Any]] = []
        self._queue: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._ids = itertools.count(1)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """The `OPENAI_BASE_URL` to point clients at (ends in /v1)."""
        if self._server is None:
            raise RuntimeError("the server is not running")
        return f"http://127.0.0.1:{self._server.server_port}/v1"

    def reply(
        self,
        payload: Any = None,
        *,
        status: int = 200,
        delay: float = 0.0,
        as_text: bool = False,
        body: str | None = None,
        times: int = 1,
        gate: threading.Event | None = None,
        chunk_delay: float = 0.0,
    ) -> None:
        """Queue the next answer: text (a str), structured arguments (a dict), an error status, a raw body.

        When the request asks for `"stream": true` the answer is sent as OpenAI's `data:` chunks, `chunk_delay`
        seconds apart; with `gate`, the second half of the chunks waits until the test sets that event."""
        with self._lock:
            self._queue.append(Reply(payload, status, delay, as_text, body, times, gate, chunk_delay))

    def start(self) -> OpenAICompatServer:
        """Serve on 127.0.0.1 on a free port, in a daemon thread."""
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True, request_handler=_QuietHandler)
        # A short poll interval keeps shutdown (and so each test's teardown) fast.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="openai-compat", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Wake sleeping handlers, stop serving and close the socket."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> OpenAICompatServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _next(self) -> Reply | None:
        """Take the next scripted reply (keeping it while it has repeats left)."""
        with self._lock:
            if not self._queue:
                return None
            head = self._queue[0]
            head.times -= 1
            if head.times <= 0:
                self._queue.popleft()
            return head

    @Request.application  # type: ignore[arg-type]
    def _app(self, request: Request) -> Response:
        """The WSGI application."""
        if request.method == "GET" and request.path == "/v1/models":
            return _json({"object": "list", "data": [{"id": "test-model", "object": "model"}]})
        if request.method != "POST" or request.path != "/v1/chat/completions":
            return _json({"error": {"message": "not found", "type": "invalid_request_error"}}, 404)
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return _json({"error": {"message": "body must be a JSON object", "type": "invalid_request_error"}}, 400)
        with self._lock:
            self.requests.append({"path": request.path, "headers": dict(request.headers), "json": body})
        scripted = self._next()
        if scripted and scripted.delay:
            self._stopping.wait(scripted.delay)
        if scripted and scripted.body is not None:
            return Response(scripted.body, status=scripted.status, content_type="application/json")
        if scripted and scripted.status != 200:
            error = {"error": {"message": f"scripted failure {scripted.status}", "type": "server_error"}}
            return _json(error, scripted.status)
        completion = self._completion(body, scripted)
        if body.get("stream"):
            return Response(self._chunks(completion, scripted), content_type="text/event-stream")
        return _json(completion)

    def _chunks(self, completion: dict[str, Any], scripted: Reply | None) -> Iterator[str]:
        """A completion as chat.completion.chunk SSE lines: the text or tool-call arguments in small pieces."""
        message, choice = completion["choices"][0]["message"], completion["choices"][0]
        head = {key: completion[key] for key in ("id", "created", "model")} | {"object": "chat.completion.chunk"}
        calls = message.get("tool_calls") or []
        text = calls[0]["function"]["arguments"] if calls else message["content"] or ""
        pieces = [text[i : i + 8] for i in range(0, len(text), 8)] or [""]
        first: dict[str, Any] = {"role": "assistant", "content": "" if calls else pieces[0]}
        if calls:
            call = calls[0]
            function = {"name": call["function"]["name"], "arguments": pieces[0]}
            first["tool_calls"] = [{"index": 0, "id": call["id"], "type": "function", "function": function}]
        deltas = [first]
        for piece in pieces[1:]:
            function = {"arguments": piece}
            deltas.append({"tool_calls": [{"index": 0, "function": function}]} if calls else {"content": piece})
        for number, delta in enumerate(deltas):
            if number and scripted and scripted.chunk_delay:
                self._stopping.wait(scripted.chunk_delay)
            if number == max(1, len(deltas) // 2) and scripted and scripted.gate is not None:
                scripted.gate.wait(30)
            yield _sse(head | {"choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
        yield _sse(head | {"choices": [{"index": 0, "delta": {}, "finish_reason": choice["finish_reason"]}]})
        yield "data: [DONE]\n\n"

    def _completion(self, body: dict[str, Any], scripted: Reply | None) -> dict[str, Any]:
        """A chat.completion shaped by what the request asked for (tools, json_schema, or text)."""
        tools = body.get("tools") or []
        fmt = body.get("response_format") or {}
        payload = scripted.payload if scripted else None
        message: dict[str, Any] = {"role": "assistant", "content": None}
        finish = "stop"
        if tools and not (scripted and scripted.as_text):
            if payload is None:
                payload = {}
            choice = body.get("tool_choice")
            name = choice["function"]["name"] if isinstance(choice, dict) else tools[0]["function"]["name"]
            call = {"name": name, "arguments": payload if isinstance(payload, str) else json.dumps(payload)}
            message["tool_calls"] = [{"id": f"call_{next(self._ids)}", "type": "function", "function": call}]
            finish = "tool_calls"
        elif fmt.get("type") in {"json_schema", "json_object"} or isinstance(payload, dict | list):
            message["content"] = payload if isinstance(payload, str) else json.dumps(payload)
        else:
            message["content"] = self.default_text if payload is None else str(payload)
        return {
            "id": f"chatcmpl-{next(self._ids)}",
            "object": "chat.completion",
            "created": 0,
            "model": body.get("model", "test-model"),
            "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }


def _json(data: Any, status: int = 200) -> Response:
    """A JSON response."""
    return Response(json.dumps(data), status=status, content_type="application/json")


def _sse(data: Any) -> str:
    """One server-sent event line as OpenAI streams them."""
    return f"data: {json.dumps(data)}\n\n"


def llm_server_fixture(default_text: str = "ok") -> Any:
    """A pytest fixture giving each test its own running OpenAICompatServer: `llm_server = llm_server_fixture()`."""

    @pytest.fixture
    def _fixture() -> Any:
        with OpenAICompatServer(default_text) as server:
            yield server

    return _fixture

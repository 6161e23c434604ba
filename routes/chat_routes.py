"""POST /chat: the chat endpoint; all conversation logic lives in graphs.conversation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from pydantic import BaseModel, ConfigDict, Field

from errors import InternalError
from graphs import progress
from graphs.conversation import SESSION_PATTERN, ChatReply, Conversation, new_session_id
from textnorm import language

EVENT_STREAM = "text/event-stream"

chat_bp = Blueprint("chat", __name__)


class ChatRequest(BaseModel):
    """Body of POST /chat."""

    model_config = ConfigDict(extra="forbid")

    message: str = Field(max_length=2000)
    session_id: str | None = Field(default=None, pattern=SESSION_PATTERN.pattern)


def json_body() -> dict[str, Any]:
    """The request's JSON object; anything else is a 400."""
    from errors import InputError

    try:
        body = request.get_json(silent=True)
    except RecursionError:
        raise InputError("the request body nests too deeply") from None
    if not isinstance(body, dict):
        raise InputError("the request body must be a JSON object")
    return body


@chat_bp.post("/chat")
def chat() -> Any:
    """Answer one chat message."""
    body = ChatRequest.model_validate(json_body())
    services = current_app.extensions["t7"]
    session_id = body.session_id or new_session_id()
    if request.accept_mimetypes.best_match(["application/json", EVENT_STREAM]) == EVENT_STREAM:
        return _event_stream(services.conversation, session_id, body.message)
    reply = services.conversation.handle(session_id, body.message)
    return jsonify(reply.to_dict())


def _event_stream(conversation: Conversation, session_id: str, message: str) -> Response:
    """The turn as Server-Sent Events: `step` and `token` while it runs, then `reply` with the /chat JSON."""

    def failed() -> dict[str, Any]:
        text = InternalError("the chat turn failed unexpectedly").user_message(language(message))
        return ChatReply(session_id, text, status="idle").to_dict()

    events = progress.follow(lambda: conversation.handle(session_id, message).to_dict(), failed)
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}  # no proxy may hold the events back
    return Response(_sse(events), mimetype=EVENT_STREAM, headers=headers)


def _sse(events: Iterator[tuple[str, Any]]) -> Iterator[str]:
    """Server-Sent Events text: one `event:` and one single-line `data:` JSON per event."""
    for event, data in events:
        yield f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"

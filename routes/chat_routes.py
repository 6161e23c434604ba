"""POST /chat: the chat endpoint; all conversation logic lives in graphs.chat.conversation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from pydantic import BaseModel, ConfigDict, Field

from errors import AppError, InputError, InternalError
from graphs.chat.conversation import SESSION_PATTERN, ChatReply, new_session_id
from graphs.chat.delivery import Delivery
from graphs.observe import progress
from graphs.store.inbox import MESSAGE_ID_PATTERN
from textnorm import language

EVENT_STREAM = "text/event-stream"

chat_bp = Blueprint("chat", __name__)


class ChatRequest(BaseModel):
    """Body of POST /chat."""

    model_config = ConfigDict(extra="forbid")

    message: str = Field(max_length=2000)
    session_id: str | None = Field(default=None, pattern=SESSION_PATTERN.pattern)
    # the client's id for this message: sent again with the same id, it gets the stored reply (graphs/store/inbox.py)
    message_id: str | None = Field(default=None, pattern=MESSAGE_ID_PATTERN)


def json_body() -> dict[str, Any]:
    """The request's JSON object; anything else is a 400."""
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
    payload = json_body()
    if "message_id" not in payload and request.headers.get("Idempotency-Key"):
        payload = {**payload, "message_id": request.headers["Idempotency-Key"]}
    body = ChatRequest.model_validate(payload)
    services = current_app.extensions["t7"]
    session_id = body.session_id or new_session_id()
    if request.accept_mimetypes.best_match(["application/json", EVENT_STREAM]) == EVENT_STREAM:
        return _event_stream(services.delivery, session_id, body.message, body.message_id)
    reply = services.delivery.deliver(session_id, body.message, body.message_id)
    return jsonify(reply.to_dict())


def _event_stream(delivery: Delivery, session_id: str, message: str, message_id: str | None) -> Response:
    """The turn as Server-Sent Events: `step` and `token` while it runs, then `reply` with the /chat JSON."""

    def failed() -> dict[str, Any]:
        text = InternalError("the chat turn failed unexpectedly").user_message(language(message))
        return ChatReply(session_id, text, status="idle").to_dict()

    def work() -> dict[str, Any]:
        try:
            return delivery.deliver(session_id, message, message_id).to_dict()
        except AppError as exc:  # refused (waited too long, an id reused): said in the stream as a reply
            return ChatReply(session_id, exc.user_message(language(message)), status="idle").to_dict()

    events = progress.follow(work, failed)
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}  # no proxy may hold the events back
    return Response(_sse(events), mimetype=EVENT_STREAM, headers=headers)


def _sse(events: Iterator[tuple[str, Any]]) -> Iterator[str]:
    """Server-Sent Events text: one `event:` and one single-line `data:` JSON per event."""
    for event, data in events:
        yield f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"

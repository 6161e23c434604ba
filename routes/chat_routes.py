"""POST /chat: the chat endpoint; all conversation logic lives in graphs.conversation."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request
from pydantic import BaseModel, ConfigDict, Field

from graphs.conversation import SESSION_PATTERN, new_session_id

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
    reply = services.conversation.handle(body.session_id or new_session_id(), body.message)
    return jsonify(reply.to_dict())

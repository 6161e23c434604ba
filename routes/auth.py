"""Who is calling the orchestrator API: a bearer token when API tokens are configured, else the session cookie;
read-only run endpoints also accept the chat session named in `X-Chat-Session`."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, g, request, session

from errors import AppError
from graphs.chat.conversation import SESSION_PATTERN, Conversation, new_session_id

CHAT_SESSION_HEADER = "X-Chat-Session"


class AuthError(AppError):
    """The request lacks a valid `Authorization: Bearer <token>` while API tokens are configured."""

    code = "unauthorized"
    http_status = 401


def _tokens() -> list[str]:
    return list(current_app.extensions["t7"].settings.API_TOKENS)


def tokens_configured() -> bool:
    """True when settings.API_TOKENS holds at least one token."""
    return bool(_tokens())


def _matching_token(header: str, tokens: list[str]) -> str | None:
    scheme, _, presented = header.partition(" ")
    presented = presented.strip()
    if scheme.lower() != "bearer" or not presented:
        return None
    given = presented.encode()
    # Compare against every token, without stopping early, so timing says nothing about which one matched.
    matches = [hmac.compare_digest(given, token.encode()) for token in tokens]
    return presented if any(matches) else None


def require_token() -> None:
    """Raise AuthError unless the request carries one of the configured API tokens (no-op without tokens)."""
    tokens = _tokens()
    if not tokens:
        return
    token = _matching_token(request.headers.get("Authorization", ""), tokens)
    if token is None:
        raise AuthError("a valid 'Authorization: Bearer <token>' header is required", details={"scheme": "Bearer"})
    # The owner column stores a digest, never the token itself.
    g.orchestrator_caller = "token:" + hashlib.sha256(token.encode()).hexdigest()[:40]


def caller() -> str:
    """The owner of the runs this caller starts: its API token (digest) or its session cookie (minted on first use)."""
    if tokens_configured():
        if "orchestrator_caller" not in g:
            require_token()
        return str(g.orchestrator_caller)
    if "owner" not in session:
        session["owner"] = new_session_id()
    return f"cookie:{session['owner']}"


def reader(run_id: str) -> str:
    """The owner a look at `run_id` (or a fork of it) is checked against: the caller, or the chat in X-Chat-Session."""
    owner = caller()  # with API tokens configured this still demands the token
    # A chat run belongs to "chat:<session_id>", and knowing that session id already lets anyone read and answer the
    # run through POST /chat; so accepting it here to *read* the run grants nothing new. Only run_status and the graph
    # call reader(), and a fork (which starts a new run of that chat, as POST /chat can): resume, cancel and undo keep
    # using caller().
    session_id = request.headers.get(CHAT_SESSION_HEADER, "")
    if SESSION_PATTERN.fullmatch(session_id):
        chat_owner = Conversation.owner(session_id)
        row = current_app.extensions["t7"].engine.runs.get(run_id)
        if row is not None and row["owner"] == chat_owner:
            return chat_owner
    return owner

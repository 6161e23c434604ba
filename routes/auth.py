"""Who is calling the orchestrator API: a bearer token when API tokens are configured, else the session cookie."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, g, request, session

from errors import AppError
from graphs.conversation import new_session_id


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
        raise AuthError("a valid 'Authorization: Bearer <token>' header is required",
                        details={"scheme": "Bearer"})
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

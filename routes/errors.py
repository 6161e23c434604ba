"""The one error handler: every error becomes `{"error": {"code", "message", "details"}}` with a 4xx status.

For an AppError `message` is the sentence for a person (Spanish; English with `Accept-Language: en`) and
`details.detail` the English technical text; a PipelineError keeps its technical message and line/column items.
A body the request models refuse gets a sentence too, its pydantic errors (English) staying in `details`; so
does an HTTP error of the chat and the API (e.g. a body over the size limit), its description in `details.detail`.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

import psycopg
from flask import Flask, Response, jsonify, request
from psycopg_pool import PoolTimeout
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from error_sentences import sentence
from errors import AppError, PipelineError, UnavailableError
from graphs.store.databases import database_unreachable


def error_response(code: str, message: str, status: int, details: Any = None) -> tuple[Response, int]:
    """A JSON error body in the shared shape."""
    return jsonify({"error": {"code": code, "message": message, "details": details}}), status


def validation_details(exc: ValidationError) -> list[dict[str, Any]]:
    """Pydantic errors as JSON-safe dicts: field path and message."""
    return [{"field": ".".join(map(str, e["loc"])), "message": e["msg"]} for e in exc.errors()]


def user_language() -> Literal["es", "en"]:
    """The caller's language for error sentences: English when `Accept-Language` prefers it, else Spanish."""
    return "en" if request.accept_languages.best_match(["es", "en"], default="es") == "en" else "es"


def technical_details(exc: AppError) -> dict[str, Any]:
    """The error's details with its English technical text under `detail` (for logs and developers)."""
    if isinstance(exc.details, dict):
        return {**exc.details, "detail": exc.message}
    return {"detail": exc.message} if exc.details is None else {"detail": exc.message, "data": exc.details}


logger = logging.getLogger(__name__)


def register_error_handlers(app: Flask) -> None:
    """Install the handlers for AppError, pydantic errors and HTTP errors."""

    @app.errorhandler(AppError)
    def _app_error(exc: AppError) -> tuple[Response, int]:
        if isinstance(exc, PipelineError):  # for pipeline authors: the technical text, with line and column
            return error_response(exc.code, exc.message, exc.http_status, exc.details)
        return error_response(exc.code, exc.user_message(user_language()), exc.http_status, technical_details(exc))

    def _database_error(exc: Exception) -> Any:
        if not database_unreachable(exc):  # a fault of ours, not an outage: the usual 500
            raise exc
        logger.warning("%s %s: a database is unreachable: %s", request.method, request.path, exc)
        return _app_error(UnavailableError("a database is unreachable; send the request again in a moment"))

    for kind in (DBAPIError, psycopg.Error, PoolTimeout):  # a moment's outage: a 503 the user can act on
        app.register_error_handler(kind, _database_error)

    @app.errorhandler(ValidationError)
    def _validation_error(exc: ValidationError) -> tuple[Response, int]:
        return error_response("bad_request", refusal_sentence(exc), 400, validation_details(exc))

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Any:
        if request.path.startswith(("/orchestrator", "/chat")) or request.accept_mimetypes.best == "application/json":
            code = (exc.name or "error").lower().replace(" ", "_")
            message = _http_sentence(exc)
            details = {"detail": exc.description or exc.name}
            response, status = error_response(code, message, exc.code or 400, details)
            for name, value in exc.get_headers():
                if name.lower() != "content-type":  # keeps Allow on a 405, WWW-Authenticate on a 401
                    response.headers[name] = value
            return response, status
        return exc


def refusal_sentence(exc: ValidationError) -> str:
    """The sentence for a person whose request body the models refused: what is too long, or which field."""
    first = exc.errors()[0] if exc.errors() else {"loc": (), "type": "", "ctx": {}}
    field = ".".join(map(str, first["loc"])) or "body"
    limit = (first.get("ctx") or {}).get("max_length")
    reason = "too_long" if first["type"] == "string_too_long" and limit else "field" if first["loc"] else None
    return sentence("bad_request", reason, {"input": field, "limit": limit}, user_language())


def _http_sentence(exc: HTTPException) -> str:
    """A Spanish (or English) sentence for an HTTP error: the size limit in words, else the status's own text."""
    if exc.code == 413:
        return sentence("bad_request", "too_large", {}, user_language())
    if exc.code in (400, 415):
        return sentence("bad_request", None, {}, user_language())
    return exc.description or exc.name

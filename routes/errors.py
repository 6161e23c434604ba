"""The one error handler: every error becomes `{"error": {"code", "message", "details"}}` with a 4xx status."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from errors import AppError


def error_response(code: str, message: str, status: int, details: Any = None) -> tuple[Response, int]:
    """A JSON error body in the shared shape."""
    return jsonify({"error": {"code": code, "message": message, "details": details}}), status


def validation_details(exc: ValidationError) -> list[dict[str, Any]]:
    """Pydantic errors as JSON-safe dicts: field path and message."""
    return [{"field": ".".join(map(str, e["loc"])), "message": e["msg"]} for e in exc.errors()]


def register_error_handlers(app: Flask) -> None:
    """Install the handlers for AppError, pydantic errors and HTTP errors."""

    @app.errorhandler(AppError)
    def _app_error(exc: AppError) -> tuple[Response, int]:
        return error_response(exc.code, exc.message, exc.http_status, exc.details)

    @app.errorhandler(ValidationError)
    def _validation_error(exc: ValidationError) -> tuple[Response, int]:
        return error_response("bad_request", "the request body is not valid", 400, validation_details(exc))

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Any:
        if request.path.startswith(("/orchestrator", "/chat")) or request.accept_mimetypes.best == "application/json":
            code = (exc.name or "error").lower().replace(" ", "_")
            response, status = error_response(code, exc.description or exc.name, exc.code or 400)
            for name, value in exc.get_headers():
                if name.lower() != "content-type":  # keeps Allow on a 405, WWW-Authenticate on a 401
                    response.headers[name] = value
            return response, status
        return exc

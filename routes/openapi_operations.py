"""How one operation of the OpenAPI document is described: its parameters, its body and its error responses."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from graphs.chat.conversation import SESSION_PATTERN
from pipelines.schema import NAME_PATTERN
from routes.auth import CHAT_SESSION_HEADER
from routes.orchestrator_models import RUN_ID_PATTERN

__all__ = [
    "CHAT_PARAMETER",
    "NAME_PARAMETER",
    "NEW_NAME_PARAMETER",
    "RUN_PARAMETER",
    "json_content",
    "operation",
    "path_parameter",
    "query_parameters",
]

_ERRORS = {
    "400": "the request is malformed, or the pipeline text or run arguments are invalid",
    "401": "a valid 'Authorization: Bearer <token>' is required (only when API tokens are configured)",
    "404": "no such pipeline, version or run (runs of other callers are not found either)",
    "409": "the run is not waiting for an answer, or is busy with another one",
    "413": "the request body is larger than MAX_CONTENT_LENGTH",
    "415": "the request body is not application/json",
}


def query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """Query parameters from a pydantic model: required as the model says, and never null on the wire."""
    schema_of = model.model_json_schema()
    properties, required = schema_of["properties"], set(schema_of.get("required", []))
    params = []
    for name, prop in properties.items():
        schema = {k: v for k, v in prop.items() if k not in ("title", "description")}
        variants = [v for v in schema.pop("anyOf", []) if v.get("type") != "null"]
        if variants:
            schema.update(variants[0])
        if schema.get("default") is None:
            schema.pop("default", None)
        params.append(
            {
                "name": name,
                "in": "query",
                "required": name in required,
                "schema": schema,
                "description": prop.get("description", ""),
            }
        )
    return params


def path_parameter(name: str, pattern: str, description: str, example: str | None = None) -> dict[str, Any]:
    """A required path parameter whose value must match `pattern`."""
    param = {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string", "pattern": pattern},
    }
    return {**param, "example": example} if example else param


NAME_PARAMETER = path_parameter("name", NAME_PATTERN, "a pipeline name", "ejemplo_simple")
NEW_NAME_PARAMETER = path_parameter(
    "name", NAME_PATTERN, "a pipeline name, new or existing; the YAML's `name` must match", "hola"
)
RUN_PARAMETER = path_parameter("run_id", RUN_ID_PATTERN, "a run id returned by run_chain")
# Any value is accepted (one not matching the pattern is ignored, not refused), so the schema declares no pattern.
CHAT_PARAMETER = {
    "name": CHAT_SESSION_HEADER,
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "a chat session id (" + SESSION_PATTERN.pattern + "): also lets you read its chat's runs",
}


def json_content(schema: dict[str, Any]) -> dict[str, Any]:
    """A response or request body of JSON matching `schema`."""
    return {"content": {"application/json": {"schema": schema}}}


def operation(
    refs: dict[str, dict[str, Any]],
    summary: str,
    ok: dict[str, Any],
    errors: str,
    *,
    body: str | None = None,
    params: list[dict[str, Any]] | None = None,
    op_id: str,
) -> dict[str, Any]:
    """An operation answering `ok` on success and the error body for each status in `errors` (space-separated)."""
    responses: dict[str, Any] = {"200": {"description": "success", **ok}}
    for status in errors.split():
        responses[status] = {"description": _ERRORS[status], **json_content(refs["ErrorBody"])}
    described: dict[str, Any] = {"operationId": op_id, "summary": summary, "responses": responses}
    if params:
        described["parameters"] = params
    if body:
        described["requestBody"] = {"required": True, **json_content(refs[body])}
    return described

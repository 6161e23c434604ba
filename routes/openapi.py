"""The OpenAPI 3.1 document of /orchestrator, generated from the pydantic models the routes validate with."""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from graphs.chat.conversation import SESSION_PATTERN
from pipelines.schema import NAME_PATTERN
from routes.auth import CHAT_SESSION_HEADER
from routes.openapi_tests import REQUEST_MODELS, RESPONSE_MODELS, dialog_test_paths
from routes.orchestrator_models import (
    PICTURE_MEDIA_TYPES,
    RUN_ID_PATTERN,
    ErrorBody,
    GraphQuery,
    PipelineDetail,
    PipelineQuery,
    PipelineSummary,
    ResumeRequest,
    RunChainRequest,
    RunResultModel,
    RunStatusModel,
    SavedPipeline,
    ValidateResponse,
    VersionList,
    YamlRequest,
)

_REQUESTS: list[type[BaseModel]] = [RunChainRequest, ResumeRequest, YamlRequest, *REQUEST_MODELS]
_RESPONSES: list[type[BaseModel]] = [
    RunResultModel,
    RunStatusModel,
    PipelineSummary,
    PipelineDetail,
    SavedPipeline,
    VersionList,
    ValidateResponse,
    ErrorBody,
    *RESPONSE_MODELS,
]
_ERRORS = {
    "400": "the request is malformed, or the pipeline text or run arguments are invalid",
    "401": "a valid 'Authorization: Bearer <token>' is required (only when API tokens are configured)",
    "404": "no such pipeline, version or run (runs of other callers are not found either)",
    "409": "the run is not waiting for an answer, or is busy with another one",
    "413": "the request body is larger than MAX_CONTENT_LENGTH",
    "415": "the request body is not application/json",
}
Mode = Literal["validation", "serialization"]

_ERROR_FIELDS = {
    "code": "what went wrong, precise and stable (bad_input, not_found, conflict, tool_error, loop_limit, …)",
    "message": "a sentence for the person using the app, saying what is wrong and what to do: Spanish, English "
    "with 'Accept-Language: en'; for pipeline_invalid, the technical message for the pipeline's author",
    "details": "an object whose 'detail' holds the English technical text, beside the error's own fields "
    "(e.g. 'status', 'valid', 'available'); for pipeline_invalid, the list of {line, column, path, message}",
}


def _describe_errors(schemas: dict[str, Any]) -> None:
    """Say in the document what each field of the error body holds."""
    for name, text in _ERROR_FIELDS.items():
        schemas["ErrorInfo"]["properties"][name]["description"] = text


def _components() -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """`$ref`s of every model by name and the component schemas they point to."""
    pairs: list[tuple[type[BaseModel], Mode]] = [(m, "validation") for m in _REQUESTS]
    pairs += [(m, "serialization") for m in _RESPONSES]
    refs, schemas = models_json_schema(pairs, ref_template="#/components/schemas/{model}")
    return {model.__name__: ref for (model, _mode), ref in refs.items()}, schemas.get("$defs", {})


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """Query parameters from a pydantic model: optional, and never null on the wire."""
    properties = model.model_json_schema()["properties"]
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
                "required": False,
                "schema": schema,
                "description": prop.get("description", ""),
            }
        )
    return params


def _path(name: str, pattern: str, description: str, example: str | None = None) -> dict[str, Any]:
    param = {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string", "pattern": pattern},
    }
    return {**param, "example": example} if example else param


_NAME = _path("name", NAME_PATTERN, "a pipeline name", "ejemplo_simple")
_NEW_NAME = _path("name", NAME_PATTERN, "a pipeline name, new or existing; the YAML's `name` must match", "hola")
_RUN = _path("run_id", RUN_ID_PATTERN, "a run id returned by run_chain")
# Any value is accepted (one not matching the pattern is ignored, not refused), so the schema declares no pattern.
_CHAT = {
    "name": CHAT_SESSION_HEADER,
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "a chat session id (" + SESSION_PATTERN.pattern + "): also lets you read its chat's runs",
}


def _json(ref: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": ref}}}


def _operation(
    refs: dict[str, dict[str, Any]],
    summary: str,
    ok: dict[str, Any],
    errors: str,
    *,
    body: str | None = None,
    params: list[dict[str, Any]] | None = None,
    op_id: str,
) -> dict[str, Any]:
    responses: dict[str, Any] = {"200": {"description": "success", **ok}}
    for status in errors.split():
        responses[status] = {"description": _ERRORS[status], **_json(refs["ErrorBody"])}
    operation: dict[str, Any] = {"operationId": op_id, "summary": summary, "responses": responses}
    if params:
        operation["parameters"] = params
    if body:
        operation["requestBody"] = {"required": True, **_json(refs[body])}
    return operation


@cache
def _document(bearer: bool) -> dict[str, Any]:
    refs, schemas = _components()
    _describe_errors(schemas)
    auth = " 401" if bearer else ""
    run, status = _json(refs["RunResultModel"]), _json(refs["RunStatusModel"])
    pictures = {
        "content": {
            media: {"schema": {"type": "string", "format": "binary"} if fmt == "png" else {"type": "string"}}
            for fmt, media in PICTURE_MEDIA_TYPES.items()
        },
        "headers": {"ETag": {"schema": {"type": "string"}}},
    }
    any_object = {"content": {"application/json": {"schema": {"type": "object"}}}}
    paths: dict[str, Any] = {
        "/orchestrator/run_chain": {
            "post": _operation(
                refs, "Start a pipeline run", run, "400 404 413 415" + auth, body="RunChainRequest", op_id="run_chain"
            )
        },
        "/orchestrator/resume/{run_id}": {
            "post": _operation(
                refs,
                "Answer a waiting run",
                run,
                "400 404 409 413 415" + auth,
                body="ResumeRequest",
                params=[_RUN],
                op_id="resume",
            )
        },
        "/orchestrator/cancel/{run_id}": {
            "post": _operation(refs, "Cancel a waiting run", run, "404 409" + auth, params=[_RUN], op_id="cancel")
        },
        "/orchestrator/run_status/{run_id}": {
            "get": _operation(
                refs,
                "A run's status, current step, steps done and pipeline version",
                status,
                "404" + auth,
                params=[_RUN, _CHAT],
                op_id="run_status",
            )
        },
        "/orchestrator/pipelines": {
            "get": _operation(
                refs,
                "Every pipeline",
                _json({"type": "array", "items": refs["PipelineSummary"]}),
                auth,
                op_id="list_pipelines",
            )
        },
        "/orchestrator/pipelines/{name}": {
            "get": _operation(
                refs,
                "One pipeline with its YAML (current version or ?version=)",
                _json(refs["PipelineDetail"]),
                "400 404" + auth,
                params=[_NAME, *_query_parameters(PipelineQuery)],
                op_id="get_pipeline",
            ),
            "put": _operation(
                refs,
                "Save a new version of a pipeline",
                _json(refs["SavedPipeline"]),
                "400 413 415" + auth,
                body="YamlRequest",
                params=[_NEW_NAME],
                op_id="save_pipeline",
            ),
        },
        "/orchestrator/pipelines/{name}/versions": {
            "get": _operation(
                refs,
                "The kept versions of a pipeline",
                _json(refs["VersionList"]),
                "404" + auth,
                params=[_NAME],
                op_id="pipeline_versions",
            )
        },
        "/orchestrator/pipelines/{name}/graph": {
            "get": _operation(
                refs,
                "The pipeline's picture, a run's current step and path highlighted",
                pictures,
                "400 404" + auth,
                params=[_NAME, *_query_parameters(GraphQuery), _CHAT],
                op_id="pipeline_graph",
            )
        },
        "/orchestrator/schema": {
            "get": _operation(refs, "JSON Schema of PipelineConfig", any_object, auth, op_id="pipeline_schema")
        },
        "/orchestrator/validate": {
            "post": _operation(
                refs,
                "Check a pipeline text without saving it",
                _json(refs["ValidateResponse"]),
                "400 413 415" + auth,
                body="YamlRequest",
                op_id="validate",
            )
        },
        "/orchestrator/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document",
                "security": [],
                "responses": {"200": {"description": "success", **any_object}},
            }
        },
    }
    paths.update(dialog_test_paths(_operation, refs, _NAME, auth))
    paths["/orchestrator/pipelines/{name}/graph"]["get"]["responses"]["304"] = {
        "description": "the picture has not changed since the ETag sent in If-None-Match"
    }
    _add_links(paths)
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "T7AIChatModular orchestrator API",
            "version": "1.0.0",
            "description": "Start, answer and follow pipeline runs; list, draw, validate and save pipelines.",
        },
        "paths": paths,
        "components": {"schemas": schemas},
    }
    if bearer:
        document["components"]["securitySchemes"] = {"bearerAuth": {"type": "http", "scheme": "bearer"}}
        document["security"] = [{"bearerAuth": []}]
    return document


def _add_links(paths: dict[str, Any]) -> None:
    """OpenAPI links from a started run to the operations on it (stateful clients and fuzzers follow them)."""
    run_id = {"run_id": "$response.body#/run_id"}
    links = {f"{op}_run": {"operationId": op, "parameters": run_id} for op in ("run_status", "resume", "cancel")}
    links["graph_of_run"] = {
        "operationId": "pipeline_graph",
        "parameters": {"path.name": "$response.body#/pipeline", "query.run_id": "$response.body#/run_id"},
    }
    for path, method in (("/orchestrator/run_chain", "post"), ("/orchestrator/resume/{run_id}", "post")):
        paths[path][method]["responses"]["200"]["links"] = links


def openapi_document(*, bearer: bool) -> dict[str, Any]:
    """The OpenAPI document; `bearer` declares the bearer-token security used when API tokens are configured."""
    return _document(bearer)

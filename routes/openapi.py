"""The OpenAPI 3.1 document of /orchestrator, generated from the pydantic models the routes validate with."""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from routes.insight_models import RESPONSE_MODELS as INSIGHT_MODELS
from routes.insight_models import InsightsQuery
from routes.openapi_operations import (
    CHAT_PARAMETER,
    NAME_PARAMETER,
    NEW_NAME_PARAMETER,
    RUN_PARAMETER,
    json_content,
    operation,
    query_parameters,
)
from routes.openapi_tests import REQUEST_MODELS, RESPONSE_MODELS, dialog_test_paths
from routes.orchestrator_models import (
    PICTURE_MEDIA_TYPES,
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
from routes.transcript_models import ForkRequest, TranscriptModel

_REQUESTS: list[type[BaseModel]] = [RunChainRequest, ResumeRequest, YamlRequest, ForkRequest, *REQUEST_MODELS]
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
    *INSIGHT_MODELS,
    TranscriptModel,
]
Mode = Literal["validation", "serialization"]

_ERROR_FIELDS = {
    "code": "what went wrong, precise and stable (bad_input, not_found, conflict, tool_error, loop_limit, …)",
    "message": "a sentence for the person using the app, saying what is wrong and what to do: Spanish, English "
    "with 'Accept-Language: en'; for pipeline_invalid, the technical message for the pipeline's author",
    "details": "an object whose 'detail' holds the English technical text, beside the error's own fields "
    "(e.g. 'status', 'valid', 'available'); for pipeline_invalid, the list of {line, column, path, message}",
}
_ANY_OBJECT = {"content": {"application/json": {"schema": {"type": "object"}}}}


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


def _run_paths(refs: dict[str, dict[str, Any]], auth: str) -> dict[str, Any]:
    """The operations on runs: start one, answer it, cancel it, read its status."""
    run, status = json_content(refs["RunResultModel"]), json_content(refs["RunStatusModel"])
    return {
        "/orchestrator/run_chain": {
            "post": operation(
                refs, "Start a pipeline run", run, "400 404 413 415" + auth, body="RunChainRequest", op_id="run_chain"
            )
        },
        "/orchestrator/resume/{run_id}": {
            "post": operation(
                refs,
                "Answer a waiting run",
                run,
                "400 404 409 413 415" + auth,
                body="ResumeRequest",
                params=[RUN_PARAMETER],
                op_id="resume",
            )
        },
        "/orchestrator/cancel/{run_id}": {
            "post": operation(
                refs, "Cancel a waiting run", run, "404 409" + auth, params=[RUN_PARAMETER], op_id="cancel"
            )
        },
        "/orchestrator/run_status/{run_id}": {
            "get": operation(
                refs,
                "A run's status, current step, steps done and pipeline version",
                status,
                "404" + auth,
                params=[RUN_PARAMETER, CHAT_PARAMETER],
                op_id="run_status",
            )
        },
    }


def _pipeline_paths(refs: dict[str, dict[str, Any]], auth: str) -> dict[str, Any]:
    """The operations on saved pipelines: list them, read one, save a version, list its versions."""
    return {
        "/orchestrator/pipelines": {
            "get": operation(
                refs,
                "Every pipeline",
                json_content({"type": "array", "items": refs["PipelineSummary"]}),
                auth,
                op_id="list_pipelines",
            )
        },
        "/orchestrator/pipelines/{name}": {
            "get": operation(
                refs,
                "One pipeline with its YAML (current version or ?version=)",
                json_content(refs["PipelineDetail"]),
                "400 404" + auth,
                params=[NAME_PARAMETER, *query_parameters(PipelineQuery)],
                op_id="get_pipeline",
            ),
            "put": operation(
                refs,
                "Save a new version of a pipeline",
                json_content(refs["SavedPipeline"]),
                "400 413 415" + auth,
                body="YamlRequest",
                params=[NEW_NAME_PARAMETER],
                op_id="save_pipeline",
            ),
        },
        "/orchestrator/pipelines/{name}/versions": {
            "get": operation(
                refs,
                "The kept versions of a pipeline",
                json_content(refs["VersionList"]),
                "404" + auth,
                params=[NAME_PARAMETER],
                op_id="pipeline_versions",
            )
        },
    }


def _graph_path(refs: dict[str, dict[str, Any]], auth: str) -> dict[str, Any]:
    """The pipeline's picture, in each format it is drawn in, cached by ETag."""
    pictures = {
        "content": {
            media: {"schema": {"type": "string", "format": "binary"} if fmt == "png" else {"type": "string"}}
            for fmt, media in PICTURE_MEDIA_TYPES.items()
        },
        "headers": {"ETag": {"schema": {"type": "string"}}},
    }
    graph = operation(
        refs,
        "The pipeline's picture, a run's current step and path highlighted",
        pictures,
        "400 404" + auth,
        params=[NAME_PARAMETER, *query_parameters(GraphQuery), CHAT_PARAMETER],
        op_id="pipeline_graph",
    )
    graph["responses"]["304"] = {"description": "the picture has not changed since the ETag sent in If-None-Match"}
    return {"/orchestrator/pipelines/{name}/graph": {"get": graph}}


def _language_paths(refs: dict[str, dict[str, Any]], auth: str) -> dict[str, Any]:
    """The operations on the pipeline language itself: its JSON Schema, a check of a text, this document."""
    return {
        "/orchestrator/schema": {
            "get": operation(refs, "JSON Schema of PipelineConfig", _ANY_OBJECT, auth, op_id="pipeline_schema")
        },
        "/orchestrator/validate": {
            "post": operation(
                refs,
                "Check a pipeline text without saving it",
                json_content(refs["ValidateResponse"]),
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
                "responses": {"200": {"description": "success", **_ANY_OBJECT}},
            }
        },
    }


def _insight_paths(refs: dict[str, dict[str, Any]], auth: str) -> dict[str, Any]:
    """The figures of /insights, a run's transcript, and undo."""
    return {
        "/orchestrator/insights": {
            "get": operation(
                refs,
                "How one pipeline's runs went over a period: outcomes, funnel per question, repairs, unsure readings",
                json_content(refs["InsightsReport"]),
                "400 404" + auth,
                params=query_parameters(InsightsQuery),
                op_id="pipeline_insights",
            )
        },
        "/orchestrator/runs/{run_id}/undo": {
            "post": operation(
                refs,
                "Take a waiting run back to before its last answer or correction and ask that question again",
                json_content(refs["RunResultModel"]),
                "404 409" + auth,
                params=[RUN_PARAMETER],
                op_id="undo",
            )
        },
        "/orchestrator/runs/{run_id}/fork": {
            "post": operation(
                refs,
                "A new run of the same owner from one of the run's questions (the waiting run is cancelled)",
                json_content(refs["RunResultModel"]),
                "400 404 413 415" + auth,
                body="ForkRequest",
                params=[RUN_PARAMETER, CHAT_PARAMETER],
                op_id="fork",
            )
        },
        "/orchestrator/runs/{run_id}/transcript": {
            "get": operation(
                refs,
                "A run as a conversation: messages and their readings, the steps and slot values of each turn",
                json_content(refs["TranscriptModel"]),
                "404" + auth,
                params=[RUN_PARAMETER, CHAT_PARAMETER],
                op_id="run_transcript",
            )
        },
    }


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


@cache
def _document(bearer: bool) -> dict[str, Any]:
    """The document with every path, the component schemas and, with `bearer`, the bearer-token security."""
    refs, schemas = _components()
    _describe_errors(schemas)
    auth = " 401" if bearer else ""
    paths: dict[str, Any] = {
        **_run_paths(refs, auth),
        **_pipeline_paths(refs, auth),
        **_graph_path(refs, auth),
        **_language_paths(refs, auth),
    }
    paths.update(dialog_test_paths(refs, auth))
    paths.update(_insight_paths(refs, auth))
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


def openapi_document(*, bearer: bool) -> dict[str, Any]:
    """The OpenAPI document; `bearer` declares the bearer-token security used when API tokens are configured."""
    return _document(bearer)

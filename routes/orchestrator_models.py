"""Pydantic models of the orchestrator API's requests and responses; they also generate its OpenAPI document."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal, TypeVar

from flask import request
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr

from errors import AppError, InputError
from graphs.store.inbox import MESSAGE_ID_PATTERN
from pipelines.schema import NAME_PATTERN, InputConfig

RUN_ID_PATTERN = r"^[A-Za-z0-9_-]{16,64}$"
VERSION_PATTERN = r"^[0-9a-f]{16}$"
MAX_JSON_DEPTH = 32
MAX_ANSWER_CHARS = 2000
MAX_SAFE_INT = 2**53

Model = TypeVar("Model", bound=BaseModel)
PICTURE_MEDIA_TYPES = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "mermaid": "text/plain; charset=utf-8",
    "ascii": "text/plain; charset=utf-8",
}


NO_NUL = r"^[^\x00]*$"
# A top-level string becomes a state value stored inline in the checkpoint, where PostgreSQL refuses NUL.
Text = Annotated[StrictStr, Field(pattern=NO_NUL)]
# Strict types: a numeric string stays a string (lax mode would turn "0000" into 0 and dodge max_length).
ArgValue = Text | StrictInt | StrictFloat | StrictBool | list[Any] | dict[str, Any] | None


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RunChainRequest(_Request):
    """Body of POST /orchestrator/run_chain."""

    pipeline: str = Field(
        pattern=NAME_PATTERN,
        description="a pipeline name from GET /orchestrator/pipelines",
        examples=["ejemplo_simple"],
    )
    args: dict[str, ArgValue] = Field(
        default_factory=dict, max_length=64, description="the pipeline's declared inputs", examples=[{"nombre": "Ana"}]
    )


Answer = (
    Annotated[StrictStr, Field(max_length=MAX_ANSWER_CHARS, pattern=NO_NUL)]
    | StrictInt
    | StrictFloat
    | StrictBool
    | list[Any]
    | dict[str, Any]
)


class ResumeRequest(_Request):
    """Body of POST /orchestrator/resume/<run_id>."""

    answer: Answer = Field(
        description="the answer to the run's question: an option's number or text, or a value", examples=["sí"]
    )
    message_id: str | None = Field(
        default=None,
        pattern=MESSAGE_ID_PATTERN,
        description="the client's id for this answer (or the Idempotency-Key header): sent again with the same id, "
        "it gets the stored result and is not run again",
    )


class YamlRequest(_Request):
    """Body of POST /orchestrator/validate and PUT /orchestrator/pipelines/<name>."""

    yaml: str = Field(
        description="the pipeline's YAML text",
        examples=["name: hola\nsteps:\n  - id: fin\n    kind: reply\n    message: hola\n"],
    )


class GraphQuery(BaseModel):
    """Query of GET /orchestrator/pipelines/<name>/graph."""

    model_config = ConfigDict(extra="ignore")

    format: Literal["svg", "png", "mermaid", "ascii"] = Field(default="svg", description="picture format")
    run_id: str | None = Field(
        default=None,
        pattern=RUN_ID_PATTERN,
        description="a run of the caller: highlight its current step and the path taken",
    )
    expand: bool = Field(
        default=False,
        description="draw every step of composite steps (collect, foreach, confirm) and sub-pipelines, "
        "clustered; by default each is one box",
    )


class PipelineQuery(BaseModel):
    """Query of GET /orchestrator/pipelines/<name>."""

    model_config = ConfigDict(extra="ignore")

    version: str | None = Field(
        default=None, pattern=VERSION_PATTERN, description="an earlier version (content hash) of the pipeline"
    )


class RunError(BaseModel):
    """Why a run failed."""

    code: str
    message: str


class RunResultModel(BaseModel):
    """A run result (shared/CONTRACT.md, Run results), plus `message`: what the run said to the user."""

    run_id: str
    pipeline: str
    status: Literal["completed", "waiting", "cancelled", "failed"]
    output: dict[str, Any] | None
    question: str | None
    options: list[str]
    data: Any
    error: RunError | None
    message: str | None


class RunStatusModel(RunResultModel):
    """A run result plus where the run is and which pipeline version it runs on."""

    current_step: str | None
    steps_done: list[str]
    pipeline_version: str
    state: dict[str, Any] = Field(default_factory=dict, description="the run's slot values")


class PipelineSummary(BaseModel):
    """One pipeline as listed: its version is the hash of its YAML text as saved."""

    name: str
    description: str
    inputs: dict[str, InputConfig]
    version: str
    valid: bool = Field(description="false when the saved file has errors (see `errors` in its detail)")


class ValidationItem(BaseModel):
    """One problem of a pipeline text, at its line."""

    line: int
    column: int
    path: str
    message: str


class PipelineDetail(PipelineSummary):
    """One pipeline with its YAML text and the problems of that text."""

    yaml: str
    errors: list[ValidationItem]


class SavedPipeline(PipelineDetail):
    """A pipeline just saved, and the version it replaced."""

    previous_version: str | None


class VersionList(BaseModel):
    """The kept versions of one pipeline, oldest first, and its current one."""

    name: str
    current: str
    versions: list[str]


class ValidateResponse(BaseModel):
    """Result of POST /orchestrator/validate."""

    valid: bool
    errors: list[ValidationItem]


class ErrorInfo(BaseModel):
    """The body of every error response."""

    code: str
    message: str
    details: Any


class ErrorBody(BaseModel):
    """`{"error": {"code", "message", "details"}}`."""

    error: ErrorInfo


class MediaTypeError(AppError):
    """A request body that is not `application/json`."""

    code = "unsupported_media_type"
    http_status = 415


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _read_int(digits: str) -> int | float:
    """JSON integers beyond ±2^53 are read as floats: msgpack cannot checkpoint integers past 64 bits."""
    value = int(digits)
    if abs(value) <= MAX_SAFE_INT:
        return value
    return float(value)  # OverflowError past 1e308: reported as invalid JSON


def check_json(value: Any, limit: int = MAX_JSON_DEPTH) -> None:
    """Refuse JSON nested deeper than `limit` or holding text that is not valid Unicode (unpaired surrogates)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            raise InputError(f"the request body is nested more than {limit} levels deep")
        if isinstance(item, dict):
            stack.extend((key, depth) for key in item)
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise InputError("text must be valid Unicode (no unpaired surrogates)") from None


def parse_body(model: type[Model]) -> Model:
    """The request's JSON object validated by `model`; anything malformed, odd or too deep is a 4xx."""
    if not request.is_json:
        raise MediaTypeError("send the body as JSON with 'Content-Type: application/json'")
    raw = request.get_data(cache=True)  # MAX_CONTENT_LENGTH applies here: beyond it, a 413
    try:
        body = json.loads(raw, parse_constant=_refuse_constant, parse_int=_read_int) if raw else None
    except (ValueError, RecursionError, OverflowError):
        raise InputError("the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise InputError("the request body must be a JSON object")
    check_json(body)
    return model.model_validate(body)


def parse_query(model: type[Model]) -> Model:
    """The query string validated by `model` (the first value of each parameter)."""
    return model.model_validate(request.args.to_dict())

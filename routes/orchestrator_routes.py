"""Blueprint orch_bp at /orchestrator: start, answer and follow runs; list, draw, validate and save pipelines."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from flask.blueprints import BlueprintSetupState

from errors import InputError, NotFoundError, PipelineError
from graphs.run.engine import Engine
from graphs.run.versions import PipelineVersions, text_version
from pipelines.loader import collect_errors
from pipelines.schema import NAME_PATTERN, PipelineConfig
from routes.auth import caller, reader, require_token
from routes.errors import user_language
from routes.openapi import openapi_document
from routes.orchestrator_models import (
    PICTURE_MEDIA_TYPES,
    RUN_ID_PATTERN,
    GraphQuery,
    PipelineQuery,
    ResumeRequest,
    RunChainRequest,
    YamlRequest,
    parse_body,
    parse_query,
)

orch_bp = Blueprint("orchestrator", __name__, url_prefix="/orchestrator")
_NAME = re.compile(NAME_PATTERN)
_RUN_ID = re.compile(RUN_ID_PATTERN)
_PUBLIC = {"orchestrator.openapi"}


@orch_bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    state.app.extensions["orchestrator.versions"] = PipelineVersions(state.app.extensions["t7"].engine)


@orch_bp.before_request
def _authenticate() -> None:
    if request.endpoint not in _PUBLIC:
        require_token()


@orch_bp.after_request
def _challenge(response: Response) -> Response:
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="orchestrator"'
    return response


def _engine() -> Engine:
    return current_app.extensions["t7"].engine


def _versions() -> PipelineVersions:
    return current_app.extensions["orchestrator.versions"]


def _known(raw: str) -> str:
    """The registry's own spelling of pipeline `raw`; anything not listed is a 404 and never becomes a path."""
    names = _engine().names()
    if not isinstance(raw, str) or not _NAME.fullmatch(raw) or raw not in names:
        raise NotFoundError(f"no pipeline named {raw[:64]!r}", details={"available": names})
    return names[names.index(raw)]


def _run_id(raw: str) -> str:
    if not _RUN_ID.fullmatch(raw):
        raise NotFoundError(f"no run {raw[:64]!r}")
    return raw


def _describe(name: str, text: str, version: str | None = None) -> dict[str, Any]:
    """Summary, YAML and problems of one pipeline text (a broken file is described, not refused)."""
    engine = _engine()
    config, problems = collect_errors(
        text,
        file=f"{name}.yaml",
        tool_kinds=engine.registry.param_models(),
        known_pipelines=engine.names(),
        max_bytes=engine.settings.MAX_PIPELINE_BYTES,
    )
    summary = _summary(config) if config is not None else _broken_summary(name, text)
    summary.update(
        version=version or text_version(text), valid=not problems, yaml=text, errors=[p.as_item() for p in problems]
    )
    return summary


def _summary(config: PipelineConfig) -> dict[str, Any]:
    return {**config.summary(), "valid": True}


def _broken_summary(name: str, text: str) -> dict[str, Any]:
    return {"name": name, "description": "", "inputs": {}, "version": text_version(text), "valid": False}


@orch_bp.post("/run_chain")
def run_chain() -> Any:
    """Start a pipeline run."""
    body = parse_body(RunChainRequest)
    result = _engine().runner(_known(body.pipeline)).start(body.args, owner=caller())
    return jsonify(result.to_dict())


@orch_bp.post("/resume/<run_id>")
def resume(run_id: str) -> Any:
    """Answer a waiting run the caller started."""
    run_id = _run_id(run_id)
    body = parse_body(ResumeRequest)
    message_id = body.message_id or request.headers.get("Idempotency-Key")
    if message_id is not None and body.message_id is None:
        message_id = ResumeRequest.model_validate({"answer": body.answer, "message_id": message_id}).message_id
    return jsonify(_engine().resume(run_id, body.answer, owner=caller(), message_id=message_id).to_dict())


@orch_bp.post("/cancel/<run_id>")
def cancel(run_id: str) -> Any:
    """Cancel a waiting run the caller started (nothing more runs, nothing is written)."""
    return jsonify(_engine().cancel(_run_id(run_id), owner=caller()).to_dict())


@orch_bp.post("/runs/<run_id>/undo")
def undo(run_id: str) -> Any:
    """Take a waiting run the caller started back to before its last answer or correction; its question again."""
    return jsonify(_engine().undo(_run_id(run_id), owner=caller(), lang=user_language()).to_dict())


@orch_bp.get("/run_status/<run_id>")
def run_status(run_id: str) -> Any:
    """The status of a run the caller started (or of the chat session named in X-Chat-Session)."""
    run_id = _run_id(run_id)
    return jsonify(_engine().status(run_id, owner=reader(run_id)).status_dict())


@orch_bp.get("/pipelines")
def pipelines() -> Any:
    """Every pipeline with its description, inputs and current version."""
    engine, listed = _engine(), []
    for name in engine.names():
        try:
            listed.append(_summary(engine.config(name)))
        except PipelineError:
            listed.append(_broken_summary(name, _raw_text(name)))
    return jsonify(listed)


def _raw_text(name: str) -> str:
    path = _engine().pipelines_dir / f"{name}.yaml"  # `name` comes from the folder listing
    return path.read_bytes()[: _engine().settings.MAX_PIPELINE_BYTES].decode("utf-8", errors="replace")


@orch_bp.get("/pipelines/<name>")
def pipeline(name: str) -> Any:
    """One pipeline with its YAML text, at its current version or at `?version=`."""
    name = _known(name)
    query = parse_query(PipelineQuery)
    if query.version:
        return jsonify(_describe(name, _versions().text(name, query.version), query.version))
    try:
        text = _engine().read_pipeline_text(name)
    except PipelineError:
        text = _raw_text(name)
    return jsonify(_describe(name, text))


@orch_bp.get("/pipelines/<name>/versions")
def pipeline_versions(name: str) -> Any:
    """The kept versions of a pipeline, oldest first, and which one is current."""
    name = _known(name)
    current = text_version(_raw_text(name))
    kept = _versions().versions(name)
    return jsonify({"name": name, "current": current, "versions": kept})


@orch_bp.put("/pipelines/<name>")
def save_pipeline(name: str) -> Any:
    """Save a new version of a pipeline (or a new pipeline); invalid YAML is a 400 listing every problem."""
    require_token()
    if not _NAME.fullmatch(name):
        raise InputError(f"{name[:64]!r} is not a valid pipeline name", details={"pattern": NAME_PATTERN})
    body = parse_body(YamlRequest)
    saved = _versions().save(name, body.yaml)
    return jsonify(
        {**_summary(saved.config), "yaml": body.yaml, "errors": [], "previous_version": saved.previous_version}
    )


@orch_bp.get("/pipelines/<name>/graph")
def pipeline_graph(name: str) -> Any:
    """The pipeline's picture; with `run_id`, that run's current step and path taken highlighted."""
    name = _known(name)
    query = parse_query(GraphQuery)
    engine, current, path = _engine(), None, None
    if query.run_id:
        owner = reader(query.run_id)
        runner = engine.runner_for_run(query.run_id, owner=owner)
        if runner.name != name:
            raise NotFoundError(f"no run {query.run_id!r} of pipeline '{name}'")
        status = runner.status(query.run_id, owner=owner)
        current, path = status.current_step, status.steps_done
    else:
        runner = engine.runner(name)
    # graphs.draw.drawing caches pictures by the content hashes they depend on, format and highlight.
    picture = runner.draw(query.format, current=current, path=path, expand=query.expand)
    response = Response(picture, content_type=PICTURE_MEDIA_TYPES[query.format])
    response.set_etag(hashlib.sha256(picture if isinstance(picture, bytes) else picture.encode()).hexdigest()[:32])
    response.headers["Cache-Control"] = "private, no-cache"
    return response.make_conditional(request)


@orch_bp.get("/schema")
def schema() -> Any:
    """The JSON Schema of PipelineConfig (what the editor's form view is generated from)."""
    return jsonify(PipelineConfig.model_json_schema())


@orch_bp.post("/validate")
def validate() -> Any:
    """Check a pipeline text without saving it: every problem with its line, column and YAML path."""
    body = parse_body(YamlRequest)
    engine = _engine()
    _config, problems = collect_errors(
        body.yaml,
        tool_kinds=engine.registry.param_models(),
        known_pipelines=engine.names(),
        max_bytes=engine.settings.MAX_PIPELINE_BYTES,
    )
    return jsonify({"valid": not problems, "errors": [p.as_item() for p in problems]})


@orch_bp.get("/openapi.json")
def openapi() -> Any:
    """The OpenAPI 3 document of this API, generated from its pydantic models."""
    return jsonify(openapi_document(bearer=bool(current_app.extensions["t7"].settings.API_TOKENS)))

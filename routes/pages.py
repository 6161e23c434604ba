"""Blueprint pages_bp: the chat page, the pipeline editor, the graph viewer, the insights and run pages and the
chat's Excel upload."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, url_for
from pydantic import BaseModel, ConfigDict

from errors import InputError, PipelineErrors
from graphs.chat.conversation import SESSION_PATTERN, new_session_id
from graphs.compile.compiler import compile_pipeline
from graphs.draw.drawing import draw
from pipelines.loader import collect_errors
from pipelines.schema import PipelineConfig
from routes.auth import require_token
from routes.chat_routes import json_body
from routes.orchestrator_models import PICTURE_MEDIA_TYPES, RUN_ID_PATTERN
from tools.orders.spreadsheet import MAX_BYTES, read_order_sheet

pages_bp = Blueprint("pages", __name__)

NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
RUN_ID = re.compile(RUN_ID_PATTERN)
# Scripts only from our own static folder; inline SVG from the graph API may carry style attributes.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


@pages_bp.after_request
def _security_headers(response: Response) -> Response:
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def _names() -> list[str]:
    return list(current_app.extensions["t7"].engine.names())


@pages_bp.get("/")
def chat_page() -> str:
    """The chat page."""
    return render_template("chat.html", page="chat")


@pages_bp.get("/editor")
def editor_page() -> str:
    """The pipeline editor; `?name=` preselects a pipeline."""
    name = request.args.get("name", "")
    selected = name if NAME.fullmatch(name) and name in _names() else ""
    return render_template("editor.html", page="editor", selected=selected, preview_url=url_for("pages.editor_preview"))


@pages_bp.get("/graph/<name>")
def graph_page(name: str) -> str:
    """The graph viewer of pipeline `name`; `?run_id=` follows a run."""
    names = _names()
    if not NAME.fullmatch(name) or name not in names:
        abort(404)
    run_id = request.args.get("run_id", "")
    return render_template(
        "graph.html", page="graph", name=name, names=names, run_id=run_id if RUN_ID.fullmatch(run_id) else ""
    )


@pages_bp.get("/insights")
def insights_page() -> str:
    """Where conversations succeed and fail, per pipeline and period; `?pipeline=` preselects one."""
    names = sorted(_names())
    name = request.args.get("pipeline", "")
    selected = name if NAME.fullmatch(name) and name in names else (names[0] if names else "")
    return render_template("insights.html", page="insights", names=names, selected=selected)


@pages_bp.get("/runs/<run_id>")
def run_page(run_id: str) -> str:
    """One run as a conversation, beside its graph with the path lit; `?chat=1` when opened from the chat."""
    if not RUN_ID.fullmatch(run_id):
        abort(404)
    return render_template("run.html", page="run", run_id=run_id)


@pages_bp.post("/chat/upload")
def chat_upload() -> Any:
    """Start alta_pedido from an uploaded .xlsx (multipart field `file`, optional `session_id`); chat JSON back."""
    upload = request.files.get("file")
    if upload is None:
        raise InputError("Falta el fichero: envíalo en el campo «file».")
    session_id = request.form.get("session_id") or new_session_id()
    if not SESSION_PATTERN.fullmatch(session_id):
        raise InputError("session_id no es válido.")
    order = read_order_sheet(upload.stream.read(MAX_BYTES + 1))
    # through the session's inbox like a typed message: stored first, and after any message still being answered
    reply = current_app.extensions["t7"].delivery.deliver(session_id, order.run_command())
    return jsonify(reply.to_dict())


class PreviewRequest(BaseModel):
    """Body of POST /editor/preview: unsaved YAML, the picture format, and whether composite steps are expanded."""

    model_config = ConfigDict(extra="forbid")

    yaml: str
    format: Literal["svg", "png", "mermaid", "ascii"] = "svg"
    expand: bool = False


@dataclass(frozen=True)
class _Unsaved:
    """What graphs.draw.drawing needs of a runner; without an engine it draws sub-pipeline steps unexpanded."""

    config: PipelineConfig
    step_graph: Any


@pages_bp.post("/editor/preview")
def editor_preview() -> Response:
    """The picture of unsaved pipeline YAML (the editor's live preview); invalid YAML is a 400 listing the errors."""
    require_token()
    body = PreviewRequest.model_validate(json_body())
    engine = current_app.extensions["t7"].engine
    config, problems = collect_errors(
        body.yaml,
        tool_kinds=engine.registry.param_models(),
        known_pipelines=engine.names(),
        max_bytes=engine.settings.MAX_PIPELINE_BYTES,
    )
    if problems or config is None:
        raise PipelineErrors(problems)
    # Compiled outside the engine's graph cache, which keeps every graph it sees: unsaved texts are one-offs.
    graph = compile_pipeline(config, engine.registry, None, resolve=engine.config, fuse=False)
    picture = draw(_Unsaved(config, graph), body.format, expand=body.expand)  # type: ignore[arg-type]
    return Response(picture, content_type=PICTURE_MEDIA_TYPES[body.format])

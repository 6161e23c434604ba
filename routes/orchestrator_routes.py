"""Blueprint orch_bp at /orchestrator: start, answer and follow pipeline runs over HTTP."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, session
from pydantic import BaseModel, ConfigDict, Field

from errors import NotFoundError
from graphs.conversation import new_session_id
from routes.chat_routes import json_body

orch_bp = Blueprint("orchestrator", __name__, url_prefix="/orchestrator")


class RunChainRequest(BaseModel):
    """Body of POST /orchestrator/run_chain."""

    model_config = ConfigDict(extra="forbid")

    pipeline: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    args: dict[str, Any] = Field(default_factory=dict)


def caller() -> str:
    """The owner of runs started by this caller: its session cookie (minted on first use)."""
    if "owner" not in session:
        session["owner"] = new_session_id()
    return f"cookie:{session['owner']}"


@orch_bp.post("/run_chain")
def run_chain() -> Any:
    """Start a pipeline run."""
    body = RunChainRequest.model_validate(json_body())
    engine = current_app.extensions["t7"].engine
    if body.pipeline not in engine.names():
        raise NotFoundError(f"no pipeline named '{body.pipeline}'", details={"available": engine.names()})
    result = engine.runner(body.pipeline).start(body.args, owner=caller())
    return jsonify(result.to_dict())


@orch_bp.get("/run_status/<run_id>")
def run_status(run_id: str) -> Any:
    """The status of a run the caller started."""
    engine = current_app.extensions["t7"].engine
    return jsonify(engine.status(run_id, owner=caller()).status_dict())

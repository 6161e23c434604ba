"""The pipeline-test endpoints on orch_bp: list, save and run a pipeline's dialog files."""

from __future__ import annotations

import re
from typing import Any

from flask import current_app, jsonify

from errors import NotFoundError, PipelineError
from graphs.run.engine import Engine
from graphs.testing.coverage import Visits, coverage_of
from graphs.testing.dialog_tests import run_saved, save_dialog, saved_dialogs
from pipelines.schema import NAME_PATTERN
from routes.auth import require_token
from routes.dialog_test_models import DialogTestRequest
from routes.orchestrator_models import parse_body
from routes.orchestrator_routes import orch_bp

_NAME = re.compile(NAME_PATTERN)


def _engine() -> Engine:
    return current_app.extensions["t7"].engine


def _pipeline(raw: str) -> str:
    """The registry's own spelling of pipeline `raw`; anything not listed is a 404 and never becomes a path."""
    names = _engine().names()
    if not _NAME.fullmatch(raw) or raw not in names:
        raise NotFoundError(f"no pipeline named {raw[:64]!r}", details={"available": names})
    return names[names.index(raw)]


@orch_bp.get("/pipelines/<name>/tests")
def pipeline_tests(name: str) -> Any:
    """The saved dialog tests of a pipeline."""
    name = _pipeline(name)
    return jsonify({"pipeline": name, "tests": saved_dialogs(name, _engine().pipelines_dir)})


@orch_bp.put("/pipelines/<name>/tests/<test_name>")
def save_pipeline_test(name: str, test_name: str) -> Any:
    """Save a dialog file as a test of a pipeline; a malformed one is a 400 naming its line."""
    require_token()
    name = _pipeline(name)
    body = parse_body(DialogTestRequest)
    dialog, created = save_dialog(name, test_name, body.yaml, _engine().pipelines_dir)
    return jsonify({"pipeline": name, "name": test_name, "turns": len(dialog.turns), "created": created})


@orch_bp.post("/pipelines/<name>/test_runs")
def run_pipeline_tests(name: str) -> Any:
    """Play every saved test of a pipeline on a fresh temporary database; per-dialog results and what of the
    pipeline no test visits (`flask pipeline test --coverage`)."""
    require_token()
    name = _pipeline(name)
    engine, visits = _engine(), Visits(name)
    results = [result.to_dict() for result in run_saved(name, engine.settings, visits)]
    passed = sum(result["passed"] for result in results)
    try:
        coverage = coverage_of(engine.config(name), visits).to_dict(file=f"{name}.yaml")  # never a server path
    except PipelineError:  # the saved text does not load: its tests failed, and there is nothing to cover
        coverage = None
    report = {"pipeline": name, "passed": passed, "failed": len(results) - passed, "results": results}
    return jsonify({**report, "coverage": coverage})

"""The pipeline-test operations of the OpenAPI document (list, save and run a pipeline's dialog files)."""

from __future__ import annotations

from typing import Any

from graphs.testing.dialog_tests import TEST_NAME_PATTERN
from routes.dialog_test_models import REQUEST_MODELS, RESPONSE_MODELS
from routes.openapi_operations import NAME_PARAMETER, operation

__all__ = ["REQUEST_MODELS", "RESPONSE_MODELS", "dialog_test_paths"]


def dialog_test_paths(refs: dict[str, dict[str, Any]], auth: str) -> dict[str, Any]:
    """The paths of the pipeline-test endpoints."""
    name = NAME_PARAMETER
    test_name = {
        "name": "test_name",
        "in": "path",
        "required": True,
        "description": "the test's file name without .yaml",
        "schema": {"type": "string", "pattern": TEST_NAME_PATTERN},
        "example": "saludo",
    }

    def ok(model: str) -> dict[str, Any]:
        return {"content": {"application/json": {"schema": refs[model]}}}

    return {
        "/orchestrator/pipelines/{name}/tests": {
            "get": operation(
                refs,
                "The saved dialog tests of a pipeline",
                ok("DialogTestList"),
                "404" + auth,
                params=[name],
                op_id="list_pipeline_tests",
            )
        },
        "/orchestrator/pipelines/{name}/tests/{test_name}": {
            "put": operation(
                refs,
                "Save a dialog file as a test of a pipeline",
                ok("SavedDialogTest"),
                "400 404 413 415" + auth,
                body="DialogTestRequest",
                params=[name, test_name],
                op_id="save_pipeline_test",
            )
        },
        "/orchestrator/pipelines/{name}/test_runs": {
            "post": operation(
                refs,
                "Play every saved test of a pipeline on a fresh temporary database",
                ok("DialogTestReport"),
                "404" + auth,
                params=[name],
                op_id="run_pipeline_tests",
            )
        },
    }

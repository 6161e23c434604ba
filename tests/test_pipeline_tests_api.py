"""The pipeline-test endpoints: list, save (checked, atomic, named safely) and run a pipeline's dialog files."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from config import Config

BASE = "/orchestrator/pipelines/ejemplo_simple/tests"
GOOD = """\
name: saludo
turns:
  - user: "!run ejemplo_simple"
    expect: {status: waiting, reply_contains: [te llamas]}
  - user: "Ana"
    expect: {status: completed, reply_contains: [Hola, Ana]}
"""
WRONG = GOOD.replace("status: completed", "status: failed")


def test_a_saved_dialog_is_listed_and_written_where_the_cli_reads_it(client: FlaskClient, pipelines_dir: Path) -> None:
    assert client.get(BASE).get_json() == {"pipeline": "ejemplo_simple", "tests": []}
    saved = client.put(f"{BASE}/saludo", json={"yaml": GOOD})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    assert saved.get_json() == {"pipeline": "ejemplo_simple", "name": "saludo", "turns": 2, "created": True}
    assert (pipelines_dir / "tests" / "ejemplo_simple" / "saludo.yaml").read_text(encoding="utf-8") == GOOD
    again = client.put(f"{BASE}/saludo", json={"yaml": GOOD}).get_json()
    assert again["created"] is False
    listed = client.get(BASE).get_json()["tests"]
    assert listed == [{"name": "saludo", "turns": 2, "error": None}]
    assert [p.name for p in (pipelines_dir / "tests" / "ejemplo_simple").iterdir()] == ["saludo.yaml"]


def test_running_the_saved_tests_reports_each_dialog(app: Flask, client: FlaskClient) -> None:
    client.put(f"{BASE}/a_pasa", json={"yaml": GOOD})
    client.put(f"{BASE}/b_falla", json={"yaml": WRONG})
    report = client.post("/orchestrator/pipelines/ejemplo_simple/test_runs").get_json()
    assert (report["pipeline"], report["passed"], report["failed"]) == ("ejemplo_simple", 1, 1)
    first, second = report["results"]
    assert first == {
        "file": "a_pasa.yaml",
        "name": "saludo",
        "passed": True,
        "turns": 2,
        "difference": None,
        "error": None,
    }
    assert second["passed"] is False and second["file"] == "b_falla.yaml"
    assert second["difference"] == {"turn": 2, "user": "Ana", "expected": "status «failed»", "got": "«completed»"}
    assert app.extensions["services"].sql.count_orders() == 0


def test_running_without_tests_is_an_empty_report_that_covers_nothing(client: FlaskClient) -> None:
    assert client.post("/orchestrator/pipelines/ejemplo_simple/test_runs").get_json() == {
        "pipeline": "ejemplo_simple",
        "passed": 0,
        "failed": 0,
        "results": [],
        "coverage": {
            "pipeline": "ejemplo_simple",
            "covered": 0.0,
            "by_kind": {"step": {"covered": 0, "total": 2}},
            "missed": [
                {"kind": "step", "name": name, "line": line, "column": 5, "where": f"ejemplo_simple.yaml:{line}:5"}
                for name, line in (("pedir_nombre", 34), ("saludar", 38))
            ],
        },
    }


def test_the_report_says_what_the_tests_visit(client: FlaskClient) -> None:
    client.put(f"{BASE}/a_pasa", json={"yaml": GOOD})
    coverage = client.post("/orchestrator/pipelines/ejemplo_simple/test_runs").get_json()["coverage"]
    assert coverage["covered"] == 1.0 and coverage["missed"] == []


def test_a_malformed_dialog_is_refused_with_its_line_and_nothing_is_written(
    client: FlaskClient, pipelines_dir: Path
) -> None:
    response = client.put(f"{BASE}/roto", json={"yaml": GOOD.replace("reply_contains: [Hola", "reply_contain: [Hola")})
    assert response.status_code == 400
    assert response.get_json()["error"]["message"].startswith("roto.yaml:6: unknown expectation 'reply_contain'")
    assert not (pipelines_dir / "tests").exists()


@pytest.mark.parametrize("test_name", ["Mayus", ".oculto", "a.yaml", "-guion", "x" * 65])
def test_test_names_are_checked_against_a_strict_pattern(client: FlaskClient, test_name: str) -> None:
    response = client.put(f"{BASE}/{test_name}", json={"yaml": GOOD})
    assert response.status_code == 400
    assert response.get_json()["error"]["details"]["pattern"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/orchestrator/pipelines/no_existe/tests"),
        ("put", "/orchestrator/pipelines/no_existe/tests/saludo"),
        ("post", "/orchestrator/pipelines/no_existe/test_runs"),
        ("post", "/orchestrator/pipelines/..%2Fetc/test_runs"),
    ],
)
def test_unknown_pipelines_are_not_found(client: FlaskClient, method: str, path: str) -> None:
    response = getattr(client, method)(path, json={"yaml": GOOD})
    assert response.status_code == 404


def test_the_endpoints_need_the_api_token_when_configured(settings: Config) -> None:
    app = create_app(settings.model_copy(update={"API_TOKENS": ["t" * 32]}))
    try:
        client = app.test_client()
        assert client.get(BASE).status_code == 401
        assert client.put(f"{BASE}/saludo", json={"yaml": GOOD}).status_code == 401
        assert client.post("/orchestrator/pipelines/ejemplo_simple/test_runs").status_code == 401
        headers = {"Authorization": "Bearer " + "t" * 32}
        assert client.put(f"{BASE}/saludo", json={"yaml": GOOD}, headers=headers).status_code == 200
    finally:
        app.extensions["t7"].engine.close()


def test_the_endpoints_are_in_the_openapi_document(client: FlaskClient) -> None:
    paths = client.get("/orchestrator/openapi.json").get_json()["paths"]
    assert paths[BASE.replace("ejemplo_simple", "{name}")]["get"]["operationId"] == "list_pipeline_tests"
    put = paths["/orchestrator/pipelines/{name}/tests/{test_name}"]["put"]
    assert put["operationId"] == "save_pipeline_test"
    assert put["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/DialogTestRequest")
    assert paths["/orchestrator/pipelines/{name}/test_runs"]["post"]["operationId"] == "run_pipeline_tests"

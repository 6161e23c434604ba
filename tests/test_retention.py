"""`flask runs prune --older-than DAYS` on SQLite and PostgreSQL checkpointers: ended runs lose their checkpoints,
keep their row and result; waiting and recent runs are untouched."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from config import Config
from graphs.store.retention import prune_runs

FAILING = (
    "name: falla\ninputs:\n  n: {type: integer}\nsteps:\n  - {id: sumar, kind: set, values: {m: \"{{ n + 'x' }}\"}}\n"
)
DAY = 86_400


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def app(request: pytest.FixtureRequest, settings: Config, pipelines_dir: Path) -> Iterator[Flask]:
    """The app with its checkpoints on SQLite, then in a fresh PostgreSQL schema."""
    (pipelines_dir / "falla.yaml").write_text(FAILING, encoding="utf-8")
    if request.param == "postgresql":
        settings = settings.model_copy(update={"CHECKPOINT_URL": request.getfixturevalue("postgres_url")})
    application = create_app(settings)
    application.config["TESTING"] = True
    yield application
    application.extensions["t7"].engine.close()


def _tables(app: Flask) -> list[str]:
    engine = app.extensions["t7"].engine
    if engine.runs.engine.dialect.name == "sqlite":
        return ["checkpoints", "writes"]
    return ["checkpoints", "checkpoint_writes", "checkpoint_blobs"]


def checkpoint_rows(app: Flask, run_id: str) -> int:
    """Rows of every LangGraph table (any namespace) belonging to the run's thread."""
    engine = app.extensions["t7"].engine.runs.engine
    with engine.connect() as conn:
        return sum(
            conn.execute(sa.text(f"SELECT count(*) FROM {table} WHERE thread_id = :t"), {"t": run_id}).scalar_one()
            for table in _tables(app)
        )


def _age(app: Flask, run_id: str, days: float) -> None:
    with app.extensions["t7"].engine.runs.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE runs SET updated_at = :t WHERE run_id = :r"), {"t": time.time() - days * DAY, "r": run_id}
        )


def _run(client: FlaskClient, pipeline: str, args: dict[str, Any], *answers: str) -> dict[str, Any]:
    body = client.post("/orchestrator/run_chain", json={"pipeline": pipeline, "args": args}).get_json()
    for answer in answers:
        body = client.post(f"/orchestrator/resume/{body['run_id']}", json={"answer": answer}).get_json()
    return body


@pytest.fixture
def runs(app: Flask, client: FlaskClient) -> dict[str, dict[str, Any]]:
    """One run per case: ended long ago (completed with a sub-pipeline, cancelled, failed), waiting, ended today."""
    made = {
        "completed": _run(client, "todo_junto", {"cantidad": 3}, "Eva"),
        "cancelled": _run(client, "ejemplo_simple", {}),
        "failed": _run(client, "falla", {"n": 1}),
        "waiting": _run(client, "ejemplo_simple", {}),
        "recent": _run(client, "ejemplo_simple", {}, "Ana"),
    }
    assert app.extensions["t7"].engine.cancel(made["cancelled"]["run_id"]).status == "cancelled"
    assert [made[k]["status"] for k in ("completed", "failed", "waiting", "recent")] == [
        "completed",
        "failed",
        "waiting",
        "completed",
    ]
    for name in ("completed", "cancelled", "failed", "waiting"):
        _age(app, made[name]["run_id"], 30)
    return made


def _status(client: FlaskClient, run_id: str) -> dict[str, Any]:
    response = client.get(f"/orchestrator/run_status/{run_id}")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    body.pop("state")
    return body


def test_prune_deletes_only_old_ended_runs_checkpoints_and_keeps_their_results(
    app: Flask, client: FlaskClient, runs: dict[str, dict[str, Any]]
) -> None:
    before = {name: _status(client, run["run_id"]) for name, run in runs.items()}
    rows = {name: checkpoint_rows(app, run["run_id"]) for name, run in runs.items()}
    assert rows["completed"] > 0 and rows["cancelled"] > 0 and rows["waiting"] > 0

    report = prune_runs(app.extensions["t7"].engine, 7)

    assert report.pruned == 3
    for name in ("completed", "cancelled", "failed"):
        assert checkpoint_rows(app, runs[name]["run_id"]) == 0, name
        assert _status(client, runs[name]["run_id"]) == before[name], name  # row and result kept
    for name in ("waiting", "recent"):
        assert checkpoint_rows(app, runs[name]["run_id"]) == rows[name], name
    assert before["completed"]["output"] == {"total": 6, "texto_saludo": "¡Hola, Eva!"}
    assert before["failed"]["error"]["code"] == "expression_error"
    resumed = client.post(f"/orchestrator/resume/{runs['waiting']['run_id']}", json={"answer": "Luz"}).get_json()
    assert resumed["status"] == "completed" and resumed["output"] == {"saludo": "¡Hola, Luz!"}
    assert prune_runs(app.extensions["t7"].engine, 7).pruned == 0  # already pruned: nothing to do again


def test_zero_days_prunes_every_ended_run_but_never_a_waiting_one(
    app: Flask, client: FlaskClient, runs: dict[str, dict[str, Any]]
) -> None:
    waiting_rows = checkpoint_rows(app, runs["waiting"]["run_id"])
    assert prune_runs(app.extensions["t7"].engine, 0).pruned == 4
    assert checkpoint_rows(app, runs["recent"]["run_id"]) == 0
    assert checkpoint_rows(app, runs["waiting"]["run_id"]) == waiting_rows
    assert _status(client, runs["recent"]["run_id"])["output"] == {"saludo": "¡Hola, Ana!"}


def test_the_cli_prunes_and_reports(app: Flask, runs: dict[str, dict[str, Any]]) -> None:
    cli = app.test_cli_runner()
    dry = cli.invoke(args=["runs", "prune", "--older-than", "7", "--dry-run"])
    assert dry.exit_code == 0 and dry.output.startswith("3 ended run(s)") and "would be pruned" in dry.output
    assert checkpoint_rows(app, runs["completed"]["run_id"]) > 0
    done = cli.invoke(args=["runs", "prune", "--older-than", "7"])
    assert done.exit_code == 0 and done.output.startswith("3 ended run(s)"), done.output
    assert checkpoint_rows(app, runs["completed"]["run_id"]) == 0


@pytest.mark.parametrize("value", ["-1", "abc", "nan", "1e9"])
def test_the_cli_refuses_a_bad_number_of_days(app: Flask, value: str) -> None:
    result = app.test_cli_runner().invoke(args=["runs", "prune", "--older-than", value])
    assert result.exit_code == 2 and "--older-than" in result.output and "Traceback" not in result.output


def test_the_cli_needs_the_number_of_days(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["runs", "prune"])
    assert result.exit_code == 2 and "--older-than" in result.output

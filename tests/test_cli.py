"""`flask pipeline …` through Flask's CliRunner: every command, questions answered from standard input, errors."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask

from graphs.run.engine import Engine

BROKEN = """\
name: roto
description: broken on purpose
steps:
  - id: primero
    kind: tol
    tool: x
  - id: segundo
    kind: reply
    message: "hola"
    colour: red
"""


def cli(app: Flask, *args: str, input: str | None = None) -> Result:
    """Run `flask pipeline ARGS…` against the test app."""
    return app.test_cli_runner().invoke(args=["pipeline", *args], input=input)


def assert_clean_failure(result: Result, code: int) -> None:
    """A failure is an exit code and a message on stderr, never a traceback."""
    assert result.exit_code == code, result.output
    assert result.stderr.strip() and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_list_shows_names_and_descriptions(app: Flask, engine: Engine) -> None:
    result = cli(app, "list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == engine.names()
    assert any(line.startswith("ejemplo_simple ") and "Saluda a una persona" in line for line in lines)


def test_validate_every_pipeline_in_the_folder(app: Flask, engine: Engine) -> None:
    result = cli(app, "validate")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{len(engine.names())} pipeline(s) valid\n"


def test_validate_prints_file_line_column_for_each_error(app: Flask, tmp_path: Path) -> None:
    broken = tmp_path / "roto.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    result = cli(app, "validate", str(broken))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{broken}:5:5: unknown step kind 'tol'; did you mean 'tool'?",
        f"{broken}:10:5: unknown field 'colour'; remove it",
    ]


def test_validate_without_paths_finds_a_broken_file_in_the_folder(app: Flask, pipelines_dir: Path) -> None:
    (pipelines_dir / "roto.yaml").write_text(BROKEN, encoding="utf-8")
    result = cli(app, "validate")
    assert result.exit_code == 1
    assert re.search(r"^\S*roto\.yaml:5:5: unknown step kind 'tol'", result.stdout, re.MULTILINE)


def test_validate_accepts_names_and_several_paths(app: Flask, tmp_path: Path) -> None:
    broken = tmp_path / "roto.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    result = cli(app, "validate", "ejemplo_simple", str(broken), str(tmp_path / "missing.yaml"))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and lines[-1].startswith(f"{tmp_path / 'missing.yaml'}:0:0: cannot read the file")


def test_run_reads_the_answer_from_stdin(app: Flask) -> None:
    result = cli(app, "run", "ejemplo_simple", input="Ana\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "¿Cómo te llamas?",
        "¡Hola, Ana! Encantado de ayudarte.",
        '[completed] output: {"saludo": "¡Hola, Ana!"}',
    ]


def test_run_with_arguments_and_json(app: Flask) -> None:
    result = cli(app, "run", "ejemplo_simple", "nombre=Ana María", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["status"] == "completed" and body["output"] == {"saludo": "¡Hola, Ana María!"}
    assert set(body) >= {"run_id", "pipeline", "status", "output", "question", "options", "data", "error"}


def test_run_loops_through_several_questions(app: Flask) -> None:
    # 0 is refused by the loop's validation, 3 is accepted, then the sub-pipeline asks for the name.
    result = cli(app, "run", "todo_junto", "--json", input="0\n3\nAna\n")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["status"] == "completed"
    assert body["output"] == {"total": 6, "texto_saludo": "¡Hola, Ana!"}
    assert result.stderr.count("¿Cuántas unidades?") == 2 and "¿Cómo te llamas?" in result.stderr


def test_options_are_numbered(app: Flask, pipelines_dir: Path) -> None:
    (pipelines_dir / "elegir.yaml").write_text(
        "name: elegir\nsteps:\n"
        "  - {id: color, kind: ask, save_as: color, question: '¿Color?', options: [rojo, verde]}\n"
        "  - {id: fin, kind: reply, message: 'Elegiste {{ color }}', end: true}\n",
        encoding="utf-8",
    )
    result = cli(app, "run", "elegir", input="2\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:4] == ["¿Color?", "  1. rojo", "  2. verde", "Elegiste verde"]


def test_end_of_input_leaves_the_run_waiting_and_resume_finishes_it(app: Flask, engine: Engine) -> None:
    started = cli(app, "run", "ejemplo_simple", "--json", input="")
    assert started.exit_code == 0, started.output
    waiting = json.loads(started.stdout)
    assert waiting["status"] == "waiting" and waiting["question"] == "¿Cómo te llamas?"
    run_id = waiting["run_id"]
    assert f"flask pipeline resume {run_id} ANSWER" in started.stderr
    assert engine.status(run_id).status == "waiting"
    resumed = cli(app, "resume", run_id, "Luis")
    assert resumed.exit_code == 0, resumed.output
    assert "¡Hola, Luis!" in resumed.stdout
    again = cli(app, "resume", run_id, "Otra vez")
    assert_clean_failure(again, 1)
    assert "not waiting" in again.stderr


def test_graph_formats(app: Flask, tmp_path: Path) -> None:
    mermaid = cli(app, "graph", "todo_junto")
    assert mermaid.exit_code == 0 and 'calcular -.->|"grande"| grande' in mermaid.stdout
    ascii_art = cli(app, "graph", "todo_junto", "--format", "ascii", "--expand")
    assert "| pedir_nombre (ask) |" in ascii_art.stdout and "(loops back)" in ascii_art.stdout
    svg_file = tmp_path / "todo.svg"
    written = cli(app, "graph", "todo_junto", "--format", "svg", "-o", str(svg_file))
    assert written.exit_code == 0 and ET.fromstring(svg_file.read_text(encoding="utf-8")).tag.endswith("svg")
    png_file = tmp_path / "todo.png"
    assert cli(app, "graph", "todo_junto", "--format", "png", "-o", str(png_file)).exit_code == 0
    assert png_file.read_bytes().startswith(b"\x89PNG")
    piped = cli(app, "graph", "todo_junto", "--format", "png")
    assert piped.exit_code == 0 and piped.stdout_bytes.startswith(b"\x89PNG")


def test_graph_draws_composite_steps_as_boxes_unless_expanded(app: Flask) -> None:
    collapsed = cli(app, "graph", "alta_pedido")
    assert collapsed.exit_code == 0, collapsed.output
    assert 'cliente[["cliente · collect"]]:::composite' in collapsed.stdout
    assert "cliente__resolve" not in collapsed.stdout
    expanded = cli(app, "graph", "alta_pedido", "--expand")
    assert '  subgraph cliente_sub["cliente · collect"]' in expanded.stdout
    assert '    cliente__resolve["cliente__resolve (tool)"]' in expanded.stdout


def test_graph_highlights_a_run(app: Flask) -> None:
    run_id = json.loads(cli(app, "run", "todo_junto", "cantidad=5", "--json", input="").stdout)["run_id"]
    result = cli(app, "graph", "todo_junto", "--run", run_id)
    assert result.exit_code == 0, result.output
    assert "  class saludo current\n" in result.stdout and "class pedir_cantidad,leer_cantidad done" in result.stdout
    assert_clean_failure(cli(app, "graph", "ejemplo_simple", "--run", run_id), 2)


def test_schema_is_the_json_schema_of_pipeline_config(app: Flask) -> None:
    result = cli(app, "schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "PipelineConfig" and "steps" in schema["properties"] and "AskStep" in schema["$defs"]


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        pytest.param(("run", "no_existe"), 2, "no_existe", id="unknown-pipeline"),
        pytest.param(("run", "ejemplo_simple", "color=rojo"), 2, "unknown input 'color'", id="unknown-input"),
        pytest.param(("run", "todo_junto", "cantidad=muchas"), 2, "must be of type integer", id="bad-type"),
        pytest.param(("run", "ejemplo_simple", "nombre"), 2, "not key=value", id="not-key-value"),
        pytest.param(("run", "../../etc/passwd"), 2, "", id="path-traversal"),
        pytest.param(("resume", "no-such-run", "x"), 2, "no run", id="unknown-run"),
        pytest.param(("graph", "ejemplo_simple", "--format", "gif"), 2, "gif", id="bad-format"),
    ],
)
def test_errors_are_messages_and_exit_codes(app: Flask, args: tuple[str, ...], code: int, words: str) -> None:
    result = cli(app, *args)
    assert_clean_failure(result, code)
    assert words in result.stderr

"""`flask pipeline test --coverage NAME`: the authored steps, `next` rules, corrections and confirm edits that no
dialog of pipelines/tests/NAME/ visits, each with file:line:col, and the covered share."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask

from graphs.testing.coverage import Visits, coverage_of, targets_of
from pipelines.loader import parse_text

COLOURS = """\
name: colores
description: Dice si un color es rojo
inputs:
  color: {type: string, required: false}
  tono: {type: string, required: false}
steps:
  - {id: color, kind: ask, slot: color, question: "¿Qué color?"}
  - {id: tono, kind: ask, slot: tono, question: "¿Claro u oscuro?"}
  - id: decidir
    kind: set
    values: {es_rojo: "{{ color == 'rojo' }}"}
    next: [{when: es_rojo, goto: rojo}]
  - {id: otro, kind: reply, message: "Otro color", end: true}
  - {id: rojo, kind: reply, message: "Rojo", end: true}
"""
RED = """\
name: rojo
turns:
  - user: "!run colores"
    expect: {status: waiting, reply_contains: [¿Qué color?]}
  - user: "rojo"
    expect: {status: waiting}
  - user: "oscuro"
    expect: {status: completed, reply_contains: [Rojo]}
"""
CORRECTED = """\
name: corregido
turns:
  - user: "!run colores color=rojo"
    expect: {status: waiting, reply_contains: [¿Claro u oscuro?]}
  - user: "perdona, el color es azul"
    expect: {status: waiting}
  - user: "intenso"
    expect: {status: completed, reply_contains: [Otro color]}
"""


def _cover(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["pipeline", "test", *args])


@pytest.fixture
def colours_app(pipelines_dir: Path, request: pytest.FixtureRequest) -> Flask:
    """The app with pipeline `colores` and one dialog test of it, the red one."""
    (pipelines_dir / "colores.yaml").write_text(COLOURS, encoding="utf-8")
    tests = pipelines_dir / "tests" / "colores"
    tests.mkdir(parents=True)
    (tests / "01_rojo.yaml").write_text(RED, encoding="utf-8")
    return request.getfixturevalue("app")


def test_what_no_dialog_visits_is_listed_where_it_is_written(colours_app: Flask, pipelines_dir: Path) -> None:
    result = _cover(colours_app, "--coverage", "colores")
    assert result.exit_code == 0, result.output
    missed = [line.split("  ", 1) for line in result.stdout.splitlines() if "not covered" in line]
    where = {rest: place.rsplit("colores.yaml:", 1)[1] for place, rest in missed}
    assert where == {
        "not covered  branch  decidir → (siguiente)": "12:5",
        "not covered  step  otro": "13:5",
        "not covered  correction  color": "7:5",
        "not covered  correction  tono": "8:5",
    }
    # 5 steps, 2 branches, 2 corrections: 5 visited
    assert result.stdout.splitlines()[-1] == "coverage of colores: 55.6% (step 4/5, branch 1/2, correction 0/2)"


def test_a_correction_and_the_other_way_out_complete_the_coverage(colours_app: Flask, pipelines_dir: Path) -> None:
    (pipelines_dir / "tests" / "colores" / "02_corregido.yaml").write_text(CORRECTED, encoding="utf-8")
    result = _cover(colours_app, "--coverage", "colores")
    assert result.exit_code == 0, result.output
    missed = [line.split("  ", 1)[1] for line in result.stdout.splitlines() if "not covered" in line]
    assert missed == ["not covered  correction  tono"]
    assert "step 5/5, branch 2/2, correction 1/2" in result.stdout


def test_coverage_takes_one_pipeline_name(colours_app: Flask, pipelines_dir: Path) -> None:
    result = _cover(colours_app, "--coverage", "colores", "ejemplo_simple")
    assert result.exit_code == 2 and "one pipeline NAME" in result.output
    result = _cover(colours_app, "--coverage", str(pipelines_dir / "tests" / "colores" / "01_rojo.yaml"))
    assert result.exit_code == 2


def test_a_failing_dialog_still_counts_what_it_visited_and_fails_the_command(
    colours_app: Flask, pipelines_dir: Path
) -> None:
    wrong = RED.replace("reply_contains: [Rojo]", "reply_contains: [Verde]").replace("name: rojo", "name: mal")
    (pipelines_dir / "tests" / "colores" / "01_rojo.yaml").write_text(wrong, encoding="utf-8")
    result = _cover(colours_app, "--coverage", "colores")
    assert result.exit_code == 1
    assert "step 4/5" in result.stdout  # the failed turn still ran color, tono, decidir and rojo


def test_confirm_edits_are_targets_of_their_confirm_and_a_chat_correction_counts() -> None:
    config = parse_text((Path(__file__).parent.parent / "pipelines" / "alta_pedido.yaml").read_text("utf-8"))
    edits = [t for t in targets_of(config) if t.kind == "edit"]
    assert [t.name for t in edits] == [
        "confirmar: set_quantity",
        "confirmar: remove",
        "confirmar: add",
        "confirmar: slot=cliente",
    ]
    visits = Visits("alta_pedido")
    correction = {"kind": "repaired", "command": "correct", "step": "confirmar", "detail": {"slot": "lineas"}}
    visits.add_run(config, [], "waiting", [{**correction, "detail": {"slot": "lineas", "action": "add"}}])
    missed = {t.name for t in coverage_of(config, visits).missed if t.kind == "edit"}
    assert missed == {"confirmar: set_quantity", "confirmar: remove", "confirmar: slot=cliente"}

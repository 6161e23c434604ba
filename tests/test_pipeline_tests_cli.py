"""`flask pipeline test`: the shipped pipelines' dialog tests pass; failures, bad files and bad names are reported."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask

from app import create_app
from config import PROJECT_DIR, Config
from graphs.testing.dialog_files import DialogFileError, parse_dialog
from graphs.testing.dialog_tests import dialog_files, dialogs_dir

SHIPPED_DIR = PROJECT_DIR / "pipelines"
SHIPPED = sorted(p.stem for p in SHIPPED_DIR.glob("*.yaml"))
FAILING = """\
name: falla_a_proposito
turns:
  - user: "!run ejemplo_simple"
    expect: {status: waiting}
  - user: "Ana"
    expect:
      status: cancelled
"""


@pytest.fixture
def shipped_app(tmp_path: Path) -> Iterator[Flask]:
    """The app on the shipped pipelines folder (and its tests), with its own temporary DATA_DIR."""
    settings = Config(
        DATA_DIR=tmp_path / "data",
        PIPELINES_DIR=SHIPPED_DIR,
        SECRET_KEY="test",
        OPENAI_API_KEY=None,
        OPENAI_BASE_URL=None,
        DATABASE_URL=None,
        CHECKPOINT_URL=None,
    )
    application = create_app(settings)
    yield application
    application.extensions["t7"].engine.close()


def cli(app: Flask, *args: str) -> Result:
    """Run `flask pipeline test ARGS…` against `app`."""
    return app.test_cli_runner().invoke(args=["pipeline", "test", *args])


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_pipeline_has_passing_tests_that_cover_it(shipped_app: Flask, name: str) -> None:
    folder = dialogs_dir(name, SHIPPED_DIR)
    files = dialog_files(folder) if folder.is_dir() else []
    assert files, f"pipeline {name} ships without dialog tests: add pipelines/tests/{name}/*.yaml"
    result = cli(shipped_app, "--coverage", name)
    assert result.exit_code == 0, result.output
    passes = [line for line in result.stdout.splitlines() if line.startswith("PASS  ")]
    assert len(passes) == len(files), result.output
    *_, summary, coverage = result.stdout.splitlines()
    assert summary == f"{len(files)} passed, 0 failed"
    # every step, next rule, correction and confirm edit of a shipped pipeline is visited by its tests
    assert coverage.startswith(f"coverage of {name}: 100.0% ("), result.output


def test_the_order_dialogs_are_a_good_handful() -> None:
    assert len(dialog_files(dialogs_dir("alta_pedido", SHIPPED_DIR))) >= 8


def test_tests_run_on_a_temporary_database_never_the_apps(shipped_app: Flask) -> None:
    result = cli(shipped_app, str(SHIPPED_DIR / "tests" / "alta_pedido" / "01_happy_path.yaml"))
    assert result.exit_code == 0, result.output
    assert shipped_app.extensions["services"].sql.count_orders() == 0


def test_a_failing_dialog_shows_its_first_difference(shipped_app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "falla.yaml"
    path.write_text(FAILING, encoding="utf-8")
    passing = SHIPPED_DIR / "tests" / "ejemplo_simple" / "01_pregunta_el_nombre.yaml"
    result = cli(shipped_app, str(passing), str(path))
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("PASS  ") and lines[0].endswith("(pregunta_el_nombre, 2 turns)")
    assert lines[1] == f"FAIL  {path}  (falla_a_proposito, 2 turns)"
    assert lines[2:5] == ["      turn 2: «Ana»", "      expected: status «cancelled»", "      got:      «completed»"]
    assert lines[-1] == "1 passed, 1 failed"
    assert "Traceback" not in result.output


def test_a_folder_runs_every_dialog_in_it(shipped_app: Flask, tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text(FAILING, encoding="utf-8")
    (tmp_path / "a.yml").write_text(FAILING.replace("cancelled", "completed"), encoding="utf-8")
    (tmp_path / "notas.txt").write_text("no es un diálogo", encoding="utf-8")
    result = cli(shipped_app, str(tmp_path))
    assert [line[:4] for line in result.stdout.splitlines() if line[:4] in ("PASS", "FAIL")] == ["PASS", "FAIL"]
    assert result.exit_code == 1


def test_a_malformed_file_fails_with_file_and_line(shipped_app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "roto.yaml"
    path.write_text(FAILING.replace("status: cancelled", "stauts: cancelled"), encoding="utf-8")
    result = cli(shipped_app, str(path))
    assert result.exit_code == 1
    assert f"      {path}:7: unknown expectation 'stauts'" in result.stdout
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("no_existe", "neither a pipeline name nor a dialog file or folder"),
        ("../../etc/passwd", "neither a pipeline name nor a dialog file or folder"),
    ],
)
def test_unknown_targets_are_a_clean_error(shipped_app: Flask, target: str, says: str) -> None:
    result = cli(shipped_app, target)
    assert result.exit_code == 2
    assert says in result.stderr and "Traceback" not in result.output


def test_a_pipeline_without_tests_is_a_clean_error(app: Flask) -> None:
    result = cli(app, "ejemplo_simple")
    assert result.exit_code == 2
    assert "pipeline 'ejemplo_simple' has no tests" in result.stderr


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ("turns: []\n", 1, "non-empty 'turns'"),
        ("name: x\nturns:\n  - user: hola\n    expect: {status: [1]}\n", 4, "'status' must be a text"),
        ("name: x\nturns:\n  - expect: {}\n", 3, "needs a 'user' message"),
        ("a: &x [1]\nb: *x\n", 2, "alias"),
        ("turns: !!python/object:os.system [ls]\n", 1, "python/object"),
        ("name: x\nturns:\n  - user: hola\n    expect: {order: {customer: A, lines: {B: dos}}}\n", 4, "quantity"),
        ("x" * 70_000, 1, "over the limit"),
        ("name: x\nturns:\n  - user: hola\n    expect:\n      status: waiting\n      nada: 1\n", 6, "'nada'"),
    ],
)
def test_hostile_dialog_files_are_refused_with_their_line(text: str, line: int, says: str) -> None:
    with pytest.raises(DialogFileError) as caught:
        parse_dialog(text, file="t.yaml")
    assert caught.value.line == line
    assert says in caught.value.message and caught.value.message.startswith(f"t.yaml:{line}: ")

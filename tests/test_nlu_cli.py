"""`flask nlu eval FILE` and `flask nlu explain "message"`: a pipeline author measures and debugs the reader."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import Result
from flask import Flask

LABELLED = """\
- {text: "bueno, mejor cancélalo todo", pipeline: alta_pedido, at: cliente, expect: cancel}
- {text: "¿qué tengo que poner aquí?", pipeline: alta_pedido, at: productos, expect: help}
- {text: "la segunda", pipeline: alta_pedido, at: producto, options: [Monitor 24 pulgadas, Monitor 27 pulgadas],
   expect: choose, option: 2}
- {text: "oye, el cliente es Globex", pipeline: alta_pedido, at: productos, expect: correct, target: cliente}
- {text: "¿cuántas sillas ergonómicas quedan?", pipeline: alta_pedido, at: confirmar, expect: digress,
   target: stock}
- {text: "sí, adelante", pipeline: alta_pedido, at: confirmar, expect: affirm}
- {text: "3 teclados y un par de ratones", pipeline: alta_pedido, at: productos, expect: answer}
- {text: "los de initech necesitan 5 grapadoras", expect: alta_pedido}
- {text: "buenos días, ¿qué tal todo?", expect: none}
- {text: "cancela", pipeline: alta_pedido, at: cliente, expect: help}
"""


def nlu(app: Flask, *args: str) -> Result:
    """Run `flask nlu ARGS…` against the test app."""
    return app.test_cli_runner().invoke(args=["nlu", *args])


def test_eval_prints_misses_scores_confusion_and_last_the_accuracy(app: Flask, tmp_path: Path) -> None:
    labelled = tmp_path / "mine.yaml"
    labelled.write_text(LABELLED, encoding="utf-8")
    result = nlu(app, "eval", str(labelled))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-1] == "accuracy: 9/10 (90.0%)"
    assert any(line.startswith("miss [alta_pedido@cliente] 'cancela': expected help, got cancel") for line in lines)
    assert any(re.match(r"cancel +\d+\.\d% +\d+\.\d% +\d+$", line) for line in lines)  # precision / recall
    assert "confusion (rows: expected, columns: read):" in lines
    quiet = nlu(app, "eval", "--quiet", str(labelled))
    assert not any(line.startswith("miss") for line in quiet.stdout.splitlines())


def test_eval_refuses_a_file_that_is_no_labelled_list(app: Flask, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- {text: hola, expect: none, colour: red}\n", encoding="utf-8")
    result = nlu(app, "eval", str(bad))
    assert result.exit_code == 2 and "not a list of labelled cases" in result.stderr
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("- {text: hola, pipeline: no_existe, at: x, expect: cancel}\n", encoding="utf-8")
    result = nlu(app, "eval", str(unknown))
    assert result.exit_code == 2 and "known pipeline" in result.stderr


def test_explain_shows_the_reading_and_every_score(app: Flask) -> None:
    result = nlu(app, "explain", "vale, pero quita la segunda", "--pipeline", "alta_pedido", "--at", "confirmar")
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0]
    assert first == "at alta_pedido@confirmar (yesno question) → correct"
    assert re.search(r"^  correct_remove +\d+\.\d%$", result.stdout, re.MULTILINE)
    idle = nlu(app, "explain", "mándale 4 webcams a globex")
    assert idle.stdout.splitlines()[0].startswith("idle message → alta_pedido (")


def test_explain_names_a_question_that_does_not_exist(app: Flask) -> None:
    result = nlu(app, "explain", "hola", "--pipeline", "alta_pedido", "--at", "no_hay_tal")
    assert result.exit_code == 2 and "no pipeline 'alta_pedido' with a question at 'no_hay_tal'" in result.stderr

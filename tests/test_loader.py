"""The safe YAML loader: every kind of error, with its line and column, and pipeline name checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from errors import PipelineError, PipelineErrors
from pipelines.loader import collect_errors, parse_text, read_text

GOOD = """\
name: bueno
description: ok
inputs:
  nombre: {type: string}
steps:
  - id: saludar
    kind: reply
    message: "Hola, {{ nombre }}"
"""


def only_error(text: str) -> PipelineError:
    """The single problem `text` has (fails when it has none or several)."""
    config, problems = collect_errors(text, file="p.yaml")
    assert config is None or problems, "expected the text to be refused"
    assert len(problems) == 1, [p.location() for p in problems]
    assert problems[0].file == "p.yaml"
    return problems[0]


def test_a_good_file_loads_with_its_source_and_positions() -> None:
    config = parse_text(GOOD, file="bueno.yaml")
    assert config.name == "bueno" and config.source_file == "bueno.yaml" and config.source_text == GOOD
    assert config.position(("steps", 0, "message")) == (8, 5)
    assert config.position(("steps", 0, "message", "deeper")) == (8, 5)
    assert config.position(("nowhere",)) == (1, 1)


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        pytest.param("name: x\nsteps: [\n", 3, 1, "invalid YAML", id="unclosed-flow"),
        pytest.param("name: x\nsteps:\n  - id: a\n   kind: reply\n", 4, 4, "invalid YAML", id="bad-indent"),
        pytest.param("name: x\ndescription: a: b\n", 2, 15, "mapping values are not allowed", id="colon"),
        pytest.param('name: "x\n', 2, 1, "invalid YAML", id="unclosed-quote"),
    ],
)
def test_yaml_syntax_errors_point_at_the_problem(text: str, line: int, column: int, words: str) -> None:
    error = only_error(text)
    assert (error.line, error.column) == (line, column)
    assert words in error.message and error.hint


def test_tabs_are_refused_with_a_hint() -> None:
    error = only_error("name: x\nsteps:\n\t- id: a\n")
    assert (error.line, error.column) == (3, 1)
    assert "tab" in (error.hint or "")


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("name: &n x\ndescription: *n\nsteps: []\n", 2, 14),
        ("name: x\nsteps:\n  - &s {id: a, kind: reply, message: hi}\n  - *s\n", 4, 5),
        # The billion laughs: refused at the first alias, long before anything expands.
        ("a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n", 2, 8),
    ],
)
def test_aliases_are_refused(text: str, line: int, column: int) -> None:
    error = only_error(text)
    assert "aliases" in error.message
    assert (error.line, error.column) == (line, column)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("name: !!python/object/apply:os.system ['echo hi']\nsteps: []\n", 1, 7),
        ("name: x\nsteps: !!python/object/apply:os.system ['echo hi']\n", 2, 8),
        ("name: !!python/name:os.system\n", 1, 7),
        ("name: x\ndescription: !foo bar\n", 2, 14),
        ("name: x\nsteps: !custom\n  - {id: a}\n", 2, 8),
        ("name: x\ninputs: !!set {a, b}\n", 2, 9),
        ("name: x\ninputs: !!omap [a: 1]\n", 2, 9),
    ],
)
def test_python_and_custom_tags_are_refused(text: str, line: int, column: int) -> None:
    error = only_error(text)
    assert "tag" in error.message and "tags" in (error.hint or "")
    assert (error.line, error.column) == (line, column)


def test_duplicate_keys_are_refused_at_the_second_one() -> None:
    error = only_error("name: x\nsteps:\n  - id: a\n    kind: reply\n    id: b\n    message: hi\n")
    assert "duplicate key 'id'" in error.message
    assert (error.line, error.column, error.path) == (5, 5, "steps.0.id")


def test_files_over_64_kib_are_refused_before_parsing() -> None:
    text = GOOD + "# " + "x" * (64 * 1024) + "\n"
    error = only_error(text)
    assert "over the limit of 65536" in error.message and (error.line, error.column) == (1, 1)
    accented = "description: " + "é" * (33 * 1024)  # 66 KiB in UTF-8 though only 33 K characters
    assert "over the limit" in only_error(accented).message


def test_read_text_caps_the_size_before_reading_everything(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (64 * 1024 + 1))
    with pytest.raises(PipelineError, match="over the limit") as info:
        read_text(big)
    assert info.value.file == str(big)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: ñ".encode("latin-1"))
    with pytest.raises(PipelineError, match="not UTF-8"):
        read_text(latin)


@pytest.mark.parametrize("text", ["- a\n- b\n", "just text\n", "42\n", "[name, steps]\n"])
def test_documents_that_are_not_mappings_are_refused(text: str) -> None:
    error = only_error(text)
    assert "must be a mapping" in error.message and (error.line, error.column) == (1, 1)


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n", "---\n"])
def test_empty_files_are_refused(text: str) -> None:
    error = only_error(text)
    assert "empty" in error.message and (error.line, error.column) == (1, 1)


def test_several_documents_are_refused_at_the_second() -> None:
    error = only_error(GOOD + "---\nname: otro\n")
    assert "single document" in error.message and "one pipeline per file" in (error.hint or "")
    assert (error.line, error.column) == (9, 1)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("name: x\x00\n", 1, 8),
        ("name: x\ndescription: a\x07b\n", 2, 15),
    ],
)
def test_control_characters_are_refused_with_their_position(text: str, line: int, column: int) -> None:
    error = only_error(text)
    assert "not allowed" in error.message and (error.line, error.column) == (line, column)


def test_unknown_step_kind_suggests_the_closest_one() -> None:
    error = only_error("name: x\nsteps:\n  - id: a\n    kind: tol\n    tool: t\n")
    assert error.message == "unknown step kind 'tol'; did you mean 'tool'?"
    assert (error.line, error.column, error.path, error.step) == (4, 5, "steps.0.kind", "a")
    far = only_error("name: x\nsteps:\n  - id: a\n    kind: zzzzzz\n")
    assert "valid kinds: tool, llm, ask, set, pipeline, reply" in (far.hint or "")


def test_a_step_without_kind_lists_the_kinds() -> None:
    error = only_error("name: x\nsteps:\n  - id: a\n    message: hi\n")
    assert "no 'kind'" in error.message and (error.line, error.column) == (3, 5)


def test_unknown_field_points_at_the_field_with_a_hint() -> None:
    error = only_error("name: x\nsteps:\n  - id: a\n    kind: reply\n    message: hi\n    mesage: hi\n")
    assert error.message == "unknown field 'mesage'; did you mean 'message'?"
    assert (error.line, error.column, error.path, error.step) == (6, 5, "steps.0.mesage", "a")
    top = only_error("name: x\ndescripcion: y\nsteps:\n  - {id: a, kind: reply, message: hi}\n")
    assert top.message == "unknown field 'descripcion'; did you mean 'description'?"
    assert (top.line, top.column, top.step) == (2, 1, None)


def test_missing_field_points_at_its_step() -> None:
    error = only_error("name: x\nsteps:\n  - id: a\n    kind: tool\n")
    assert error.message == "missing required field 'tool'; add 'tool:'"
    assert (error.line, error.column, error.path, error.step) == (3, 5, "steps.0.tool", "a")
    top = only_error("name: x\ndescription: y\n")
    assert "missing required field 'steps'" in top.message and (top.line, top.column) == (1, 1)


@pytest.mark.parametrize(
    ("text", "line", "column", "path"),
    [
        ("name: x\nsteps:\n  - id: Saludar\n    kind: reply\n    message: hi\n", 3, 5, "steps.0.id"),
        ("name: Mi-Pipeline\nsteps:\n  - {id: a, kind: reply, message: hi}\n", 1, 1, "name"),
        ("name: x\nsteps:\n  - {id: a, kind: reply, message: hi, next: ../b}\n", 3, 39, "steps.0.next.0.goto"),
    ],
)
def test_bad_id_patterns_are_refused(text: str, line: int, column: int, path: str) -> None:
    error = only_error(text)
    assert "is not a valid name" in error.message and "lower-case" in (error.hint or "")
    assert (error.line, error.column, error.path) == (line, column, path)


def test_deep_nesting_is_refused() -> None:
    text = "name: x\ndescription: " + "[" * 60 + "]" * 60 + "\n"
    error = only_error(text)
    assert "nests deeper" in error.message and error.line == 2 and error.column > 14


def test_all_problems_are_reported_together() -> None:
    text = (
        "name: x\nsteps:\n  - id: a\n    kind: reply\n    mesage: hi\n  - id: b\n    kind: tol\n"
        "  - id: C\n    kind: set\n    values: {x: 1}\n"
    )
    config, problems = collect_errors(text, file="p.yaml")
    assert config is None
    assert sorted((p.line, p.path) for p in problems) == [
        (3, "steps.0.message"),
        (5, "steps.0.mesage"),
        (7, "steps.1.kind"),
        (8, "steps.2.id"),
    ]
    with pytest.raises(PipelineErrors) as info:
        parse_text(text, file="p.yaml")
    assert len(info.value.errors) == 4 and len(info.value.details) == 4


def test_location_is_file_line_column_message() -> None:
    error = only_error("name: x\nsteps:\n  - id: a\n    kind: tol\n")
    assert error.location() == "p.yaml:4:5: unknown step kind 'tol'; did you mean 'tool'?"
    assert str(error) == error.location()
    assert error.as_item() == {"line": 4, "column": 5, "path": "steps.0.kind", "message": error.message}
    assert PipelineError("no file").location() == "<text>:0:0: no file"

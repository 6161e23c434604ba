"""Run arguments are checked against the declared inputs: unknown, missing, ill-typed, coerced."""

from __future__ import annotations

from typing import Any

import pytest

from errors import InputError
from graphs.run.engine import Engine
from graphs.run.runner import Runner


def test_unknown_inputs_are_refused_with_the_valid_ones(todo: Runner) -> None:
    with pytest.raises(InputError) as info:
        todo(cantidad=1, color="rojo")
    assert info.value.details == {"unknown": ["color"], "valid": ["cantidad", "nombre"]}
    assert "unknown input 'color'" in info.value.message


def test_missing_required_inputs_are_refused(eng: Engine) -> None:
    runner = eng.runner(
        "name: req\ninputs:\n  id: {type: integer, required: true}\n"
        "steps:\n  - {id: a, kind: reply, message: '{{ id }}'}\n"
    )
    with pytest.raises(InputError) as info:
        runner()
    assert info.value.details == {"missing": "id"}
    with pytest.raises(InputError):
        runner(id=None)
    assert runner(id="7").message == "7"


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("integer", "tres"),
        ("integer", "1.5"),
        ("integer", True),
        ("number", "x"),
        ("boolean", "quizá"),
        ("list", "a,b"),
        ("object", [1]),
        ("string", "x" * 10_001),
    ],
)
def test_ill_typed_inputs_are_refused(eng: Engine, kind: str, value: Any) -> None:
    runner = eng.runner(
        f"name: tipos\ninputs:\n  v: {{type: {kind}}}\nsteps:\n  - {{id: a, kind: reply, message: ok}}\n"
    )
    with pytest.raises(InputError) as info:
        runner(v=value)
    assert info.value.details["input"] == "v"


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("integer", " 12 ", 12),
        ("number", "3,5", 3.5),
        ("boolean", "sí", True),
        ("boolean", "no", False),
        ("string", 42, "42"),
        ("list", [1, 2], [1, 2]),
        ("object", {"a": 1}, {"a": 1}),
    ],
)
def test_inputs_are_coerced_to_their_declared_type(eng: Engine, kind: str, value: Any, expected: Any) -> None:
    runner = eng.runner(
        f"name: tipos\ninputs:\n  v: {{type: {kind}}}\nsteps:\n  - {{id: a, kind: reply, message: ok}}\noutputs: [v]\n"
    )
    assert runner(v=value).output == {"v": expected}

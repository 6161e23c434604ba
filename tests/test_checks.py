"""Semantic checks: each problem is found with its line, column, YAML path and step, and a fix hint."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, Field

from errors import PipelineError
from pipelines.loader import collect_errors
from tools.generic import generic_toolset
from tools.registry import ToolContext, ToolRegistry, ToolSet

HEAD = """\
name: p
inputs:
  a: {type: string}
tools:
  num: {kind: to_number}
steps:
"""  # six lines: the first step starts on line 7


class LimitParams(BaseModel):
    """Parameters of the test kind `limited`."""

    model_config = ConfigDict(extra="forbid")
    limit: int = Field(ge=1)


class NoArgs(BaseModel):
    """No arguments."""


_extra = ToolSet()


@_extra.tool("limited", args=NoArgs, params=LimitParams)
def limited(args: NoArgs, ctx: ToolContext) -> int:
    """Return the configured limit."""
    return ctx.params.limit  # type: ignore[attr-defined,no-any-return]


KINDS: Mapping[str, type[BaseModel]] = ToolRegistry(None, [generic_toolset, _extra]).param_models()


def problems(text: str, *, known: list[str] | None = None) -> list[PipelineError]:
    """Every problem of a pipeline text that parses."""
    config, found = collect_errors(text, file="p.yaml", tool_kinds=KINDS, known_pipelines=known)
    assert config is not None, [p.location() for p in found]
    return found


def one(text: str, **kwargs: Any) -> PipelineError:
    """The single problem of a pipeline text."""
    found = problems(text, **kwargs)
    assert len(found) == 1, [p.location() for p in found]
    assert found[0].file == "p.yaml" and found[0].pipeline == "p"
    return found[0]


def where(error: PipelineError) -> tuple[int | None, int | None, str, str | None]:
    """(line, column, path, step) of an error."""
    return error.line, error.column, error.path, error.step


def test_a_correct_pipeline_has_no_problems() -> None:
    assert (
        problems(
            HEAD + "  - {id: s1, kind: tool, tool: num, with: {text: '{{ a }}'}, save_as: n}\n"
            "  - {id: s2, kind: reply, message: 'n={{ n }}', end: true}\n"
        )
        == []
    )


def test_unknown_goto_target() -> None:
    error = one(
        HEAD + "  - id: s1\n    kind: reply\n    message: hi\n    next:\n      - {when: a, goto: s2}\n"
        "  - id: s3\n    kind: reply\n    message: x\n"
    )
    assert error.message.startswith("unknown goto target 's2'")
    assert where(error) == (11, 19, "steps.0.next.0.goto", "s1")
    assert "valid targets: s1, s3, end" in (error.hint or "")
    close = one(HEAD + "  - {id: saludar, kind: reply, message: hi, next: saludr}\n")
    assert close.hint == "did you mean 'saludar'?"


def test_unreachable_step() -> None:
    error = one(HEAD + "  - {id: s1, kind: reply, message: hi, end: true}\n  - {id: s2, kind: reply, message: x}\n")
    assert error.reason == "step 's2' is unreachable"
    assert where(error) == (8, 6, "steps.1.id", "s2")
    after_goto = one(
        HEAD + "  - {id: s1, kind: reply, message: hi, next: s3}\n  - {id: s2, kind: reply, message: x}\n"
        "  - {id: s3, kind: reply, message: y}\n"
    )
    assert after_goto.step == "s2"


def test_unknown_tool_in_tool_and_llm_steps() -> None:
    error = one(HEAD + "  - id: s1\n    kind: tool\n    tool: nun\n")
    assert error.message == "unknown tool 'nun'; did you mean 'num'?"
    assert where(error) == (9, 5, "steps.0.tool", "s1")
    fallback = one(HEAD + "  - id: s1\n    kind: llm\n    prompt: hola\n    fallback: resumen\n")
    assert fallback.message.startswith("unknown tool 'resumen'") and "declared: num" in (fallback.hint or "")
    assert where(fallback) == (10, 5, "steps.0.fallback", "s1")


def test_unknown_tool_kind_lists_the_registered_kinds() -> None:
    error = one("name: p\ntools:\n  t: {kind: to_numbr}\nsteps:\n  - {id: s1, kind: tool, tool: t}\n")
    assert error.message.startswith("unknown tool kind 'to_numbr'; did you mean 'to_number'?")
    assert "valid kinds: echo, length, limited, split_list, to_number" in error.message
    assert where(error) == (3, 7, "tools.t.kind", None)


def test_unknown_tool_kind_is_not_checked_without_a_registry() -> None:
    text = "name: p\ntools:\n  t: {kind: anything}\nsteps:\n  - {id: s1, kind: tool, tool: t}\n"
    config, found = collect_errors(text)
    assert config is not None and found == []


@pytest.mark.parametrize(
    ("params", "column", "path", "words"),
    [
        ("{kind: limited}", 3, "tools.t.limit", "Field required"),
        ("{kind: limited, limit: 0}", 22, "tools.t.limit", "greater than or equal to 1"),
        ("{kind: limited, limit: 3, colour: red}", 32, "tools.t.colour", "Extra inputs are not permitted"),
        ("{kind: to_number, limit: 3}", 24, "tools.t.limit", "Extra inputs are not permitted"),
    ],
)
def test_bad_tool_params_are_checked_by_the_kinds_model(params: str, column: int, path: str, words: str) -> None:
    error = one(f"name: p\ntools:\n  t: {params}\nsteps:\n  - {{id: s1, kind: tool, tool: t}}\n")
    assert words in error.message and error.message.startswith("tool 't' (")
    assert where(error) == (3, column, path, None)


def test_duplicate_step_ids_and_the_reserved_end() -> None:
    error = one(HEAD + "  - {id: s1, kind: reply, message: hi}\n  - {id: s1, kind: reply, message: x}\n")
    assert error.reason == "step id 's1' is used by an earlier step"
    assert where(error) == (8, 6, "steps.1.id", "s1")
    reserved = one(HEAD + "  - {id: end, kind: reply, message: hi}\n")
    assert reserved.reason == "step id 'end' is reserved" and where(reserved)[:2] == (7, 6)


def test_loop_without_max_visits() -> None:
    error = one(
        HEAD + "  - {id: s1, kind: reply, message: hi}\n"
        "  - id: s2\n    kind: reply\n    message: x\n    next:\n      - {when: a, goto: s1}\n"
    )
    assert error.reason == "step 's2' loops back to 's1' but no step of the loop declares max_visits"
    assert error.hint == "add e.g. 'max_visits: 10' to step 's1'"
    assert where(error) == (12, 19, "steps.1.next.0.goto", "s2")
    self_loop = one(HEAD + "  - {id: s1, kind: reply, message: hi, next: [{when: a, goto: s1}]}\n")
    assert self_loop.step == "s1" and self_loop.line == 7


def test_max_visits_anywhere_on_the_cycle_bounds_it() -> None:
    text = (
        HEAD + "  - {id: s1, kind: reply, message: hi}\n  - {id: s2, kind: reply, message: x, max_visits: 5}\n"
        "  - {id: s3, kind: reply, message: y, next: [{when: a, goto: s1}]}\n"
    )
    assert problems(text) == []


def test_max_visits_on_a_step_outside_the_cycle_does_not_bound_it() -> None:
    # s1 -> s3 -> s1 skips s2: the bound on s2 (between them in the file) does not stop that loop.
    text = (
        HEAD + "  - {id: s1, kind: reply, message: hi, next: [{when: a, goto: s3}]}\n"
        "  - {id: s2, kind: reply, message: x, max_visits: 5}\n"
        "  - {id: s3, kind: reply, message: y, next: [{when: a, goto: s1}, {goto: end}]}\n"
    )
    error = one(text)
    assert error.step == "s3" and error.path == "steps.2.next.0.goto"


def test_sub_pipeline_referring_to_itself() -> None:
    error = one(HEAD + "  - id: s1\n    kind: pipeline\n    pipeline: p\n", known=["p", "otro"])
    assert error.reason == "a pipeline cannot run itself as a sub-pipeline"
    assert where(error) == (9, 5, "steps.0.pipeline", "s1")


def test_unknown_sub_pipeline() -> None:
    error = one(HEAD + "  - id: s1\n    kind: pipeline\n    pipeline: ejemplo_simpl\n", known=["p", "ejemplo_simple"])
    assert error.message == "unknown pipeline 'ejemplo_simpl'; did you mean 'ejemplo_simple'?"
    assert where(error) == (9, 5, "steps.0.pipeline", "s1")
    unchecked = HEAD + "  - id: s1\n    kind: pipeline\n    pipeline: ejemplo_simpl\n"
    assert collect_errors(unchecked, tool_kinds=KINDS)[1] == []  # no list of pipelines: nothing to check against


@pytest.mark.parametrize(
    ("step", "path", "column"),
    [
        ("{id: s1, kind: set, values: {run_id: 1}}", "steps.0.values.run_id", 34),
        ("{id: s1, kind: tool, tool: num, save_as: session_id}", "steps.0.save_as", 37),
        ("{id: s1, kind: ask, question: '?', slot: run_id}", "steps.0.slot", 40),
    ],
)
def test_reserved_state_keys_cannot_be_written(step: str, path: str, column: int) -> None:
    error = one(HEAD + f"  - {step}\n")
    assert "reserved key" in error.message and where(error) == (7, column, path, "s1")
    reserved_input = one("name: p\ninputs:\n  session_id: {}\nsteps:\n  - {id: s1, kind: reply, message: hi}\n")
    assert where(reserved_input) == (3, 3, "inputs.session_id", None)


def test_builtin_variables_can_be_read() -> None:
    assert problems(HEAD + "  - {id: s1, kind: reply, message: '{{ run_id }} {{ session_id }}'}\n") == []


def test_problems_come_in_file_order() -> None:
    found = problems(
        HEAD + "  - {id: s1, kind: reply, message: '{{ x }}', next: nowhere}\n  - {id: s1, kind: tool, tool: nada}\n"
    )
    assert [e.line for e in found] == sorted(e.line for e in found)
    assert {e.message.split(" '")[0] for e in found} >= {
        "unknown goto target",
        "template variable",
        "step id",
        "unknown tool",
    }

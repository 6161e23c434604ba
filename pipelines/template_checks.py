"""Template checks: every template and condition parses and reads only variables set before it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pipelines import expressions
from pipelines.check_support import Problems, error_at, step_edges, suggest
from pipelines.schema import (
    AskStep,
    LlmStep,
    PipelineConfig,
    PipelineStep,
    ReplyStep,
    SetStep,
    StepConfig,
    ToolStep,
    provided_keys,
)

BUILTIN_VARIABLES = frozenset({"run_id", "session_id"})


def _strings(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every string inside a (possibly nested) template value, with its path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _strings(item, (*path, i))


def _templates(step: StepConfig) -> Iterator[tuple[tuple[Any, ...], str, bool]]:
    """(path inside the step, text, is_condition) for every template of a step."""
    fields: dict[str, Any] = {}
    if isinstance(step, ToolStep | PipelineStep):
        fields = {"with": step.with_}
    elif isinstance(step, LlmStep):
        fields = {"prompt": step.prompt, "system": step.system, "with": step.with_}
    elif isinstance(step, AskStep):
        fields = {"question": step.question, "options": step.options, "data": step.data, "help": step.help}
        if step.valid:
            yield ("valid",), step.valid, True
    elif isinstance(step, SetStep):
        fields = {"values": step.values}
    elif isinstance(step, ReplyStep):
        fields = {"message": step.message, "data": step.data}
    for name, value in fields.items():
        for path, text in _strings(value, (name,)):
            yield path, text, False
    for j, branch in enumerate(step.next or []):
        if branch.when:
            yield ("next", j, "when"), branch.when, True


def _ancestors(config: PipelineConfig) -> dict[str, set[str]]:
    edges = step_edges(config)
    parents: dict[str, set[str]] = {s.id: set() for s in config.steps}
    for source, targets in edges.items():
        for target in targets:
            parents.setdefault(target, set()).add(source)
    result: dict[str, set[str]] = {}
    for step in config.steps:
        seen, todo = set(), list(parents[step.id])
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(parents.get(current, ()))
        result[step.id] = seen
    return result


def check_templates(config: PipelineConfig) -> Problems:
    """Templates that do not parse, or read a variable no input or earlier step provides."""
    by_id = {s.id: s for s in config.steps}
    ancestors = _ancestors(config)
    base = set(config.inputs) | BUILTIN_VARIABLES
    everything = set(config.state_keys()) | BUILTIN_VARIABLES
    for i, step in enumerate(config.steps):
        known = base | {k for a in ancestors.get(step.id, ()) if a in by_id for k in provided_keys(by_id[a])}
        if isinstance(step, LlmStep):
            known |= set(step.with_)
        for sub_path, text, is_condition in _templates(step):
            path = ("steps", i, *sub_path)
            step_known = known | set(provided_keys(step)) if is_condition else known
            if isinstance(step, SetStep) and sub_path[0] == "values":
                # A set step assigns in order, so a value may read the keys assigned before it.
                step_known = known | set(list(step.values)[: list(step.values).index(sub_path[1])])
            yield from _check_template(config, path, text, is_condition, step_known, everything, step.id)
    for name, template in config.outputs.items():
        for path, text in _strings(template, ("outputs", name)):
            yield from _check_template(config, path, text, False, everything, everything, None)


def _check_template(
    config: PipelineConfig,
    path: tuple[Any, ...],
    text: str,
    is_condition: bool,
    known: set[str],
    everything: set[str],
    step: str | None,
) -> Problems:
    try:
        expressions.check_syntax(text, condition=is_condition)
        names = expressions.variables(text, condition=is_condition)
    except expressions.ExpressionSyntaxError as exc:
        yield error_at(
            config, path, f"template error: {exc}", step=step, hint="check the {{ … }} braces, quotes and filter names"
        )
        return
    for name in sorted(names - known - set(expressions.ENV.globals)):
        if name in everything:
            where = "is set only by steps that cannot run before this one"
            hint = "set it in a step that runs earlier, or declare it under 'inputs:'"
        else:
            where = "is never set"
            hint = suggest(name, everything) or "declare it under 'inputs:' or save it in an earlier step"
        yield error_at(config, path, f"template variable '{name}' {where}", step=step, hint=hint)

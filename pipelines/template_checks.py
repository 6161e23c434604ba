"""Template checks: every template and condition parses and reads only variables set before it."""

from __future__ import annotations

from typing import Any

from pipelines.check_support import Problems, error_at, step_edges, suggest
from pipelines.expressions import ENV, ExpressionSyntaxError, check_syntax, variables
from pipelines.schema import PipelineConfig, provided_keys
from pipelines.steps.base import template_strings

BUILTIN_VARIABLES = frozenset({"run_id", "session_id"})


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
        for sub_path, text, is_condition in step.templates():
            path = ("steps", i, *sub_path)
            step_known = known | step.template_scope(sub_path, is_condition)
            yield from _check_template(config, path, text, is_condition, step_known, everything, step.id)
    for name, template in config.outputs.items():
        for path, text in template_strings(template, ("outputs", name)):
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
        check_syntax(text, condition=is_condition)
        names = variables(text, condition=is_condition)
    except ExpressionSyntaxError as exc:
        yield error_at(
            config, path, f"template error: {exc}", step=step, hint="check the {{ … }} braces, quotes and filter names"
        )
        return
    for name in sorted(names - known - set(ENV.globals)):
        if name in everything:
            where = "is set only by steps that cannot run before this one"
            hint = "set it in a step that runs earlier, or declare it under 'inputs:'"
        else:
            where = "is never set"
            hint = suggest(name, everything) or "declare it under 'inputs:' or save it in an earlier step"
        yield error_at(config, path, f"template variable '{name}' {where}", step=step, hint=hint)

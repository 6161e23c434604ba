"""Semantic checks of a parsed pipeline, one small function each; every problem is a PipelineError."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from errors import PipelineError
from pipelines import expressions
from pipelines.schema import (
    END,
    RESERVED_KEYS,
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
Problems = Iterator[PipelineError]


def _error(
    config: PipelineConfig, path: tuple[Any, ...], message: str, *, step: str | None = None, hint: str | None = None
) -> PipelineError:
    line, column = config.position(path)
    return PipelineError(
        message,
        file=config.source_file,
        line=line,
        column=column,
        path=".".join(map(str, path)),
        step=step,
        hint=hint,
        pipeline=config.name,
    )


def _suggest(word: str, choices: Collection[str]) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"did you mean '{close[0]}'?" if close else None


def successors(config: PipelineConfig, index: int) -> list[str]:
    """The step ids (or 'end') that may follow step `index`, in routing order."""
    step = config.steps[index]
    fallthrough = config.steps[index + 1].id if index + 1 < len(config.steps) else END
    if isinstance(step, ReplyStep) and step.end:
        return [END]
    if not step.next:
        return [fallthrough]
    targets = [branch.goto for branch in step.next]
    if all(branch.when for branch in step.next):
        targets.append(fallthrough)
    return list(dict.fromkeys(targets))


def check_duplicate_ids(config: PipelineConfig) -> Problems:
    """Two steps with the same id."""
    seen: set[str] = set()
    for i, step in enumerate(config.steps):
        if step.id in seen or step.id == END:
            what = "is reserved" if step.id == END else "is used by an earlier step"
            yield _error(
                config,
                ("steps", i, "id"),
                f"step id '{step.id}' {what}",
                step=step.id,
                hint="give every step a unique id",
            )
        seen.add(step.id)


def check_goto_targets(config: PipelineConfig) -> Problems:
    """A `goto` naming no step."""
    ids = {s.id for s in config.steps}
    for i, step in enumerate(config.steps):
        for j, branch in enumerate(step.next or []):
            if branch.goto != END and branch.goto not in ids:
                hint = _suggest(branch.goto, ids) or f"valid targets: {', '.join(sorted(ids))}, end"
                yield _error(
                    config,
                    ("steps", i, "next", j, "goto"),
                    f"unknown goto target '{branch.goto}'",
                    step=step.id,
                    hint=hint,
                )


def _edges(config: PipelineConfig) -> dict[str, list[str]]:
    return {step.id: successors(config, i) for i, step in enumerate(config.steps)}


def check_unreachable(config: PipelineConfig) -> Problems:
    """A step no path from the first step reaches."""
    edges, seen, todo = _edges(config), set(), [config.steps[0].id]
    while todo:
        current = todo.pop()
        if current in seen or current not in edges:
            continue
        seen.add(current)
        todo.extend(edges[current])
    for i, step in enumerate(config.steps):
        if step.id not in seen:
            yield _error(
                config,
                ("steps", i, "id"),
                f"step '{step.id}' is unreachable",
                step=step.id,
                hint="add a goto to it from another step, or remove it",
            )


def _reaches(edges: Mapping[str, list[str]], start: str, goal: str, avoid: Collection[str]) -> bool:
    seen, todo = set(), [start]
    while todo:
        current = todo.pop()
        if current == goal:
            return True
        if current in seen or current in avoid:
            continue
        seen.add(current)
        todo.extend(edges.get(current, ()))
    return False


def check_loops(config: PipelineConfig) -> Problems:
    """A goto back to an earlier step closing a cycle in which no step declares `max_visits`.

    Every cycle has such a back edge (fall-through only goes forward), and a back edge u -> v closes an
    unbounded cycle exactly when v reaches u through steps without `max_visits`.
    """
    index = {s.id: i for i, s in enumerate(config.steps)}
    bounded = {s.id for s in config.steps if s.max_visits}
    edges = _edges(config)
    for i, step in enumerate(config.steps):
        for j, branch in enumerate(step.next or []):
            target = index.get(branch.goto)
            if target is None or target > i or step.id in bounded or branch.goto in bounded:
                continue
            if _reaches(edges, branch.goto, step.id, bounded):
                yield _error(
                    config,
                    ("steps", i, "next", j, "goto"),
                    f"step '{step.id}' loops back to '{branch.goto}' but no step of the loop declares max_visits",
                    step=step.id,
                    hint=f"add e.g. 'max_visits: 10' to step '{branch.goto}'",
                )


def check_reserved_keys(config: PipelineConfig) -> Problems:
    """Steps or inputs writing a state key the engine reserves (run_id, session_id, end)."""
    for name in config.inputs:
        if name in RESERVED_KEYS:
            yield _error(
                config, ("inputs", name), f"'{name}' is reserved and cannot be an input", hint="choose another name"
            )
    for i, step in enumerate(config.steps):
        for key in provided_keys(step):
            if key in RESERVED_KEYS:
                yield _error(
                    config,
                    ("steps", i, *_writer_field(step, key)),
                    f"step '{step.id}' writes the reserved key '{key}'",
                    step=step.id,
                    hint=f"the engine provides '{key}' itself; save into another name",
                )


def _writer_field(step: StepConfig, key: str) -> tuple[str, ...]:
    """The field of `step` that names the state key `key`."""
    for name in ("values", "outputs"):
        if key in (getattr(step, name, None) or {}):
            return (name, key)
    return ("slot",) if getattr(step, "slot", None) == key else ("save_as",)


def check_tools(config: PipelineConfig, tool_kinds: Mapping[str, type[BaseModel]] | None) -> Problems:
    """Steps naming undeclared tools; tools of unknown kinds or with bad parameters."""
    for i, step in enumerate(config.steps):
        for field in ("tool", "fallback"):
            name = getattr(step, field, None)
            if name is not None and name not in config.tools:
                declared = ", ".join(config.tools) or "none"
                hint = _suggest(name, config.tools) or f"declare it under 'tools:' (declared: {declared})"
                yield _error(config, ("steps", i, field), f"unknown tool '{name}'", step=step.id, hint=hint)
    if tool_kinds is None:
        return
    for name, tool in config.tools.items():
        model = tool_kinds.get(tool.kind)
        if model is None:
            hint = _suggest(tool.kind, tool_kinds) or ""
            yield _error(
                config,
                ("tools", name, "kind"),
                f"unknown tool kind '{tool.kind}'",
                hint=f"{hint + ' ' if hint else ''}valid kinds: {', '.join(sorted(tool_kinds))}",
            )
            continue
        try:
            model.model_validate(tool.params)
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(err["loc"])
                yield _error(
                    config,
                    ("tools", name, *loc),
                    f"tool '{name}' ({tool.kind}): {'.'.join(map(str, loc)) or 'parameters'}: {err['msg']}",
                )


def check_sub_pipelines(config: PipelineConfig, known: Collection[str] | None) -> Problems:
    """`pipeline` steps naming this pipeline itself, or no known pipeline."""
    for i, step in enumerate(config.steps):
        if not isinstance(step, PipelineStep):
            continue
        if step.pipeline == config.name:
            yield _error(
                config,
                ("steps", i, "pipeline"),
                "a pipeline cannot run itself as a sub-pipeline",
                step=step.id,
                hint="use a goto to loop inside the pipeline instead",
            )
        elif known is not None and step.pipeline not in known:
            hint = _suggest(step.pipeline, known) or f"known pipelines: {', '.join(sorted(known))}"
            yield _error(
                config, ("steps", i, "pipeline"), f"unknown pipeline '{step.pipeline}'", step=step.id, hint=hint
            )


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
        fields = {"question": step.question, "options": step.options, "data": step.data}
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
    edges = _edges(config)
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
        yield _error(
            config, path, f"template error: {exc}", step=step, hint="check the {{ … }} braces, quotes and filter names"
        )
        return
    for name in sorted(names - known - set(expressions.ENV.globals)):
        if name in everything:
            where = "is set only by steps that cannot run before this one"
            hint = "set it in a step that runs earlier, or declare it under 'inputs:'"
        else:
            where = "is never set"
            hint = _suggest(name, everything) or "declare it under 'inputs:' or save it in an earlier step"
        yield _error(config, path, f"template variable '{name}' {where}", step=step, hint=hint)


def run_checks(
    config: PipelineConfig,
    *,
    tool_kinds: Mapping[str, type[BaseModel]] | None = None,
    known_pipelines: Collection[str] | None = None,
) -> list[PipelineError]:
    """Every semantic problem of `config`, in file order."""
    problems = [
        *check_duplicate_ids(config),
        *check_goto_targets(config),
        *check_unreachable(config),
        *check_loops(config),
        *check_reserved_keys(config),
        *check_tools(config, tool_kinds),
        *check_sub_pipelines(config, known_pipelines),
        *check_templates(config),
    ]
    return sorted(problems, key=lambda e: (e.line or 0, e.column or 0))

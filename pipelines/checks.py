"""Semantic checks of a parsed pipeline, one small function each; every problem is a PipelineError."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from pydantic import BaseModel, ValidationError

from errors import PipelineError
from pipelines.check_support import Problems, error_at, step_edges, suggest
from pipelines.repair_checks import check_corrections, check_digressions, check_questions
from pipelines.schema import END, RESERVED_KEYS, PipelineConfig, StepConfig, provided_keys
from pipelines.template_checks import check_templates


def check_duplicate_ids(config: PipelineConfig) -> Problems:
    """Two steps with the same id."""
    seen: set[str] = set()
    for i, step in enumerate(config.steps):
        if step.id in seen or step.id == END:
            what = "is reserved" if step.id == END else "is used by an earlier step"
            yield error_at(
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
                hint = suggest(branch.goto, ids) or f"valid targets: {', '.join(sorted(ids))}, end"
                yield error_at(
                    config,
                    ("steps", i, "next", j, "goto"),
                    f"unknown goto target '{branch.goto}'",
                    step=step.id,
                    hint=hint,
                )


def check_unreachable(config: PipelineConfig) -> Problems:
    """A step no path from the first step reaches."""
    edges, seen, todo = step_edges(config), set(), [config.steps[0].id]
    while todo:
        current = todo.pop()
        if current in seen or current not in edges:
            continue
        seen.add(current)
        todo.extend(edges[current])
    for i, step in enumerate(config.steps):
        if step.id not in seen:
            yield error_at(
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
    edges = step_edges(config)
    for i, step in enumerate(config.steps):
        for j, branch in enumerate(step.next or []):
            target = index.get(branch.goto)
            if target is None or target > i or step.id in bounded or branch.goto in bounded:
                continue
            if _reaches(edges, branch.goto, step.id, bounded):
                yield error_at(
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
            yield error_at(
                config, ("inputs", name), f"'{name}' is reserved and cannot be an input", hint="choose another name"
            )
    for i, step in enumerate(config.steps):
        for key in provided_keys(step):
            if key in RESERVED_KEYS:
                yield error_at(
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
                hint = suggest(name, config.tools) or f"declare it under 'tools:' (declared: {declared})"
                yield error_at(config, ("steps", i, field), f"unknown tool '{name}'", step=step.id, hint=hint)
    if tool_kinds is None:
        return
    for name, tool in config.tools.items():
        model = tool_kinds.get(tool.kind)
        if model is None:
            hint = suggest(tool.kind, tool_kinds) or ""
            yield error_at(
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
                yield error_at(
                    config,
                    ("tools", name, *loc),
                    f"tool '{name}' ({tool.kind}): {'.'.join(map(str, loc)) or 'parameters'}: {err['msg']}",
                )


def check_steps(config: PipelineConfig, known_pipelines: Collection[str] | None) -> Problems:
    """What each step's own kind finds wrong with it (e.g. a `pipeline` step naming no known pipeline)."""
    for i, step in enumerate(config.steps):
        yield from step.problems(config, i, known_pipelines)


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
        *check_steps(config, known_pipelines),
        *check_templates(config),
        *check_corrections(config),
        *check_digressions(config, known_pipelines),
        *check_questions(config),
    ]
    return sorted(problems, key=lambda e: (e.line or 0, e.column or 0))

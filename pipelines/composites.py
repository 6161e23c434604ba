"""Expand composite steps (collect, foreach, confirm) into the plain steps a hand-written pipeline would use.

Every generated step keeps an id derived from its composite's (`<id>__resolve`, `<id>__choose`, …; the entry
step has the composite's own id, so `goto: <id>` and corrections reach it), the composite's id as `group` (the
viewer draws the group as one box) and the YAML path it came from as `origin` (errors point at the author's text).
Interrupts stay alone in their ask steps; validation and writes stay in set and tool steps.
"""

from __future__ import annotations

from typing import Any

from pipelines.composite_collect import expand_collect
from pipelines.composite_confirm import expand_confirm
from pipelines.composite_parts import Item, exit_routes, literal, make
from pipelines.composite_schema import CollectStep, ConfirmStep, ForeachStep
from pipelines.schema import PipelineStep, SetStep
from pipelines.step_base import _Step

COMPOSITES = (CollectStep, ForeachStep, ConfirmStep)


def has_composites(steps: list[Any]) -> bool:
    """Whether any step is a composite step."""
    return any(isinstance(step, COMPOSITES) for step in steps)


def expand(steps: list[Any]) -> list[_Step]:
    """The plain steps `steps` stand for, in order; a pipeline without composites comes back with origins only."""
    return _expand_list(steps, ("steps",), group=None, item=None)


def _expand_list(steps: list[Any], path: tuple[Any, ...], group: str | None, item: Item | None) -> list[_Step]:
    flat: list[_Step] = []
    for index, step in enumerate(steps):
        here = (*path, index)
        after = steps[index + 1].id if index + 1 < len(steps) else None
        if isinstance(step, CollectStep):
            flat += expand_collect(step, here, group or step.id, item)
        elif isinstance(step, ForeachStep):
            flat += _foreach(step, here, group or step.id, after)
        elif isinstance(step, ConfirmStep):
            flat += expand_confirm(step, here, group or step.id, after)
        else:
            flat.append(step.model_copy(update={"origin": here, "group": group}))
    return flat


def _foreach(step: ForeachStep, here: tuple[Any, ...], group: str, after: str | None) -> list[_Step]:
    fid, items, name, index = step.id, step.items, step.as_, step.index_key
    write, walk = f"{fid}__write", fid if step.done else f"{fid}__next"
    if step.pipeline:
        body: list[_Step] = [
            make(
                PipelineStep,
                (*here, "pipeline"),
                group,
                id=f"{fid}__run",
                pipeline=step.pipeline,
                outputs=step.outputs,
                **{"with": step.with_},
            )
        ]
    else:
        body = _expand_list(step.steps, (*here, "steps"), group, Item(name, write))
    first = body[0].id
    enter = [{"when": f"{index} >= 0" if step.done else f"{index} < ({items} or []) | length", "goto": first}]
    out: list[_Step] = []
    if step.done:
        scan = "{{ " + f"{items} | pending_index({literal(name)}, {literal(step.done)})" + " }}"
        current = {index: scan, name: "{{ " + f"{items}[{index}] if {index} >= 0 else none" + " }}"}
        out.append(
            make(
                SetStep,
                (*here, "done"),
                group,
                id=fid,
                values=current,
                max_visits=step.max_visits,
                next=enter + exit_routes(step, after),
            )
        )
    else:
        out.append(make(SetStep, (*here, "items"), group, id=fid, values={index: "{{ -1 }}"}))
        following = {
            index: "{{ " + index + " + 1 }}",
            name: "{{ " + f"{items}[{index}] if {index} < ({items} or []) | length else none" + " }}",
        }
        out.append(
            make(
                SetStep,
                (*here, "items"),
                group,
                id=walk,
                values=following,
                max_visits=step.max_visits,
                next=enter + exit_routes(step, after),
            )
        )
    values: dict[str, Any] = {}
    if step.update:
        values[f"{fid}_update"] = dict(step.update)
        values[name] = "{{ " + f"none if {name} is none else {name} | merge({fid}_update)" + " }}"
    values[items] = (
        "{{ " + f"{items} | remove_at({index}) if {name} is none else {items} | replace_at({index}, {name})" + " }}"
    )
    if not step.done:
        values[index] = "{{ " + f"{index} - 1 if {name} is none else {index}" + " }}"
    out += body
    out.append(make(SetStep, (*here, "update"), group, id=write, values=values, next=walk))
    return out

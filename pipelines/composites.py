"""Expand composite steps (collect, foreach, confirm) into the plain steps a hand-written pipeline would use.

Every generated step keeps an id derived from its composite's (`<id>__resolve`, `<id>__choose`, …; the entry
step has the composite's own id, so `goto: <id>` and corrections reach it), the composite's id as `group` (the
viewer draws the group as one box) and the YAML path it came from as `origin` (errors point at the author's text).
Interrupts stay alone in their ask steps; validation and writes stay in set and tool steps.
"""

from __future__ import annotations

import json
from typing import Any, get_args

from pipelines.composite_schema import CollectStep, ConfirmStep, ForeachStep
from pipelines.schema import AskStep, PipelineStep, ReplyStep, SetStep, ToolStep
from pipelines.step_base import END, _Step

COMPOSITES = (CollectStep, ForeachStep, ConfirmStep)
# Answers that drop the current item at a collect question (compared after `norm`).
REMOVE_WORDS = ["quitar", "quita", "eliminar", "elimina", "borrar", "borra", "remove", "delete"]


def has_composites(steps: list[Any]) -> bool:
    """Whether any step is a composite step."""
    return any(isinstance(step, COMPOSITES) for step in steps)


def expand(steps: list[Any]) -> list[_Step]:
    """The plain steps `steps` stand for, in order; a pipeline without composites comes back with origins only."""
    return _expand_list(steps, ("steps",), group=None, item=None)


class _Item:
    """The foreach item in scope: its name and the step that writes it back (where «quitar» goes)."""

    def __init__(self, name: str, write: str) -> None:
        self.name, self.write = name, write


def _expand_list(steps: list[Any], path: tuple[Any, ...], group: str | None, item: _Item | None) -> list[_Step]:
    flat: list[_Step] = []
    for index, step in enumerate(steps):
        here = (*path, index)
        after = steps[index + 1].id if index + 1 < len(steps) else None
        if isinstance(step, CollectStep):
            flat += _collect(step, here, group or step.id, item)
        elif isinstance(step, ForeachStep):
            flat += _foreach(step, here, group or step.id, after)
        elif isinstance(step, ConfirmStep):
            flat += _confirm(step, here, group or step.id, after)
        else:
            flat.append(step.model_copy(update={"origin": here, "group": group}))
    return flat


def _make(cls: type[_Step], origin: tuple[Any, ...], group: str, **fields: Any) -> _Step:
    fields = {k: v for k, v in fields.items() if v is not None}
    fields["kind"] = get_args(cls.model_fields["kind"].annotation)[0]
    return cls.model_validate(fields).model_copy(update={"origin": origin, "group": group})


def _exit(step: _Step, after: str | None) -> list[dict[str, Any]]:
    """The composite's own routing, then the step after it (branches a generated router appends)."""
    branches = [b.model_dump(exclude_none=True) for b in step.next or []]
    if not branches or branches[-1].get("when"):
        branches.append({"goto": after or END})
    return branches


def _literal(value: str) -> str:
    """A Jinja string literal (JSON's escapes are Jinja's)."""
    return json.dumps(value, ensure_ascii=False)


def _collect(step: CollectStep, here: tuple[Any, ...], group: str, item: _Item | None) -> list[_Step]:
    sid, value = step.id, step.slot
    result, found, answer, parsed = f"{sid}_result", f"{sid}_suggestions", f"{sid}_answer", f"{sid}_parsed"
    resolver = f"{sid}__resolve" if step.question else sid
    choose, save = f"{sid}__choose", f"{sid}__save"
    twice = 2 * step.max_visits if step.max_visits else None
    exact = f"{result}.status == 'exact'"
    routes = [{"when": f"{exact} and ({step.valid})" if step.valid else exact, "goto": save}]
    routes.append({"when": f"{result}.status == 'several'", "goto": choose})
    if step.valid:
        routes.append({"when": exact, "goto": choose})
    routes.append({"goto": f"{sid}__suggest" if step.suggest else choose})
    out: list[_Step] = []
    if step.question:
        out.append(
            _make(
                AskStep,
                (*here, "question"),
                group,
                id=sid,
                slot=value,
                question=step.question,
                help=step.help,
                max_visits=step.max_visits,
            )
        )
    default_with = {"text": "{{ " + value + " }}"}
    out.append(
        _make(
            ToolStep,
            (*here, "resolve"),
            group,
            id=resolver,
            tool=step.resolve,
            save_as=result,
            max_visits=twice,
            next=routes,
            **{"with": step.with_ or default_with},
        )
    )
    if step.suggest:
        args = step.suggest_with or {**default_with, "k": 3, "min_score": 0.2}
        out.append(
            _make(
                ToolStep,
                (*here, "suggest"),
                group,
                id=f"{sid}__suggest",
                tool=step.suggest,
                save_as=found,
                **{"with": args},
            )
        )
    question = (
        f"{{% set value = {value} %}}{{% if {result}.status == 'several' %}}{step.several}"
        f"{{%- elif {result}.status == 'exact' %}}{step.invalid}"
        + (f"{{%- elif {found} %}}{step.suggestions}" if step.suggest else "")
        + f"{{%- else %}}{step.none}{{% endif %}}"
    )
    options = (
        f"{{{{ {result}.candidates | map(attribute={_literal(step.label)}) | list if {result}.status == 'several' "
        + (f"else [] if {result}.status == 'exact' else ({found} or []) | map(attribute='text') | list }}}}" if step.suggest else "else [] }}")
    )
    removable = step.remove and item is not None
    drop = [{"when": f"{answer} | norm in {REMOVE_WORDS}", "goto": f"{sid}__remove"}] if removable else None
    out.append(
        _make(
            AskStep,
            (*here, "several"),
            group,
            id=choose,
            save_as=answer,
            question=question,
            options=options,
            help=step.help,
            max_visits=step.max_visits,
            next=drop,
        )
    )
    if step.parse:
        out.append(
            _make(
                ToolStep,
                (*here, "parse"),
                group,
                id=f"{sid}__parse",
                tool=step.parse,
                save_as=parsed,
                **{"with": {"text": "{{ " + answer + " }}"}},
            )
        )
    out.append(
        _make(
            SetStep,
            (*here, "slot"),
            group,
            id=f"{sid}__answer",
            values=_answer_values(step, answer, parsed),
            next=resolver,
        )
    )
    if removable and item is not None:
        out.append(
            _make(
                SetStep,
                (*here, "remove"),
                group,
                id=f"{sid}__remove",
                values={item.name: "{{ none }}"},
                next=item.write,
            )
        )
    saved = {step.save_as: "{{ " + result + ".match }}"} if step.save_as else {result: "{{ " + result + " }}"}
    nxt = [b.model_dump(exclude_none=True) for b in step.next] if step.next else None
    out.append(_make(SetStep, (*here, "save_as"), group, id=save, values=saved, next=nxt))
    return out


def _answer_values(step: CollectStep, answer: str, parsed: str) -> dict[str, str]:
    """The slot (or item field) after an answer: the answer itself, or what the `parse` tool read in it."""
    if "." not in step.slot:
        if not step.parse:
            return {step.slot: "{{ " + answer + " }}"}
        return {step.slot: "{{ " + f"{step.slot} if {parsed} is none else {parsed}" + " }}"}
    item, field = step.slot.split(".", 1)
    if not step.parse:
        return {item: "{{ " + f"{item} | merge({{{_literal(field)}: {answer}}})" + " }}"}
    return {
        item: "{{ "
        f"{item} if {parsed} is none else {item} | merge({parsed} | filled) if {parsed} is mapping "
        f"else {item} | merge({{{_literal(field)}: {parsed}}})" + " }}"
    }


def _foreach(step: ForeachStep, here: tuple[Any, ...], group: str, after: str | None) -> list[_Step]:
    fid, items, name, index = step.id, step.items, step.as_, step.index_key
    write, walk = f"{fid}__write", fid if step.done else f"{fid}__next"
    if step.pipeline:
        body: list[_Step] = [
            _make(
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
        body = _expand_list(step.steps, (*here, "steps"), group, _Item(name, write))
    first = body[0].id
    enter = [{"when": f"{index} >= 0" if step.done else f"{index} < ({items} or []) | length", "goto": first}]
    out: list[_Step] = []
    if step.done:
        scan = "{{ " + f"{items} | pending_index({_literal(name)}, {_literal(step.done)})" + " }}"
        current = {index: scan, name: "{{ " + f"{items}[{index}] if {index} >= 0 else none" + " }}"}
        out.append(
            _make(
                SetStep,
                (*here, "done"),
                group,
                id=fid,
                values=current,
                max_visits=step.max_visits,
                next=enter + _exit(step, after),
            )
        )
    else:
        out.append(_make(SetStep, (*here, "items"), group, id=fid, values={index: "{{ -1 }}"}))
        following = {
            index: "{{ " + index + " + 1 }}",
            name: "{{ " + f"{items}[{index}] if {index} < ({items} or []) | length else none" + " }}",
        }
        out.append(
            _make(
                SetStep,
                (*here, "items"),
                group,
                id=walk,
                values=following,
                max_visits=step.max_visits,
                next=enter + _exit(step, after),
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
    out.append(_make(SetStep, (*here, "update"), group, id=write, values=values, next=walk))
    return out


def _confirm(step: ConfirmStep, here: tuple[Any, ...], group: str, after: str | None) -> list[_Step]:
    cid, items, edits = step.id, step.items, step.edits
    answer, edit, found = f"{cid}_answer", f"{cid}_edit", f"{cid}_index"
    action = f"{edit}.action"
    routes = [
        {"when": f"{action} == 'confirm'" + (f" and ({b['when']})" if b.get("when") else ""), "goto": b["goto"]}
        for b in _exit(step, after)
    ]
    routes.append({"when": f"{action} == 'cancel'", "goto": step.cancel})
    for change in edits.set_slot:
        routes.append(
            {
                "when": f"{action} == '{change.action}' and {edit}.{change.value}",
                "goto": f"{cid}__set_{change.slot.lower()}",
            }
        )
    if edits.add:
        routes.append({"when": f"{action} == 'add' and {edit}.target", "goto": f"{cid}__add"})
    if edits.set_quantity or edits.remove:
        routes.append({"when": f"{action} in ['remove', 'set_quantity'] and {edit}.target", "goto": f"{cid}__find"})
    routes.append({"goto": f"{cid}__unclear"})
    out: list[_Step] = [
        _make(
            AskStep,
            (*here, "question"),
            group,
            id=cid,
            save_as=answer,
            question=step.question,
            options=list(step.options),
            data=step.data,
            help=step.help,
            max_visits=step.max_visits,
        ),
        _make(
            ToolStep,
            (*here, "reader"),
            group,
            id=f"{cid}__read",
            tool=step.reader,
            save_as=edit,
            next=routes,
            **{"with": {"text": "{{ " + answer + " }}"}},
        ),
    ]
    if edits.set_quantity or edits.remove:
        finds = [{"when": f"{found} < 0", "goto": f"{cid}__missing"}]
        finds.append({"when": f"{action} == 'remove'", "goto": f"{cid}__remove" if edits.remove else f"{cid}__unclear"})
        finds.append({"when": f"not {edit}.quantity or {edit}.quantity < 1", "goto": f"{cid}__unclear"})
        finds.append({"goto": f"{cid}__quantity" if edits.set_quantity else f"{cid}__unclear"})
        out.append(
            _make(
                ToolStep,
                (*here, "find"),
                group,
                id=f"{cid}__find",
                tool=step.find,
                save_as=found,
                next=finds,
                **{"with": {"items": "{{ " + str(items) + " }}", "text": "{{ " + edit + ".target }}"}},
            )
        )
    if edits.set_quantity:
        quantity = f"{items} | replace_at({found}, {items}[{found}] | merge({{'quantity': {edit}.quantity}}))"
        out.append(
            _make(
                SetStep,
                (*here, "edits", "set_quantity"),
                group,
                id=f"{cid}__quantity",
                values={items: "{{ " + quantity + " }}"},
                next=edits.set_quantity.goto,
            )
        )
    if edits.remove:
        out.append(
            _make(
                SetStep,
                (*here, "edits", "remove"),
                group,
                id=f"{cid}__remove",
                values={items: "{{ " + f"{items} | remove_at({found})" + " }}"},
                next=edits.remove.goto,
            )
        )
    if edits.add:
        new = (
            edits.add.item
            or "{{ {'text': "
            + edit
            + ".target, 'quantity': 1 if "
            + edit
            + ".quantity is none else "
            + edit
            + ".quantity} }}"
        )
        added = {f"{cid}_new": new, str(items): "{{ " + f"({items} or []) + [{cid}_new]" + " }}"}
        out.append(_make(SetStep, (*here, "edits", "add"), group, id=f"{cid}__add", values=added, next=edits.add.goto))
    for number, change in enumerate(edits.set_slot):
        values = {change.slot: "{{ " + f"{edit}.{change.value}" + " }}", **dict.fromkeys(change.clear, "{{ none }}")}
        out.append(
            _make(
                SetStep,
                (*here, "edits", "set_slot", number),
                group,
                id=f"{cid}__set_{change.slot.lower()}",
                values=values,
                next=change.goto,
            )
        )
    target = "{% set target = " + edit + ".target %}"
    out.append(
        _make(ReplyStep, (*here, "not_found"), group, id=f"{cid}__missing", message=target + step.not_found, next=cid)
    )
    out.append(
        _make(ReplyStep, (*here, "not_understood"), group, id=f"{cid}__unclear", message=step.not_understood, next=cid)
    )
    return out

"""`confirm`: a yes / no question over data whose declared edits go back through validation."""

from __future__ import annotations

from typing import Any

from pipelines.composite_parts import exit_routes, make
from pipelines.composite_schema import ConfirmStep
from pipelines.schema import AskStep, ReplyStep, SetStep, ToolStep
from pipelines.step_base import _Step


def expand_confirm(step: ConfirmStep, here: tuple[Any, ...], group: str, after: str | None) -> list[_Step]:
    cid, items, edits = step.id, step.items, step.edits
    answer, edit, found = f"{cid}_answer", f"{cid}_edit", f"{cid}_index"
    action = f"{edit}.action"
    routes = [
        {"when": f"{action} == 'confirm'" + (f" and ({b['when']})" if b.get("when") else ""), "goto": b["goto"]}
        for b in exit_routes(step, after)
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
        make(
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
        make(
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
            make(
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
            make(
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
            make(
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
        out.append(make(SetStep, (*here, "edits", "add"), group, id=f"{cid}__add", values=added, next=edits.add.goto))
    for number, change in enumerate(edits.set_slot):
        values = {change.slot: "{{ " + f"{edit}.{change.value}" + " }}", **dict.fromkeys(change.clear, "{{ none }}")}
        out.append(
            make(
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
        make(ReplyStep, (*here, "not_found"), group, id=f"{cid}__missing", message=target + step.not_found, next=cid)
    )
    out.append(
        make(ReplyStep, (*here, "not_understood"), group, id=f"{cid}__unclear", message=step.not_understood, next=cid)
    )
    return out

"""`confirm`: a yes / no question over data whose declared edits go back through validation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from pipelines.steps.ask import AskStep
from pipelines.steps.base import NAME_PATTERN, Key, Placement, StepBase, StrictModel
from pipelines.steps.composite import CompositeStep, ToolName, exit_routes, make
from pipelines.steps.reply import ReplyStep
from pipelines.steps.set import SetStep
from pipelines.steps.tool import ToolStep


class SetSlotEdit(StrictModel):
    """A confirmation edit that changes a slot («cambia el cliente a Z»)."""

    slot: Key
    action: str = Field(default="set_slot", pattern=NAME_PATTERN, description="the reader's action for this edit")
    value: Key = Field(default="value", description="the reader's field holding the new value")
    goto: ToolName = Field(description="the step that validates the new value")
    clear: list[Key] = Field(default_factory=list, description="keys emptied with the change")


class ItemEdit(StrictModel):
    """Where an item edit goes to be validated again."""

    goto: ToolName
    item: str | None = Field(default=None, description="add only: the new item (default: {text, quantity})")


class ConfirmEdits(StrictModel):
    """The edits a confirmation accepts (`remove: lineas` is short for `remove: {goto: lineas}`); an edit left
    out is answered as not understood."""

    set_quantity: ItemEdit | None = Field(default=None, description="«cambia X a 4»: the item's new quantity")
    remove: ItemEdit | None = Field(default=None, description="«quita X»: the item is dropped")
    add: ItemEdit | None = Field(default=None, description="«añade 2 Y»: a new item")
    set_slot: list[SetSlotEdit] = Field(default_factory=list, description="«cambia el cliente a Z»")

    @field_validator("set_quantity", "remove", "add", mode="before")
    @classmethod
    def _goto_shorthand(cls, value: Any) -> Any:
        return {"goto": value} if isinstance(value, str) else value


class ConfirmStep(CompositeStep):
    """Ask yes / no over data (a summary), applying declared edits and routing them back through validation."""

    kind: Literal["confirm"]
    max_visits: int | None = Field(default=100, ge=1, le=10_000, description="how often it may be asked")
    question: str
    help: str | None = Field(default=None, max_length=2000)
    data: Any = Field(default=None, description="what the question shows, e.g. the order table")
    options: list[str] = Field(default_factory=lambda: ["sí", "no"])
    reader: ToolName = Field(
        description="a tool reading the answer: {action: confirm|cancel|add|remove|set_quantity|…, target, quantity}"
    )
    items: Key | None = Field(default=None, description="the list slot that item edits change")
    find: ToolName | None = Field(default=None, description="a tool giving the index of the item an edit names")
    edits: ConfirmEdits = Field(default_factory=ConfirmEdits)
    cancel: ToolName = Field(default="end", description="the step taken on «no» / «cancelar»")
    not_found: str = Field(default="No encuentro «{{ target }}».", description="reply when an edit names no item")
    not_understood: str = Field(
        default="No te he entendido. Responde «sí» o «no», o pide un cambio.",
        description="reply to anything else; the question is asked again",
    )

    @model_validator(mode="after")
    def _items_for_item_edits(self) -> ConfirmStep:
        item_edits = self.edits.set_quantity or self.edits.remove or self.edits.add
        if item_edits and not self.items:
            raise ValueError("item edits (set_quantity, remove, add) need 'items': the list they change")
        if (self.edits.set_quantity or self.edits.remove) and not self.find:
            raise ValueError("set_quantity and remove need 'find': a tool that finds the item an edit names")
        return self

    def expand(self, at: Placement) -> list[StepBase]:
        """Ask, read the answer, then confirm, cancel, or apply an edit and go back through validation."""
        return expand_confirm(self, at)


@dataclass(frozen=True)
class _Keys:
    """The state keys a confirm step's plain steps use, derived from its id."""

    answer: str
    edit: str
    found: str

    @classmethod
    def of(cls, step: ConfirmStep) -> _Keys:
        """The keys of `step`: the answer, the reader's reading of it, the index of the item it names."""
        return cls(answer=f"{step.id}_answer", edit=f"{step.id}_edit", found=f"{step.id}_index")


def expand_confirm(step: ConfirmStep, at: Placement) -> list[StepBase]:
    """The plain steps a confirm step stands for, in order."""
    here, group, keys = at.here, step.group_at(at), _Keys.of(step)
    out = [
        make(
            AskStep,
            (*here, "question"),
            group,
            id=step.id,
            save_as=keys.answer,
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
            id=f"{step.id}__read",
            tool=step.reader,
            save_as=keys.edit,
            next=_reader_routes(step, keys, at.after),
            **{"with": {"text": "{{ " + keys.answer + " }}"}},
        ),
    ]
    out += _item_edits(step, here, group, keys)
    out += _slot_edits(step, here, group, keys)
    return out + _replies(step, here, group, keys)


def _reader_routes(step: ConfirmStep, keys: _Keys, after: str | None) -> list[dict[str, Any]]:
    """Where the reader's reading leads: out on «sí», to `cancel` on «no», to the edit it names, else «unclear»."""
    cid, edit, edits = step.id, keys.edit, step.edits
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
    return routes


def _item_edits(step: ConfirmStep, here: tuple[Any, ...], group: str, keys: _Keys) -> list[StepBase]:
    """Find the item an edit names, then change its quantity, drop it, or add a new one."""
    cid, items, edit, found, edits = step.id, step.items, keys.edit, keys.found, step.edits
    out: list[StepBase] = []
    if edits.set_quantity or edits.remove:
        out.append(_find(step, here, group, keys))
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
        kept = {items: "{{ " + f"{items} | remove_at({found})" + " }}"}
        out.append(
            make(SetStep, (*here, "edits", "remove"), group, id=f"{cid}__remove", values=kept, next=edits.remove.goto)
        )
    if edits.add:
        new = edits.add.item or (
            "{{ {'text': "
            + edit
            + ".target, 'quantity': 1 if "
            + edit
            + ".quantity is none else "
            + edit
            + ".quantity} }}"
        )
        added = {f"{cid}_new": new, str(items): "{{ " + f"({items} or []) + [{cid}_new]" + " }}"}
        out.append(make(SetStep, (*here, "edits", "add"), group, id=f"{cid}__add", values=added, next=edits.add.goto))
    return out


def _find(step: ConfirmStep, here: tuple[Any, ...], group: str, keys: _Keys) -> StepBase:
    """The look-up of the item an edit names, routing to the edit, or to «not found» / «unclear»."""
    cid, edit, edits = step.id, keys.edit, step.edits
    finds = [{"when": f"{keys.found} < 0", "goto": f"{cid}__missing"}]
    finds.append(
        {"when": f"{edit}.action == 'remove'", "goto": f"{cid}__remove" if edits.remove else f"{cid}__unclear"}
    )
    finds.append({"when": f"not {edit}.quantity or {edit}.quantity < 1", "goto": f"{cid}__unclear"})
    finds.append({"goto": f"{cid}__quantity" if edits.set_quantity else f"{cid}__unclear"})
    return make(
        ToolStep,
        (*here, "find"),
        group,
        id=f"{cid}__find",
        tool=step.find,
        save_as=keys.found,
        next=finds,
        **{"with": {"items": "{{ " + str(step.items) + " }}", "text": "{{ " + edit + ".target }}"}},
    )


def _slot_edits(step: ConfirmStep, here: tuple[Any, ...], group: str, keys: _Keys) -> list[StepBase]:
    """One step per declared slot edit: set the slot from the reader, empty what depends on it."""
    out: list[StepBase] = []
    for number, change in enumerate(step.edits.set_slot):
        values = {
            change.slot: "{{ " + f"{keys.edit}.{change.value}" + " }}",
            **dict.fromkeys(change.clear, "{{ none }}"),
        }
        out.append(
            make(
                SetStep,
                (*here, "edits", "set_slot", number),
                group,
                id=f"{step.id}__set_{change.slot.lower()}",
                values=values,
                next=change.goto,
            )
        )
    return out


def _replies(step: ConfirmStep, here: tuple[Any, ...], group: str, keys: _Keys) -> list[StepBase]:
    """What is said, before asking again, when an edit names no item or the answer is not understood."""
    cid, target = step.id, "{% set target = " + keys.edit + ".target %}"
    return [
        make(ReplyStep, (*here, "not_found"), group, id=f"{cid}__missing", message=target + step.not_found, next=cid),
        make(ReplyStep, (*here, "not_understood"), group, id=f"{cid}__unclear", message=step.not_understood, next=cid),
    ]

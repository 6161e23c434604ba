"""`collect`: one slot resolved against a catalog, as ask → resolve → choose / suggest → answer → resolve again."""

from __future__ import annotations

from typing import Any

from pipelines.composite_parts import REMOVE_WORDS, Item, literal, make
from pipelines.composite_schema import CollectStep
from pipelines.schema import AskStep, SetStep, ToolStep
from pipelines.step_base import _Step


def expand_collect(step: CollectStep, here: tuple[Any, ...], group: str, item: Item | None) -> list[_Step]:
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
            make(
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
        make(
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
            make(
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
        f"{{{{ {result}.candidates | map(attribute={literal(step.label)}) | list if {result}.status == 'several' "
        + (
            f"else [] if {result}.status == 'exact' else ({found} or []) | map(attribute='text') | list }}}}"
            if step.suggest
            else "else [] }}"
        )
    )
    if step.remove and item is None:
        raise ValueError(f"step '{sid}': 'remove: true' drops the current item of a foreach; put the step in one")
    removable = step.remove and item is not None
    drop = [{"when": f"{answer} | norm in {REMOVE_WORDS}", "goto": f"{sid}__remove"}] if removable else None
    out.append(
        make(
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
            make(
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
        make(
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
            make(
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
    out.append(make(SetStep, (*here, "save_as"), group, id=save, values=saved, next=nxt))
    return out


def _answer_values(step: CollectStep, answer: str, parsed: str) -> dict[str, str]:
    """The slot (or item field) after an answer: the answer itself, or what the `parse` tool read in it."""
    if "." not in step.slot:
        if not step.parse:
            return {step.slot: "{{ " + answer + " }}"}
        return {step.slot: "{{ " + f"{step.slot} if {parsed} is none else {parsed}" + " }}"}
    item, field = step.slot.split(".", 1)
    if not step.parse:
        return {item: "{{ " + f"{item} | merge({{{literal(field)}: {answer}}})" + " }}"}
    return {
        item: "{{ "
        f"{item} if {parsed} is none else {item} | merge({parsed} | filled) if {parsed} is mapping "
        f"else {item} | merge({{{literal(field)}: {parsed}}})" + " }}"
    }

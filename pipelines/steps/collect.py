"""`collect`: one slot resolved against a catalog, as ask → resolve → choose / suggest → answer → resolve again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, model_validator

from pipelines.steps.ask import AskStep
from pipelines.steps.base import KEY_PATTERN, Item, Key, Placement, StepBase
from pipelines.steps.composite import CompositeStep, ToolName, literal, make
from pipelines.steps.set import SetStep
from pipelines.steps.tool import ToolStep

SLOT_PATTERN = KEY_PATTERN[:-1] + r"(\.[A-Za-z][A-Za-z0-9_]{0,63})?$"
# Answers that drop the current item at a collect question (compared after `norm`).
REMOVE_WORDS = ["quitar", "quita", "eliminar", "elimina", "borrar", "borra", "remove", "delete"]


class CollectStep(CompositeStep):
    """Fill one slot and resolve it against a catalog: ask → resolve → choose among several / suggest → re-ask."""

    kind: Literal["collect"]
    max_visits: int | None = Field(default=50, ge=1, le=10_000, description="how often each question may be asked")
    slot: str = Field(
        pattern=SLOT_PATTERN,
        description="the state key holding the text to resolve, or `item.field` of a foreach item; "
        "the user's new answer is written here",
    )
    question: str | None = Field(default=None, description="asked when the slot is empty (plain slots only)")
    help: str | None = Field(default=None, max_length=2000, description="what «ayuda» explains at its questions")
    resolve: ToolName = Field(description="a tool answering {status: exact|several|none, match, candidates}")
    with_: dict[str, Any] | None = Field(
        default=None, alias="with", description="the resolver's arguments (default: {text: the slot})"
    )
    suggest: ToolName | None = Field(
        default=None, description="a tool giving close names [{text, score}] when nothing matches"
    )
    suggest_with: dict[str, Any] | None = Field(
        default=None, description="the suggestion tool's arguments (default: {text: the slot, k: 3, min_score: 0.2})"
    )
    label: str = Field(default="name", pattern=KEY_PATTERN, description="the candidate field shown as an option")
    parse: ToolName | None = Field(
        default=None,
        description="a tool reading the user's answer first: a mapping result is merged into the item "
        "(empty fields skipped), any other result replaces the slot; no result keeps the slot as it was",
    )
    remove: bool = Field(default=False, description="inside a foreach: «quitar» / «remove» drops the current item")
    save_as: Key | None = Field(default=None, description="where the unique match is stored")
    valid: str | None = Field(
        default=None, description='a condition a unique match must also meet, e.g. "cliente_result.match.active"'
    )
    several: str = Field(
        default="«{{ value }}» puede ser varias cosas. ¿Cuál quieres?",
        description="question when several candidates match ({{ value }}: the text)",
    )
    suggestions: str = Field(
        default="No encuentro «{{ value }}». ¿Quisiste decir…?", description="question when only suggestions remain"
    )
    none: str = Field(
        default="No encuentro «{{ value }}». Escríbelo de otra forma.", description="question when nothing is close"
    )
    invalid: str = Field(
        default="«{{ value }}» no se puede usar aquí. Escribe otro.",
        description="question when the match fails `valid`",
    )

    @model_validator(mode="after")
    def _question_for_plain_slots(self) -> CollectStep:
        if self.question is not None and "." in self.slot:
            raise ValueError("'question' is only for plain slots: an item field is never empty when it is resolved")
        if self.question is None and "." not in self.slot:
            raise ValueError("a collect step on a plain slot needs a 'question' to ask when the slot is empty")
        return self

    def provided_keys(self) -> list[str]:
        """Where the unique match is stored, if anywhere."""
        return [self.save_as] if self.save_as else []

    def expand(self, at: Placement) -> list[StepBase]:
        """Ask, resolve, suggest, choose, read the answer, resolve again, keep the match."""
        return expand_collect(self, at)


@dataclass(frozen=True)
class _Names:
    """The state keys and step ids a collect step's plain steps use, all derived from its id."""

    result: str
    found: str
    answer: str
    parsed: str
    resolver: str
    choose: str
    save: str

    @classmethod
    def of(cls, step: CollectStep) -> _Names:
        """The names of `step`'s keys and generated steps."""
        sid = step.id
        resolver = f"{sid}__resolve" if step.question else sid
        return cls(
            result=f"{sid}_result",
            found=f"{sid}_suggestions",
            answer=f"{sid}_answer",
            parsed=f"{sid}_parsed",
            resolver=resolver,
            choose=f"{sid}__choose",
            save=f"{sid}__save",
        )


def expand_collect(step: CollectStep, at: Placement) -> list[StepBase]:
    """The plain steps a collect step stands for, in order."""
    group, names = step.group_at(at), _Names.of(step)
    out = _look_up(step, at.here, group, names)
    if step.remove and at.item is None:
        raise ValueError(f"step '{step.id}': 'remove: true' drops the current item of a foreach; put the step in one")
    item = at.item if step.remove else None
    out.append(_choose(step, at.here, group, names, item))
    return out + _read_answer(step, at.here, group, names, item)


def _look_up(step: CollectStep, here: tuple[Any, ...], group: str, names: _Names) -> list[StepBase]:
    """Ask for the slot when it is empty, resolve it, and look for suggestions when nothing matches."""
    out: list[StepBase] = []
    if step.question:
        fields = {"slot": step.slot, "question": step.question, "help": step.help, "max_visits": step.max_visits}
        out.append(make(AskStep, (*here, "question"), group, id=step.id, **fields))
    default_with = {"text": "{{ " + step.slot + " }}"}
    out.append(
        make(
            ToolStep,
            (*here, "resolve"),
            group,
            id=names.resolver,
            tool=step.resolve,
            save_as=names.result,
            max_visits=2 * step.max_visits if step.max_visits else None,
            next=_resolve_routes(step, names),
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
                id=f"{step.id}__suggest",
                tool=step.suggest,
                save_as=names.found,
                **{"with": args},
            )
        )
    return out


def _resolve_routes(step: CollectStep, names: _Names) -> list[dict[str, str]]:
    """After resolving: keep a valid unique match, else choose among several, suggest, or ask again."""
    exact = f"{names.result}.status == 'exact'"
    routes = [{"when": f"{exact} and ({step.valid})" if step.valid else exact, "goto": names.save}]
    routes.append({"when": f"{names.result}.status == 'several'", "goto": names.choose})
    if step.valid:
        routes.append({"when": exact, "goto": names.choose})
    routes.append({"goto": f"{step.id}__suggest" if step.suggest else names.choose})
    return routes


def _choose(step: CollectStep, here: tuple[Any, ...], group: str, names: _Names, item: Item | None) -> StepBase:
    """The question after a look-up: which of several, did you mean, or say it another way."""
    result, found = names.result, names.found
    question = (
        f"{{% set value = {step.slot} %}}{{% if {result}.status == 'several' %}}{step.several}"
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
    drop = (
        [{"when": f"{names.answer} | norm in {REMOVE_WORDS}", "goto": f"{step.id}__remove"}]
        if item is not None
        else None
    )
    return make(
        AskStep,
        (*here, "several"),
        group,
        id=names.choose,
        save_as=names.answer,
        question=question,
        options=options,
        help=step.help,
        max_visits=step.max_visits,
        next=drop,
    )


def _read_answer(
    step: CollectStep, here: tuple[Any, ...], group: str, names: _Names, item: Item | None
) -> list[StepBase]:
    """Read the answer into the slot (through `parse`) and resolve again; drop the item; keep the match."""
    out: list[StepBase] = []
    if step.parse:
        reads = {"text": "{{ " + names.answer + " }}"}
        parse_id = f"{step.id}__parse"
        out.append(
            make(
                ToolStep, (*here, "parse"), group, id=parse_id, tool=step.parse, save_as=names.parsed, **{"with": reads}
            )
        )
    values = _answer_values(step, names.answer, names.parsed)
    out.append(make(SetStep, (*here, "slot"), group, id=f"{step.id}__answer", values=values, next=names.resolver))
    if item is not None:
        dropped = {item.name: "{{ none }}"}
        out.append(make(SetStep, (*here, "remove"), group, id=f"{step.id}__remove", values=dropped, next=item.write))
    kept = "{{ " + names.result + ".match }}"
    saved = {step.save_as: kept} if step.save_as else {names.result: "{{ " + names.result + " }}"}
    nxt = [b.model_dump(exclude_none=True) for b in step.next] if step.next else None
    out.append(make(SetStep, (*here, "save_as"), group, id=names.save, values=saved, next=nxt))
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

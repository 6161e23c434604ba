"""The composite step kinds (collect, foreach, confirm): one declared step for a whole piece of conversation.

Each expands, when the pipeline is parsed, into the plain steps a hand-written pipeline would use
(pipelines/composites.py), so the compiler, conversation repair and the viewer treat them like any other step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from pipelines.expressions import ExpressionSyntaxError, check_syntax
from pipelines.step_base import KEY_PATTERN, NAME_PATTERN, Key, _Model, _Step

if TYPE_CHECKING:
    from pipelines.schema import StepConfig

ToolName = Annotated[str, Field(pattern=NAME_PATTERN)]
SLOT_PATTERN = KEY_PATTERN[:-1] + r"(\.[A-Za-z][A-Za-z0-9_]{0,63})?$"


class CollectStep(_Step):
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


class ForeachStep(_Step):
    """Run steps (or a sub-pipeline) for each item of a list slot; results are written back by position."""

    kind: Literal["foreach"]
    max_visits: int | None = Field(default=1000, ge=1, le=10_000, description="how many items it may take in all")
    items: Key = Field(description="the list slot to walk")
    as_: Key = Field(alias="as", description="the name of the current item inside the body")
    index: Key | None = Field(default=None, description="the name of its position (default: `<as>_index`)")
    done: str | None = Field(
        default=None,
        description="a condition on the item; when given, the loop takes the first item not done each time "
        "(so items added later are handled), else every item once, in order",
    )
    steps: list[StepConfig] = Field(default_factory=list, description="the body: steps run for each item")
    pipeline: ToolName | None = Field(default=None, description="instead of `steps`: a sub-pipeline run per item")
    with_: dict[str, Any] = Field(default_factory=dict, alias="with", description="the sub-pipeline's inputs")
    outputs: dict[Key, str] = Field(default_factory=dict, description="key -> sub-pipeline output")
    update: dict[Key, Any] = Field(
        default_factory=dict, description="item fields set after the body (templates), e.g. {sku: …}"
    )

    @field_validator("steps", mode="before")
    @classmethod
    def _steps_are_a_list(cls, value: Any) -> Any:
        return value if isinstance(value, list) else [value]

    @field_validator("done")
    @classmethod
    def _done_parses(cls, value: str | None) -> str | None:
        # It runs inside a filter at run time, out of reach of the load-time template checks: check it here.
        if value is not None:
            try:
                check_syntax(value, condition=True)
            except ExpressionSyntaxError as exc:
                raise ValueError(f"the condition does not parse: {exc}") from None
        return value

    @model_validator(mode="after")
    def _one_body(self) -> ForeachStep:
        if bool(self.steps) == bool(self.pipeline):
            raise ValueError("a foreach step needs exactly one of 'steps' (a body) or 'pipeline'")
        return self

    @property
    def index_key(self) -> str:
        """The state key of the current position."""
        return self.index or f"{self.as_}_index"


class SetSlotEdit(_Model):
    """A confirmation edit that changes a slot («cambia el cliente a Z»)."""

    slot: Key
    action: str = Field(default="set_slot", pattern=NAME_PATTERN, description="the reader's action for this edit")
    value: Key = Field(default="value", description="the reader's field holding the new value")
    goto: ToolName = Field(description="the step that validates the new value")
    clear: list[Key] = Field(default_factory=list, description="keys emptied with the change")


class ItemEdit(_Model):
    """Where an item edit goes to be validated again."""

    goto: ToolName
    item: str | None = Field(default=None, description="add only: the new item (default: {text, quantity})")


class ConfirmEdits(_Model):
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


class ConfirmStep(_Step):
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


COMPOSITE_KINDS = ("collect", "foreach", "confirm")

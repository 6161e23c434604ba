"""`foreach`: run a body of steps (or a sub-pipeline) for each item of a list slot, writing each item back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, field_validator, model_validator

from pipelines.expressions import ExpressionSyntaxError, check_syntax
from pipelines.steps.base import Item, Key, Placement, StepBase, expand_steps
from pipelines.steps.composite import CompositeStep, ToolName, exit_routes, literal, make
from pipelines.steps.pipeline import PipelineStep
from pipelines.steps.set import SetStep

if TYPE_CHECKING:
    from pipelines.schema import StepConfig


class ForeachStep(CompositeStep):
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

    def expand(self, at: Placement) -> list[StepBase]:
        """Pick the next item, run the body, write the item back by position, go round again."""
        return expand_foreach(self, at)


def expand_foreach(step: ForeachStep, at: Placement) -> list[StepBase]:
    """The plain steps a foreach step stands for, in order."""
    group = step.group_at(at)
    write, walk = f"{step.id}__write", step.id if step.done else f"{step.id}__next"
    body = _body(step, at.here, group, write)
    out = _walker(step, at.here, group, at.after, enter=body[0].id)
    out += body
    out.append(_write_back(step, at.here, group, write, walk))
    return out


def _body(step: ForeachStep, here: tuple[Any, ...], group: str, write: str) -> list[StepBase]:
    """The steps run for each item: the body's own, expanded, or one step running the sub-pipeline."""
    if not step.pipeline:
        return expand_steps(step.steps, (*here, "steps"), group, Item(step.as_, write))
    return [
        make(
            PipelineStep,
            (*here, "pipeline"),
            group,
            id=f"{step.id}__run",
            pipeline=step.pipeline,
            outputs=step.outputs,
            **{"with": step.with_},
        )
    ]


def _walker(step: ForeachStep, here: tuple[Any, ...], group: str, after: str | None, enter: str) -> list[StepBase]:
    """The steps choosing the current item: the first not `done` each time, or the next by position."""
    fid, items, name, index = step.id, step.items, step.as_, step.index_key
    condition = f"{index} >= 0" if step.done else f"{index} < ({items} or []) | length"
    routes = [{"when": condition, "goto": enter}, *exit_routes(step, after)]
    if step.done:
        scan = "{{ " + f"{items} | pending_index({literal(name)}, {literal(step.done)})" + " }}"
        current = {index: scan, name: "{{ " + f"{items}[{index}] if {index} >= 0 else none" + " }}"}
        return [make(SetStep, (*here, "done"), group, id=fid, values=current, max_visits=step.max_visits, next=routes)]
    following = {
        index: "{{ " + index + " + 1 }}",
        name: "{{ " + f"{items}[{index}] if {index} < ({items} or []) | length else none" + " }}",
    }
    return [
        make(SetStep, (*here, "items"), group, id=fid, values={index: "{{ -1 }}"}),
        make(
            SetStep,
            (*here, "items"),
            group,
            id=f"{fid}__next",
            values=following,
            max_visits=step.max_visits,
            next=routes,
        ),
    ]


def _write_back(step: ForeachStep, here: tuple[Any, ...], group: str, write: str, walk: str) -> StepBase:
    """The step after the body: apply `update`, then put the item back in its place (or drop it when emptied)."""
    fid, items, name, index = step.id, step.items, step.as_, step.index_key
    values: dict[str, Any] = {}
    if step.update:
        values[f"{fid}_update"] = dict(step.update)
        values[name] = "{{ " + f"none if {name} is none else {name} | merge({fid}_update)" + " }}"
    values[items] = (
        "{{ " + f"{items} | remove_at({index}) if {name} is none else {items} | replace_at({index}, {name})" + " }}"
    )
    if not step.done:
        values[index] = "{{ " + f"{index} - 1 if {name} is none else {index}" + " }}"
    return make(SetStep, (*here, "update"), group, id=write, values=values, next=walk)

"""What every step kind shares: names, keys, routing rules, the base step model and the walk that expands steps."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

if TYPE_CHECKING:
    from collections.abc import Collection

    from pipelines.check_support import Problems
    from pipelines.schema import PipelineConfig

NAME_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
KEY_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,63}$"
END = "end"  # the reserved goto target that finishes the run
RESERVED_KEYS = frozenset({"run_id", "session_id", "end"})

Key = Annotated[str, Field(pattern=KEY_PATTERN)]
Template = tuple[tuple[Any, ...], str, bool]  # (path inside the step, text, is_condition)


class StrictModel(BaseModel):
    """Frozen, strict (unknown keys refused), populated by field name or alias."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Branch(StrictModel):
    """One routing rule: go to `goto` when `when` holds (no `when`: always)."""

    when: str | None = Field(default=None, description='a condition, e.g. "invalid | length > 0"')
    goto: str = Field(pattern=NAME_PATTERN, description="a step id, or 'end'")


@dataclass(frozen=True)
class Item:
    """The foreach item in scope: its name and the step that writes it back (where «quitar» goes)."""

    name: str
    write: str


@dataclass(frozen=True)
class Placement:
    """Where a step stands when it is expanded: its YAML path, its group, the step after it, the item in scope."""

    here: tuple[Any, ...]
    group: str | None
    after: str | None
    item: Item | None


class StepBase(StrictModel):
    """Fields every step kind has, and what a kind may answer differently (expansion, keys, templates, checks)."""

    composite: ClassVar[bool] = False  # a composite kind stands for plain steps and expands into them

    id: str = Field(pattern=NAME_PATTERN)
    description: str = ""
    next: list[Branch] | None = Field(default=None, description="routing rules; first match wins")
    max_visits: int | None = Field(default=None, ge=1, le=10_000)

    @field_validator("next", mode="before")
    @classmethod
    def _next_shorthand(cls, value: Any) -> Any:
        return [{"goto": value}] if isinstance(value, str) else value

    # Set only on the steps a composite step (collect, foreach, confirm) expands into: the composite's id, and
    # the YAML path of the composite field that made the step, so errors point at what the author wrote.
    group: SkipJsonSchema[str | None] = Field(default=None, exclude=True)
    origin: SkipJsonSchema[tuple[Any, ...] | None] = Field(default=None, exclude=True)

    def expand(self, at: Placement) -> list[StepBase]:
        """The plain steps this step stands for: itself, remembering where it came from."""
        return [self.model_copy(update={"origin": at.here, "group": at.group})]

    def provided_keys(self) -> list[str]:
        """The state keys this step writes."""
        return []

    def template_fields(self) -> dict[str, Any]:
        """The fields holding templates, by their YAML name."""
        return {}

    def templates(self) -> Iterator[Template]:
        """(path inside the step, text, is_condition) for every template of the step."""
        for name, value in self.template_fields().items():
            for path, text in template_strings(value, (name,)):
                yield path, text, False
        for j, branch in enumerate(self.next or []):
            if branch.when:
                yield ("next", j, "when"), branch.when, True

    def template_scope(self, sub_path: tuple[Any, ...], is_condition: bool) -> set[str]:
        """The keys of this very step the template at `sub_path` may read (a condition sees what the step wrote)."""
        return set(self.provided_keys()) if is_condition else set()

    def ends_run(self) -> bool:
        """Whether the run finishes after this step, whatever its routing says."""
        return False

    def problems(self, config: PipelineConfig, index: int, known_pipelines: Collection[str] | None) -> Problems:
        """What is wrong with this step that only its kind knows about (nothing, unless the kind says so)."""
        return iter(())


def kind_of(model: type[StepBase]) -> str:
    """The `kind:` a step model is written with."""
    return get_args(model.model_fields["kind"].annotation)[0]


def template_strings(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every string inside a (possibly nested) template value, with its path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from template_strings(item, (*path, key))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from template_strings(item, (*path, i))


def expand_steps(
    steps: Sequence[StepBase], path: tuple[Any, ...], group: str | None, item: Item | None
) -> list[StepBase]:
    """The plain steps `steps` stand for, in order; each kind expands itself, so composites may nest."""
    flat: list[StepBase] = []
    for index, step in enumerate(steps):
        after = steps[index + 1].id if index + 1 < len(steps) else None
        flat += step.expand(Placement(here=(*path, index), group=group, after=after, item=item))
    return flat

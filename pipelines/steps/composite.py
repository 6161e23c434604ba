"""What the composite kinds share: their base model, building a generated step, routing out, Jinja literals."""

from __future__ import annotations

import json
from typing import Annotated, Any, ClassVar

from pydantic import Field

from pipelines.steps.base import END, NAME_PATTERN, Placement, StepBase, kind_of

ToolName = Annotated[str, Field(pattern=NAME_PATTERN)]


class CompositeStep(StepBase):
    """A step standing for a whole piece of conversation, expanded into plain steps when the pipeline is parsed."""

    # Each generated step keeps an id derived from the composite's (the entry step has the composite's own id,
    # so `goto: <id>` and corrections reach it) and the composite's id as `group`, so the viewer draws one box.
    composite: ClassVar[bool] = True

    def group_at(self, at: Placement) -> str:
        """The group its steps belong to: the enclosing composite's (inside a foreach), else its own id."""
        return at.group or self.id


def make(cls: type[StepBase], origin: tuple[Any, ...], group: str, **fields: Any) -> StepBase:
    """A plain step of kind `cls` from `fields` (None values left out), remembering its group and origin."""
    fields = {k: v for k, v in fields.items() if v is not None}
    fields["kind"] = kind_of(cls)
    return cls.model_validate(fields).model_copy(update={"origin": origin, "group": group})


def exit_routes(step: StepBase, after: str | None) -> list[dict[str, Any]]:
    """The composite's own routing, then the step after it (branches a generated router appends)."""
    branches = [b.model_dump(exclude_none=True) for b in step.next or []]
    if not branches or branches[-1].get("when"):
        branches.append({"goto": after or END})
    return branches


def literal(value: str) -> str:
    """A Jinja string literal (JSON's escapes are Jinja's)."""
    return json.dumps(value, ensure_ascii=False)

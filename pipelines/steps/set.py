"""`set`: assign state keys from templates or expressions, in order."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from pipelines.steps.base import Key, StepBase


class SetStep(StepBase):
    """Assign state keys from templates or expressions."""

    kind: Literal["set"]
    values: dict[Key, Any] = Field(min_length=1, description="key -> template, assigned in order")

    def provided_keys(self) -> list[str]:
        """The keys it assigns."""
        return list(self.values)

    def template_fields(self) -> dict[str, Any]:
        """The values assigned."""
        return {"values": self.values}

    def template_scope(self, sub_path: tuple[Any, ...], is_condition: bool) -> set[str]:
        """A value may read the keys assigned before it: the step assigns in order."""
        if sub_path[0] == "values":
            keys = list(self.values)
            return set(keys[: keys.index(sub_path[1])])
        return super().template_scope(sub_path, is_condition)

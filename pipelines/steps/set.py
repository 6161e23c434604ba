"""`set`: assign state keys from templates or expressions, in order."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from pipelines.steps.base import Key, StepBase


class SetStep(StepBase):
    """Assign state keys from templates or expressions."""

    kind: Literal["set"]
    values: dict[Key, Any] = Field(min_length=1, description="key -> template, assigned in order")

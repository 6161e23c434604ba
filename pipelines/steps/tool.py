"""`tool`: call a named tool with templated arguments and store its result."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from pipelines.steps.base import NAME_PATTERN, Key, StepBase

# The refusals a tool step may `catch`: what a pipeline can sensibly answer itself (ask again, go back a step).
CatchableError = Literal["out_of_stock", "unknown_product", "unknown_customer", "key_reused"]


class ToolStep(StepBase):
    """Call a named tool with templated arguments and store the result."""

    kind: Literal["tool"]
    tool: str = Field(pattern=NAME_PATTERN, description="a tool declared under `tools:`")
    with_: dict[str, Any] = Field(default_factory=dict, alias="with", description="arguments (templates)")
    save_as: Key | None = Field(default=None, description="the state key the result is stored in")
    catch: list[CatchableError] = Field(
        default_factory=list,
        description="refusals of the tool the pipeline handles itself: instead of the run failing, `save_as` gets "
        "`{error: {reason, message, …}}` (message: the user's sentence) for `next` to route on",
    )

    @model_validator(mode="after")
    def _caught_somewhere(self) -> ToolStep:
        if self.catch and not self.save_as:
            raise ValueError("a tool step that catches errors needs 'save_as': the caught error is stored there")
        return self

    def provided_keys(self) -> list[str]:
        """The key the result is stored in, if any."""
        return [self.save_as] if self.save_as else []

    def template_fields(self) -> dict[str, Any]:
        """The tool's arguments."""
        return {"with": self.with_}

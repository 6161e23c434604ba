"""`llm`: prompt a model for text or structured output, with a fallback tool when no model is configured."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from pipelines.steps.base import NAME_PATTERN, Key, StepBase


class LlmStep(StepBase):
    """Prompt a model (text, or structured output per `output`); `fallback` tool when no model is configured."""

    kind: Literal["llm"]
    prompt: str = Field(description="what the model is asked, a template")
    system: str | None = Field(default=None, description="the system message, a template")
    with_: dict[str, Any] = Field(default_factory=dict, alias="with", description="the fallback's arguments")
    output: dict[str, Any] | None = Field(default=None, description="JSON Schema of a structured answer")
    fallback: str = Field(pattern=NAME_PATTERN, description="tool used when no model is configured")
    save_as: Key | None = Field(default=None, description="the state key the answer is stored in")

    def provided_keys(self) -> list[str]:
        """The key the answer is stored in, if any."""
        return [self.save_as] if self.save_as else []

    def template_fields(self) -> dict[str, Any]:
        """The prompt, the system message and the fallback's arguments."""
        return {"prompt": self.prompt, "system": self.system, "with": self.with_}

    def template_scope(self, sub_path: tuple[Any, ...], is_condition: bool) -> set[str]:
        """Its templates may also read the names of its own `with` arguments."""
        return set(self.with_) | super().template_scope(sub_path, is_condition)

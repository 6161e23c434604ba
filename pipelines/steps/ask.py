"""`ask`: a question to the user, filling a slot unless it already holds a valid value, or always into `save_as`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from pydantic import Field, model_validator

from pipelines.steps.base import Key, StepBase, Template


class AskStep(StepBase):
    """Ask the user: fills `slot` unless it already holds a valid value, or always asks into `save_as`."""

    kind: Literal["ask"]
    question: str = Field(description="what is asked, a template")
    slot: Key | None = Field(default=None, description="filled by the answer; asked when empty or not valid")
    save_as: Key | None = Field(default=None, description="the state key the answer is stored in; always asked")
    options: list[Any] | str | None = Field(default=None, description="a list, or an expression giving one")
    data: Any = Field(default=None, description="what to show with the question (e.g. a table), a template")
    valid: str | None = Field(default=None, description="condition the slot's value must meet to skip")
    help: str | None = Field(
        default=None, max_length=2000, description="what «ayuda» / «?» explains at this question (a template)"
    )

    @model_validator(mode="after")
    def _one_target(self) -> AskStep:
        if (self.slot is None) == (self.save_as is None):
            raise ValueError("an ask step needs exactly one of 'slot' (ask only when empty) or 'save_as' (always ask)")
        return self

    @property
    def target(self) -> str:
        """The state key the answer is stored in."""
        return self.slot or self.save_as or ""

    def provided_keys(self) -> list[str]:
        """The key the answer is stored in."""
        return [self.target]

    def template_fields(self) -> dict[str, Any]:
        """The question, its options, the data shown with it and its help."""
        return {"question": self.question, "options": self.options, "data": self.data, "help": self.help}

    def templates(self) -> Iterator[Template]:
        """The `valid` condition first, then the other templates."""
        if self.valid:
            yield ("valid",), self.valid, True
        yield from super().templates()

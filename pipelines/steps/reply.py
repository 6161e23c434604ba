"""`reply`: a message (and data) for the user, which may finish the run."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from pipelines.steps.base import StepBase


class ReplyStep(StepBase):
    """A message (and data) for the user; `end: true` finishes the run with `status`."""

    kind: Literal["reply"]
    message: str = Field(description="what is said to the user, a template")
    data: Any = Field(default=None, description="what to show with the message (e.g. a table), a template")
    end: bool = Field(default=False, description="finish the run after this step")
    status: Literal["completed", "cancelled"] = Field(default="completed", description="status of `end: true`")

    def template_fields(self) -> dict[str, Any]:
        """The message and the data shown with it."""
        return {"message": self.message, "data": self.data}

    def ends_run(self) -> bool:
        """With `end: true`, the run finishes here."""
        return self.end

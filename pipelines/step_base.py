"""What every step kind shares: names, keys, routing rules and the base step model."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

NAME_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
KEY_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,63}$"
END = "end"  # the reserved goto target that finishes the run
RESERVED_KEYS = frozenset({"run_id", "session_id", "end"})

Key = Annotated[str, Field(pattern=KEY_PATTERN)]


class _Model(BaseModel):
    """Frozen, strict (unknown keys refused), populated by field name or alias."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Branch(_Model):
    """One routing rule: go to `goto` when `when` holds (no `when`: always)."""

    when: str | None = Field(default=None, description='a condition, e.g. "invalid | length > 0"')
    goto: str = Field(pattern=NAME_PATTERN, description="a step id, or 'end'")


class _Step(_Model):
    """Fields every step kind has."""

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

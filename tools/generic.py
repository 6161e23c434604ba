"""A few generic tool kinds every pipeline may use."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tools.registry import ToolContext, ToolSet

generic_toolset = ToolSet()


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EchoArgs(BaseModel):
    """Any arguments; echoed back."""

    model_config = ConfigDict(extra="allow")


@generic_toolset.tool("echo", args=EchoArgs)
def echo(args: EchoArgs, ctx: ToolContext) -> dict[str, Any]:
    """Return the arguments as given (useful to shape data)."""
    return dict(args.model_extra or {})


class TextArgs(_Args):
    """A text argument."""

    text: Any = ""


@generic_toolset.tool("to_number", args=TextArgs)
def to_number(args: TextArgs, ctx: ToolContext) -> int | float | None:
    """The first number in the text (comma or dot decimals), or None."""
    match = re.search(r"-?\d+(?:[.,]\d+)?", str(args.text if args.text is not None else ""))
    if not match:
        return None
    value = match.group().replace(",", ".")
    return float(value) if "." in value else int(value)


class SplitArgs(_Args):
    """A text and the separators to split it on."""

    text: Any = ""
    separators: list[str] = Field(default_factory=lambda: [",", ";", "\n"])


@generic_toolset.tool("split_list", args=SplitArgs)
def split_list(args: SplitArgs, ctx: ToolContext) -> list[str]:
    """Split a text into trimmed, non-empty items."""
    pattern = "|".join(re.escape(s) for s in args.separators if s) or ","
    return [part.strip() for part in re.split(pattern, str(args.text or "")) if part.strip()]


class LengthArgs(_Args):
    """A text or list."""

    value: Any = None


@generic_toolset.tool("length", args=LengthArgs)
def length(args: LengthArgs, ctx: ToolContext) -> int:
    """Length of a text or list (0 for nothing)."""
    return len(args.value) if isinstance(args.value, str | list | dict) else 0

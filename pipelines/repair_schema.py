"""The `repair:` section of a pipeline: which conversation-repair patterns apply while one of its runs waits."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

NAME_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
KEY_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,63}$"
REPAIR_NODE = "__repair__"  # the graph node a correction jumps through; no step id can take this name

_Word = Annotated[str, Field(min_length=1, max_length=60)]
_Example = Annotated[str, Field(min_length=1, max_length=300)]
# The commands an author may add examples to: the repair commands, and each kind of line edit.
EXAMPLE_COMMANDS = (
    *("cancel", "help", "correct", "remove", "change", "add", "choose", "none", "answer", "affirm", "deny", "undo"),
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class CorrectionConfig(_Model):
    """A slot the user may correct at any question, and the step that checks the new value."""

    goto: str = Field(pattern=NAME_PATTERN, description="the step that re-validates the slot after a correction")
    words: list[_Word] = Field(
        default_factory=list,
        max_length=20,
        description="what users call the slot («cliente», «customer»); default: the slot's name",
    )
    clear: list[Annotated[str, Field(pattern=KEY_PATTERN)]] = Field(
        default_factory=list, max_length=20, description="state keys emptied when the slot is corrected"
    )
    lines: bool = Field(
        False,
        description="the slot is a list of order lines ({text, product, quantity}): one line can be changed, "
        "removed («quita X», «sin X», «quita la segunda línea») or added in plain words",
    )


class RepairConfig(_Model):
    """Conversation repair while a run waits: cancel, help, corrections and digressions (all on by default)."""

    cancel: bool = Field(True, description="«cancela», «olvídalo», «forget it»… end the run, writing nothing")
    help: bool = Field(True, description="«ayuda», «?», «¿qué tengo que poner?» explain the pending question")
    choose: bool = Field(True, description="options picked by ordinal («el segundo»), distinctive text, «sí»")
    undo: bool = Field(
        True, description="«deshaz», «atrás», «undo» go back to before the last answer and ask that question again"
    )
    corrections: dict[Annotated[str, Field(pattern=KEY_PATTERN)], CorrectionConfig] | None = Field(
        default=None,
        description="slot -> how to correct it; default: every ask step with a slot, re-validated from that step",
    )
    digressions: list[Annotated[str, Field(pattern=NAME_PATTERN)]] | None = Field(
        default=None,
        description="pipelines a question may run meanwhile («¿cuánto stock hay de X?»); default: every other "
        "pipeline that declares `questions`",
    )
    examples: dict[Literal[EXAMPLE_COMMANDS], list[_Example]] = Field(  # type: ignore[valid-type]
        default_factory=dict,
        description="more ways users say a command at this pipeline's questions, to train the message reader on: "
        "cancel, help, correct (a slot), remove / change / add (an order line), choose, none (none of the options), "
        "answer, affirm, deny, undo (go back to the question before)",
    )

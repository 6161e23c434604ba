"""What a reading of a message is: its commands with their arguments and confidence (a message to a waiting run)
or the pipeline it asks for (an idle one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["SURE", "Command", "Reading", "Routing", "public_kind"]

# A reading at least this likely is sure: the model-backed reader is asked about the others (MODEL_READS=unsure).
SURE = 0.75


def public_kind(label: str) -> str:
    """The command a reader label names («correct_remove» → «correct», «digress:stock» → «digress»)."""
    if label.startswith("correct_"):
        return "correct"
    if label.startswith("digress:"):
        return "digress"
    return "choose" if label == "choose_none" else label


@dataclass
class Command:
    """One command of a message, with its arguments (slot/value, edit, pipeline/args, option) and confidence."""

    command: str
    label: str = ""
    confidence: float = 1.0
    text: str = ""
    slot: str | None = None
    value: Any = None
    edit: dict[str, Any] | None = None
    pipeline: str | None = None
    args: dict[str, Any] | None = None
    option: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The command as the conversation layer and the API's `detail` use it."""
        return {
            "command": self.command,
            "slot": self.slot,
            "value": self.value,
            "edit": self.edit,
            "pipeline": self.pipeline,
            "args": self.args,
            "option": self.option,
            "confidence": round(self.confidence, 4),
        }


@dataclass
class Reading:
    """What a message to a waiting run holds: its commands in order, the scores of every label for the whole
    message, and two close readings when it is ambiguous."""

    commands: list[Command]
    scores: dict[str, float] = field(default_factory=dict)
    ambiguous: list[Command] = field(default_factory=list)
    reader: str = "trained"

    @property
    def first(self) -> Command:
        """The first (often the only) command."""
        return self.commands[0]

    @property
    def sure(self) -> bool:
        """Whether every command was read with confidence and nothing else was close."""
        return not self.ambiguous and all(command.confidence >= SURE for command in self.commands)


@dataclass
class Routing:
    """Which pipeline an idle message asks for (None: chat), with the scores of every pipeline."""

    pipeline: str | None
    confidence: float
    scores: dict[str, float]

"""RunResult: the one shape of a run's outcome shared by Python, the CLI, the chat and HTTP."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["completed", "waiting", "cancelled", "failed"]


@dataclass
class RunResult:
    """Outcome of starting, resuming or inspecting a run (see shared/CONTRACT.md, Run results)."""

    run_id: str
    pipeline: str
    status: Status
    output: dict[str, Any] | None = None
    question: str | None = None
    options: list[str] = field(default_factory=list)
    data: Any = None
    error: dict[str, str] | None = None
    message: str | None = None
    step: str | None = None
    current_step: str | None = None
    steps_done: list[str] = field(default_factory=list)
    pipeline_version: str = ""
    state: dict[str, Any] = field(default_factory=dict)
    parent: str | None = None  # the waiting run this digression interrupted

    def to_dict(self) -> dict[str, Any]:
        """The JSON run result of the contract (plus `message`, what the run said to the user)."""
        keys = ("run_id", "pipeline", "status", "output", "question", "options", "data", "error", "message")
        full = asdict(self)
        return {k: full[k] for k in keys}

    def status_dict(self) -> dict[str, Any]:
        """The run result plus `current_step`, `steps_done`, `pipeline_version` and the slot values (`state`)."""
        return {
            **self.to_dict(),
            "current_step": self.current_step,
            "steps_done": list(self.steps_done),
            "pipeline_version": self.pipeline_version,
            "state": dict(self.state),
        }

    @property
    def waiting(self) -> bool:
        """True when the run waits for an answer."""
        return self.status == "waiting"

"""Pydantic models of the pipeline language; `PipelineConfig.model_json_schema()` is its JSON Schema."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Literal, get_args

from pydantic import Field, PrivateAttr, field_validator, model_validator

from pipelines.repair_schema import CorrectionConfig, RepairConfig
from pipelines.steps.ask import AskStep
from pipelines.steps.base import (
    END,
    KEY_PATTERN,
    NAME_PATTERN,
    RESERVED_KEYS,
    Branch,
    Key,
    StepBase,
    StrictModel,
    expand_steps,
    kind_of,
)
from pipelines.steps.collect import CollectStep
from pipelines.steps.confirm import ConfirmStep
from pipelines.steps.foreach import ForeachStep
from pipelines.steps.llm import LlmStep
from pipelines.steps.pipeline import PipelineStep
from pipelines.steps.reply import ReplyStep
from pipelines.steps.set import SetStep
from pipelines.steps.tool import ToolStep

__all__ = [
    "COMPOSITE_KINDS",
    "END",
    "KEY_PATTERN",
    "NAME_PATTERN",
    "PLAIN_KINDS",
    "RESERVED_KEYS",
    "STEP_KINDS",
    "STEP_MODELS",
    "AskStep",
    "Branch",
    "CollectStep",
    "ConfirmStep",
    "ForeachStep",
    "InputConfig",
    "Key",
    "LlmStep",
    "PipelineConfig",
    "PipelineStep",
    "ReplyStep",
    "SetStep",
    "StepBase",
    "StepConfig",
    "ToolConfig",
    "ToolStep",
    "provided_keys",
]


class InputConfig(StrictModel):
    """A declared input (slot) of a pipeline."""

    type: Literal["string", "integer", "number", "boolean", "list", "object"] = Field(
        default="string", description="the value's type; `key=value` inputs and answers are converted to it"
    )
    required: bool = Field(default=False, description="a run cannot start without it (unless it has a default)")
    description: str = Field(default="", description="what the input holds, shown by `!help` and the API")
    default: Any = Field(default=None, description="the value when the caller gives none")


class ToolConfig(StrictModel):
    """A named instance of a registered tool kind; every key besides `kind` is a parameter of the kind."""

    kind: str = Field(pattern=NAME_PATTERN, description="a tool kind registered in code")
    description: str = Field(default="", description="what this tool instance is for (documentation only)")
    params: dict[str, Any] = Field(default_factory=dict, description="the kind's parameters (keys beside `kind`)")

    @model_validator(mode="before")
    @classmethod
    def _collect_params(cls, data: Any) -> Any:
        if isinstance(data, dict) and "params" not in data:
            own = {"kind", "description"}
            return {
                **{k: v for k, v in data.items() if k in own},
                "params": {k: v for k, v in data.items() if k not in own},
            }
        return data


StepConfig = Annotated[
    ToolStep | LlmStep | AskStep | SetStep | PipelineStep | ReplyStep | CollectStep | ForeachStep | ConfirmStep,
    Field(discriminator="kind"),
]
STEP_MODELS: tuple[type[StepBase], ...] = get_args(get_args(StepConfig)[0])
STEP_KINDS = tuple(kind_of(model) for model in STEP_MODELS)
PLAIN_KINDS = tuple(kind_of(model) for model in STEP_MODELS if not model.composite)
COMPOSITE_KINDS = tuple(kind_of(model) for model in STEP_MODELS if model.composite)
for _model in STEP_MODELS:  # a kind holding steps (foreach) names the union, defined only now
    _model.model_rebuild(_types_namespace={"StepConfig": StepConfig})


class PipelineConfig(StrictModel):
    """A whole pipeline: inputs, tools, steps and outputs."""

    name: str = Field(pattern=NAME_PATTERN, description="the pipeline's name; its file is pipelines/<name>.yaml")
    description: str = Field(default="", description="one line shown by `!help`, the API and the editor")
    version: str | None = Field(default=None, description="a label; the real version is the content hash")
    inputs: dict[Key, InputConfig] = Field(default_factory=dict, description="the values a run may start with")
    examples: list[str] = Field(default_factory=list, description="chat sentences that start this pipeline")
    tools: dict[Annotated[str, Field(pattern=NAME_PATTERN)], ToolConfig] = Field(
        default_factory=dict, description="name -> tool kind and parameters"
    )
    steps: list[StepConfig] = Field(min_length=1, description="run in order unless `next` routes elsewhere")
    outputs: dict[Key, Any] = Field(default_factory=dict, description="output name -> template")
    questions: list[Annotated[str, Field(min_length=3, max_length=200)]] = Field(
        default_factory=list,
        max_length=200,
        description="questions this pipeline answers as a digression of another run, with {input} placeholders, "
        "e.g. «¿cuánto stock hay de {producto}?»",
    )
    repair: RepairConfig = Field(default_factory=RepairConfig, description="conversation repair while waiting")

    _source_file: str | None = PrivateAttr(default=None)
    _source_text: str | None = PrivateAttr(default=None)
    _positions: dict[tuple[Any, ...], tuple[int, int]] = PrivateAttr(default_factory=dict)
    _composite_kinds: dict[str, str] = PrivateAttr(default_factory=dict)

    @field_validator("outputs", mode="before")
    @classmethod
    def _outputs_list(cls, value: Any) -> Any:
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return {v: "{{ " + v + " }}" for v in value}
        return value

    @model_validator(mode="after")
    def _expand_composites(self) -> PipelineConfig:
        # Composite steps stand for plain ones: the config holds the steps the graph runs (each remembering
        # its composite as `group` and its YAML path as `origin`), so every later phase sees plain steps only.
        if any(step.composite for step in self.steps):
            # Only top-level composites name a group: a composite nested in a foreach belongs to the foreach's.
            self._composite_kinds = {step.id: step.kind for step in self.steps if step.composite}
            object.__setattr__(self, "steps", expand_steps(self.steps, ("steps",), group=None, item=None))
        return self

    @property
    def source_file(self) -> str | None:
        """The file this config was loaded from, if any."""
        return self._source_file

    @property
    def source_text(self) -> str:
        """The YAML text as saved (a JSON dump for configs built in Python)."""
        return self._source_text or self.model_dump_json(by_alias=True, exclude_none=True)

    @property
    def content_hash(self) -> str:
        """The pipeline's version: a hash of its text as saved."""
        return hashlib.sha256(self.source_text.encode()).hexdigest()[:16]

    def authored_path(self, path: tuple[Any, ...]) -> tuple[Any, ...]:
        """The YAML path the author wrote for `path` of this config (a step made by a composite → its field)."""
        if len(path) >= 2 and path[0] == "steps" and isinstance(path[1], int) and path[1] < len(self.steps):
            origin = self.steps[path[1]].origin
            if origin is not None:
                return (*origin, *path[2:]) if isinstance(origin[-1], int) else origin
        return path

    def position(self, path: tuple[Any, ...]) -> tuple[int, int]:
        """Line and column of the YAML node at `path`, or of its nearest ancestor (0, 0 when unknown)."""
        path = self.authored_path(path)
        for cut in range(len(path), -1, -1):
            if path[:cut] in self._positions:
                return self._positions[path[:cut]]
        return (0, 0)

    def step(self, step_id: str) -> StepConfig:
        """The step with this id (KeyError if none)."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def state_keys(self) -> list[str]:
        """Every state key the pipeline declares: inputs, slots, saved results, set values, outputs."""
        keys: dict[str, None] = dict.fromkeys(self.inputs)
        for step in self.steps:
            keys.update(dict.fromkeys(provided_keys(step)))
        return list(keys)

    def corrections(self) -> dict[str, CorrectionConfig]:
        """Correctable slots: as declared in `repair.corrections`, else every ask step's slot (from that step)."""
        if self.repair.corrections is not None:
            return dict(self.repair.corrections)
        saves = {step.id: list(step.values) for step in self.steps if isinstance(step, SetStep) and step.group}
        return {
            step.slot: CorrectionConfig(goto=step.id, words=[step.slot], clear=saves.get(f"{step.id}__save", []))
            for step in self.steps
            if isinstance(step, AskStep) and step.slot
        }

    def groups(self) -> dict[str, list[str]]:
        """Composite step id -> the ids of the plain steps it expanded into, in order."""
        groups: dict[str, list[str]] = {}
        for step in self.steps:
            if step.group:
                groups.setdefault(step.group, []).append(step.id)
        return groups

    def composite_kinds(self) -> dict[str, str]:
        """Composite step id -> the kind the author wrote for it (collect, foreach or confirm)."""
        return dict(self._composite_kinds)

    def summary(self) -> dict[str, Any]:
        """Name, description, inputs and version, as listed by the API."""
        return {
            "name": self.name,
            "description": self.description,
            "inputs": {k: v.model_dump() for k, v in self.inputs.items()},
            "version": self.content_hash,
        }

    def canonical_json(self) -> str:
        """A stable JSON dump, used to hash configs built in Python."""
        return json.dumps(self.model_dump(mode="json", by_alias=True), sort_keys=True)


def provided_keys(step: StepConfig) -> list[str]:
    """The state keys a step writes."""
    return step.provided_keys()

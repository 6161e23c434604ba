"""Pydantic models of the pipeline language; `PipelineConfig.model_json_schema()` is its JSON Schema."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Literal

from pydantic import Field, PrivateAttr, field_validator, model_validator

from pipelines.composite_schema import COMPOSITE_KINDS, CollectStep, ConfirmStep, ForeachStep
from pipelines.repair_schema import CorrectionConfig, RepairConfig
from pipelines.step_base import END, KEY_PATTERN, NAME_PATTERN, RESERVED_KEYS, Branch, Key, _Model, _Step

__all__ = [
    "END",
    "KEY_PATTERN",
    "NAME_PATTERN",
    "PLAIN_KINDS",
    "RESERVED_KEYS",
    "STEP_KINDS",
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
    "StepConfig",
    "ToolConfig",
    "ToolStep",
    "provided_keys",
]


class InputConfig(_Model):
    """A declared input (slot) of a pipeline."""

    type: Literal["string", "integer", "number", "boolean", "list", "object"] = Field(
        default="string", description="the value's type; `key=value` inputs and answers are converted to it"
    )
    required: bool = Field(default=False, description="a run cannot start without it (unless it has a default)")
    description: str = Field(default="", description="what the input holds, shown by `!help` and the API")
    default: Any = Field(default=None, description="the value when the caller gives none")


class ToolConfig(_Model):
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


# The refusals a tool step may `catch`: what a pipeline can sensibly answer itself (ask again, go back a step).
CatchableError = Literal["out_of_stock", "unknown_product", "unknown_customer", "key_reused"]


class ToolStep(_Step):
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


class LlmStep(_Step):
    """Prompt a model (text, or structured output per `output`); `fallback` tool when no model is configured."""

    kind: Literal["llm"]
    prompt: str = Field(description="what the model is asked, a template")
    system: str | None = Field(default=None, description="the system message, a template")
    with_: dict[str, Any] = Field(default_factory=dict, alias="with", description="the fallback's arguments")
    output: dict[str, Any] | None = Field(default=None, description="JSON Schema of a structured answer")
    fallback: str = Field(pattern=NAME_PATTERN, description="tool used when no model is configured")
    save_as: Key | None = Field(default=None, description="the state key the answer is stored in")


class AskStep(_Step):
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


class SetStep(_Step):
    """Assign state keys from templates or expressions."""

    kind: Literal["set"]
    values: dict[Key, Any] = Field(min_length=1, description="key -> template, assigned in order")


class PipelineStep(_Step):
    """Run another pipeline as a sub-graph with explicit input/output mapping."""

    kind: Literal["pipeline"]
    pipeline: str = Field(pattern=NAME_PATTERN, description="the name of the pipeline to run")
    with_: dict[str, Any] = Field(default_factory=dict, alias="with", description="its inputs (templates)")
    save_as: Key | None = Field(default=None, description="store all the sub-pipeline's outputs here")
    outputs: dict[Key, str] = Field(default_factory=dict, description="parent key -> sub-pipeline output")


class ReplyStep(_Step):
    """A message (and data) for the user; `end: true` finishes the run with `status`."""

    kind: Literal["reply"]
    message: str = Field(description="what is said to the user, a template")
    data: Any = Field(default=None, description="what to show with the message (e.g. a table), a template")
    end: bool = Field(default=False, description="finish the run after this step")
    status: Literal["completed", "cancelled"] = Field(default="completed", description="status of `end: true`")


StepConfig = Annotated[
    ToolStep | LlmStep | AskStep | SetStep | PipelineStep | ReplyStep | CollectStep | ForeachStep | ConfirmStep,
    Field(discriminator="kind"),
]
PLAIN_KINDS = ("tool", "llm", "ask", "set", "pipeline", "reply")
STEP_KINDS = (*PLAIN_KINDS, *COMPOSITE_KINDS)
ForeachStep.model_rebuild(_types_namespace={"StepConfig": StepConfig})


class PipelineConfig(_Model):
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
        from pipelines.composites import expand, has_composites

        if has_composites(self.steps):
            # Only top-level composites name a group: a composite nested in a foreach belongs to the foreach's.
            self._composite_kinds = {step.id: step.kind for step in self.steps if step.kind in COMPOSITE_KINDS}
            object.__setattr__(self, "steps", expand(self.steps))
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
    if isinstance(step, AskStep):
        return [step.target]
    if isinstance(step, SetStep):
        return list(step.values)
    if isinstance(step, PipelineStep):
        return [k for k in [step.save_as, *step.outputs] if k]
    save_as = getattr(step, "save_as", None)
    return [save_as] if save_as else []

"""What every step's node works with: the node context, the template variables, side-effect keys, the path."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateError
from langchain_core.runnables import RunnableConfig
from pydantic import BaseModel

from errors import ExpressionError
from pipelines import expressions
from pipelines.repair_schema import REPAIR_NODE
from pipelines.schema import PipelineConfig, StepConfig
from tools.registry import ToolRegistry

EXPRESSION_ERRORS = (TemplateError, NameError, TypeError, ValueError, ArithmeticError, LookupError)
INTERNAL_PREFIX = "__"
EFFECT = "__effect__"  # the template context's side-effect key (see effect_key); not a state key
PATH = "__path__"
# The path holds step positions, not ids: a run's checkpoint carries its whole path, and a small int costs a byte
# where an id costs twenty (measured in docs/benchmarks.md, checkpoint bytes per turn). Visits are counted from it.
REPAIR_MARK = -1


def steps_done(config: PipelineConfig, path: list[Any] | None) -> list[str]:
    """The step ids of a run's path (the repair node's mark as its name; ids from older runs kept as they are)."""
    ids = [step.id for step in config.steps]
    return [
        REPAIR_NODE if entry == REPAIR_MARK else ids[entry] if isinstance(entry, int) else entry for entry in path or []
    ]


@dataclass(frozen=True)
class NodeContext:
    """What node factories need: the pipeline, its tool registry with bound params, and compiled sub-graphs."""

    config: PipelineConfig
    registry: ToolRegistry
    tool_params: Mapping[str, BaseModel]
    subgraphs: Mapping[str, Any]
    subconfigs: Mapping[str, PipelineConfig]


def variables_of(state: Mapping[str, Any], keys: tuple[str, ...], config: RunnableConfig | None) -> dict[str, Any]:
    """Template context: every declared key (None until set), the state, run_id and session_id."""
    context: dict[str, Any] = dict.fromkeys(keys)
    context.update({k: v for k, v in state.items() if not k.startswith(INTERNAL_PREFIX)})
    configurable = (config or {}).get("configurable", {})
    context["run_id"] = configurable.get("run_id") or configurable.get("thread_id")
    context["session_id"] = configurable.get("session_id")
    return context


# The side-effect key of the sub-pipeline step whose child graph runs now: the child's keys extend it. Not the
# checkpoint namespace, which holds task ids that change with every checkpoint the step is run from.
_SCOPE: ContextVar[str | None] = ContextVar("effect_scope", default=None)


@contextmanager
def effect_scope(key: str | None) -> Iterator[None]:
    """Within this block (a sub-pipeline step running its child), side-effect keys extend `key`."""
    token = _SCOPE.set(key)
    try:
        yield
    finally:
        _SCOPE.reset(token)


def effect_key(config: RunnableConfig | None, pipeline: str, step: str, visit: int) -> str | None:
    """The key of a step's side effect: thread, pipeline, step and visit (below the sub-pipeline step that runs
    it, if any). Never a per-invocation or per-checkpoint id: LangGraph Server gives each invocation a run id of
    its own, and a retried resume, or one after the user went back and confirmed again, meets the same key."""
    scope = _SCOPE.get()
    if scope is not None:
        return f"{scope}/{pipeline}:{step}:{visit}"
    thread = ((config or {}).get("configurable") or {}).get("thread_id")
    return f"{thread}:{pipeline}:{step}:{visit}" if thread else None


def render(step: StepConfig, value: Any, context: Mapping[str, Any]) -> Any:
    """Render a template value for a step; failures become an ExpressionError naming the step."""
    try:
        return expressions.render(value, context)
    except EXPRESSION_ERRORS as exc:
        raise ExpressionError(f"step '{step.id}': {exc}", step=step.id) from None


def condition(step: StepConfig, text: str, context: Mapping[str, Any]) -> bool:
    """Evaluate a condition for a step; failures become an ExpressionError naming the step."""
    try:
        return expressions.evaluate(text, context)
    except EXPRESSION_ERRORS as exc:
        raise ExpressionError(f"step '{step.id}', condition {text!r}: {exc}", step=step.id) from None


def outputs_of(config: PipelineConfig, state: Mapping[str, Any], run: RunnableConfig | None) -> dict[str, Any]:
    """The pipeline's declared outputs rendered from a final state."""
    context = variables_of(state, tuple(config.state_keys()), run)
    try:
        return {name: expressions.render(template, context) for name, template in config.outputs.items()}
    except EXPRESSION_ERRORS as exc:
        raise ExpressionError(f"outputs of '{config.name}': {exc}") from None

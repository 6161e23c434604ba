"""One node factory per step kind; every node reads and writes only JSON-like state."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, get_type_hints

from jinja2 import TemplateError
from langchain_core.runnables import RunnableConfig
from langgraph.errors import GraphInterrupt
from langgraph.types import interrupt
from pydantic import BaseModel

from errors import AppError, ExpressionError, LoopLimitError, ToolError
from graphs.observe import faults, progress
from graphs.observe.metrics import llm_call, llm_error, llm_fallback, timed_step
from pipelines import expressions
from pipelines.repair_schema import REPAIR_NODE
from pipelines.schema import AskStep, LlmStep, PipelineConfig, PipelineStep, ReplyStep, SetStep, StepConfig, ToolStep
from tools.registry import ToolRegistry

Node = Callable[[dict[str, Any], RunnableConfig], dict[str, Any]]
_EXPRESSION_ERRORS = (TemplateError, NameError, TypeError, ValueError, ArithmeticError, LookupError)
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
    except _EXPRESSION_ERRORS as exc:
        raise ExpressionError(f"step '{step.id}': {exc}", step=step.id) from None


def condition(step: StepConfig, text: str, context: Mapping[str, Any]) -> bool:
    """Evaluate a condition for a step; failures become an ExpressionError naming the step."""
    try:
        return expressions.evaluate(text, context)
    except _EXPRESSION_ERRORS as exc:
        raise ExpressionError(f"step '{step.id}', condition {text!r}: {exc}", step=step.id) from None


class StepNode:
    """The LangGraph node running one step, with visit counting and the path taken.

    A callable object, not a closure: when compiling, LangGraph disassembles every closure node to look for
    sub-graphs (two thirds of compiling a 20-step pipeline); a sub-pipeline runs inside its node's body, where
    that scan never finds it, so skipping it changes nothing but the time (measured: see the README, Benchmarks).
    """

    def __init__(
        self, step: StepConfig, body: Callable[..., dict[str, Any]], keys: tuple[str, ...], pipeline: str, index: int
    ) -> None:
        self.step, self.body, self.keys, self.pipeline, self.index = step, body, keys, pipeline, index
        self.__name__ = step.id

    def __call__(self, state: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        step = self.step
        visits = (state.get(PATH) or []).count(self.index) + 1
        if step.max_visits is not None and visits > step.max_visits:
            raise LoopLimitError(
                f"step '{step.id}' ran more than its max_visits of {step.max_visits} times", step=step.id
            )
        context = variables_of(state, self.keys, config)
        context[EFFECT] = effect_key(config, self.pipeline, step.id, visits)
        if progress.SINK.get() is None:
            update = self.body(state, context, config)
        else:
            update = self._followed(state, context, config)
        update[PATH] = [self.index]
        return update

    def _followed(self, state: dict[str, Any], context: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        """The body, with start and end events for a client following the turn."""
        progress.announce(self.step, self.pipeline, "start")
        try:
            update = self.body(state, context, config)
        except GraphInterrupt:
            progress.announce(self.step, self.pipeline, "end", waiting=True)
            raise
        except Exception:
            progress.announce(self.step, self.pipeline, "end")
            raise
        progress.announce(self.step, self.pipeline, "end")
        return update


# LangGraph reads a node's type hints on every add_node; resolved once here, the string annotations of
# `from __future__ import annotations` are not eval'd again for each node of each compile (-16 % compile time).
StepNode.__call__.__annotations__ = get_type_hints(StepNode.__call__)


def make_node(step: StepConfig, ctx: NodeContext) -> Node:
    """The LangGraph node running `step`, with visit counting and the path taken."""
    body = timed_step(step, ctx.config.name, _BODIES[type(step)](step, ctx))
    index = next(i for i, other in enumerate(ctx.config.steps) if other.id == step.id)
    return StepNode(step, body, tuple(ctx.config.state_keys()), ctx.config.name, index)


def _saved(step: StepConfig, value: Any) -> dict[str, Any]:
    save_as = getattr(step, "save_as", None)
    return {save_as: value} if save_as else {}


def _tool_body(step: ToolStep, ctx: NodeContext) -> Callable[..., dict[str, Any]]:
    kind, params = ctx.config.tools[step.tool].kind, ctx.tool_params[step.tool]
    writes = ctx.registry.get(kind).writes

    def body(state: dict[str, Any], context: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        args = render(step, step.with_, context)
        try:
            result = ctx.registry.call(
                kind,
                params,
                args,
                run_id=context["run_id"],
                session_id=context["session_id"],
                step=step.id,
                effect_key=context.get(EFFECT),
            )
        except AppError as exc:
            reason = exc.user_reason()
            if reason not in step.catch:
                raise
            result = {"error": {**exc.user_fields(), "reason": reason, "message": exc.user_message("es")}}
        else:
            if writes:
                faults.reached("after_effect", after=step.id)
        return _saved(step, result)

    return body


def _llm_body(step: LlmStep, ctx: NodeContext) -> Callable[..., dict[str, Any]]:
    kind, params = ctx.config.tools[step.fallback].kind, ctx.tool_params[step.fallback]

    def body(state: dict[str, Any], context: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        args = render(step, step.with_, context)
        llm = ctx.registry.services.llm
        if llm is not None:
            local = {**context, **args}
            prompt = render(step, step.prompt, local)
            system = render(step, step.system, local) if step.system else None
            llm_call(ctx.config.name)
            try:
                return _saved(step, llm.generate(prompt, system=system, schema=step.output))
            except ToolError:
                llm_error(ctx.config.name)  # the model failed: the deterministic fallback answers instead
        llm_fallback(ctx.config.name)
        result = ctx.registry.call(
            kind, params, args, run_id=context["run_id"], session_id=context["session_id"], step=step.id
        )
        return _saved(step, result)

    return body


def _filled(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def match_option(answer: Any, options: list[str]) -> Any:
    """An answer that is an option's number or (accent/case-insensitive) text becomes that option."""
    if not isinstance(answer, str | int) or isinstance(answer, bool):
        return answer
    text = str(answer).strip()
    # isdecimal, not isdigit: "²" is a digit that int() refuses; the length cap keeps int() cheap and in range.
    if options and len(text) <= 6 and text.isdecimal() and 1 <= int(text) <= len(options):
        return options[int(text) - 1]
    wanted = expressions.ENV.filters["norm"](text)
    for option in options:
        if expressions.ENV.filters["norm"](option) == wanted:
            return option
    return text


def _coerce(value: Any, declared: str | None) -> Any:
    if isinstance(value, str) and declared in ("integer", "number"):
        try:
            return int(value) if declared == "integer" else float(value.replace(",", "."))
        except ValueError:
            return value
    return value


def _ask_body(step: AskStep, ctx: NodeContext) -> Callable[..., dict[str, Any]]:
    declared = ctx.config.inputs.get(step.target)
    declared_type = declared.type if declared else None

    def body(state: dict[str, Any], context: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        if step.slot and _filled(state.get(step.slot)) and (not step.valid or condition(step, step.valid, context)):
            return {}
        # Rendering is pure, so replaying it when the answer arrives is harmless; the node does no other work.
        options = render(step, step.options, context) if step.options is not None else []
        options = [str(o) for o in options] if isinstance(options, list | tuple) else []
        payload = {
            "question": render(step, step.question, context),
            "options": options,
            "data": render(step, step.data, context),
            "step": step.id,
            "pipeline": ctx.config.name,
        }
        if step.help:
            payload["help"] = render(step, step.help, context)
        answer = interrupt(payload)
        return {step.target: _coerce(match_option(answer, options), declared_type)}

    return body


def _set_body(step: SetStep, ctx: NodeContext) -> Callable[..., dict[str, Any]]:
    def body(state: dict[str, Any], context: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        update: dict[str, Any] = {}
        for key, template in step.values.items():
            update[key] = context[key] = render(step, template, context)
        return update

    return body


def _pipeline_body(step: PipelineStep, ctx: NodeContext) -> Callable[..., dict[str, Any]]:
    child, child_config = ctx.subgraphs[step.pipeline], ctx.subconfigs[step.pipeline]

    def body(state: dict[str, Any], context: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        args = render(step, step.with_, context)
        # Invoked inside the node so the child shares the parent's checkpointer and its questions pause the parent.
        scope = _SCOPE.set(context.get(EFFECT))
        try:
            final = child.invoke(args)
        finally:
            _SCOPE.reset(scope)
        outputs = outputs_of(child_config, final, config)
        update = {key: outputs.get(name) for key, name in step.outputs.items()}
        update.update(_saved(step, outputs))
        update["__messages__"] = list(final.get("__messages__") or [])
        if final.get("__data__") is not None:
            update["__data__"] = final["__data__"]
        return update

    return body


def outputs_of(config: PipelineConfig, state: Mapping[str, Any], run: RunnableConfig | None) -> dict[str, Any]:
    """The pipeline's declared outputs rendered from a final state."""
    context = variables_of(state, tuple(config.state_keys()), run)
    try:
        return {name: expressions.render(template, context) for name, template in config.outputs.items()}
    except _EXPRESSION_ERRORS as exc:
        raise ExpressionError(f"outputs of '{config.name}': {exc}") from None


def _reply_body(step: ReplyStep, ctx: NodeContext) -> Callable[..., dict[str, Any]]:
    def body(state: dict[str, Any], context: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        update: dict[str, Any] = {"__messages__": [render(step, step.message, context)]}
        if step.data is not None:
            update["__data__"] = render(step, step.data, context)
        if step.end:
            update["__status__"] = step.status
        return update

    return body


_BODIES: dict[type, Callable[[Any, NodeContext], Callable[..., dict[str, Any]]]] = {
    ToolStep: _tool_body,
    LlmStep: _llm_body,
    AskStep: _ask_body,
    SetStep: _set_body,
    PipelineStep: _pipeline_body,
    ReplyStep: _reply_body,
}

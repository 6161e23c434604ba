"""What each step kind does when its node runs: one body factory per kind (tool, llm, ask, set, pipeline, reply)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.types import interrupt

from errors import AppError, ToolError
from graphs.compile.step_context import EFFECT, NodeContext, condition, effect_scope, outputs_of, render
from graphs.observe import faults
from graphs.observe.metrics import llm_call, llm_error, llm_fallback
from pipelines import expressions
from pipelines.schema import AskStep, LlmStep, PipelineStep, ReplyStep, SetStep, StepConfig, ToolStep

Body = Callable[[dict[str, Any], dict[str, Any], RunnableConfig], dict[str, Any]]


def _saved(step: StepConfig, value: Any) -> dict[str, Any]:
    save_as = getattr(step, "save_as", None)
    return {save_as: value} if save_as else {}


def _tool_body(step: ToolStep, ctx: NodeContext) -> Body:
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


def _llm_body(step: LlmStep, ctx: NodeContext) -> Body:
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


def _ask_body(step: AskStep, ctx: NodeContext) -> Body:
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


def _set_body(step: SetStep, ctx: NodeContext) -> Body:
    def body(state: dict[str, Any], context: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        update: dict[str, Any] = {}
        for key, template in step.values.items():
            update[key] = context[key] = render(step, template, context)
        return update

    return body


def _pipeline_body(step: PipelineStep, ctx: NodeContext) -> Body:
    child, child_config = ctx.subgraphs[step.pipeline], ctx.subconfigs[step.pipeline]

    def body(state: dict[str, Any], context: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        args = render(step, step.with_, context)
        # Invoked inside the node so the child shares the parent's checkpointer and its questions pause the parent.
        with effect_scope(context.get(EFFECT)):
            final = child.invoke(args)
        outputs = outputs_of(child_config, final, config)
        update = {key: outputs.get(name) for key, name in step.outputs.items()}
        update.update(_saved(step, outputs))
        update["__messages__"] = list(final.get("__messages__") or [])
        if final.get("__data__") is not None:
            update["__data__"] = final["__data__"]
        return update

    return body


def _reply_body(step: ReplyStep, ctx: NodeContext) -> Body:
    def body(state: dict[str, Any], context: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        update: dict[str, Any] = {"__messages__": [render(step, step.message, context)]}
        if step.data is not None:
            update["__data__"] = render(step, step.data, context)
        if step.end:
            update["__status__"] = step.status
        return update

    return body


BODIES: dict[type, Callable[[Any, NodeContext], Body]] = {
    ToolStep: _tool_body,
    LlmStep: _llm_body,
    AskStep: _ask_body,
    SetStep: _set_body,
    PipelineStep: _pipeline_body,
    ReplyStep: _reply_body,
}

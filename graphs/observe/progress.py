"""Live progress of a turn: a context-local sink fed from LangGraph's stream modes while the turn runs."""

from __future__ import annotations

import contextvars
import json
import logging
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any

from langgraph.config import get_stream_writer

from pipelines.schema import StepConfig

__all__ = ["SINK", "STREAM_MODES", "Sink", "announce", "follow", "run_turn"]

Sink = Callable[[str, dict[str, Any]], None]
# Set by whoever wants to follow a turn (the chat route, for a client asking for text/event-stream); unset, a
# turn is the plain `invoke` it always was. A ContextVar, so no signature between the route and the runner changes.
SINK: contextvars.ContextVar[Sink | None] = contextvars.ContextVar("progress_sink", default=None)
# "updates" and "values" are what `invoke` itself streams to build its result (the pending interrupt comes in
# "updates"); "custom" carries the steps' own start/end events (a fused node runs several steps, so LangGraph's
# "tasks" would name only the first); "messages" carries the model's tokens.
STREAM_MODES = ["updates", "values", "custom", "messages"]
STEP_EVENT = "t7_step"
INTERRUPT = "__interrupt__"
logger = logging.getLogger(__name__)
_DONE = object()
_LABELS = {
    "llm": "El modelo está leyendo tu mensaje…",
    "tool": "Consultando «{id}»…",
    "ask": "Preparando la pregunta…",
    "set": "Preparando «{id}»…",
    "pipeline": "Ejecutando «{id}»…",
    "reply": "Preparando la respuesta…",
}


def run_turn(graph: Any, payload: Any, config: dict[str, Any], durability: str) -> Any:
    """What `graph.invoke` returns; when a sink is set, streamed so the sink sees steps and tokens on the way."""
    sink = SINK.get()
    if sink is None:
        return graph.invoke(payload, config, durability=durability)
    latest: Any = None
    interrupts: list[Any] = []
    for mode, chunk in graph.stream(payload, config, durability=durability, stream_mode=STREAM_MODES):
        if mode == "values":
            latest = chunk
        elif mode == "updates" and isinstance(chunk, dict) and chunk.get(INTERRUPT) is not None:
            interrupts.extend(chunk[INTERRUPT])
        elif mode == "custom" and isinstance(chunk, dict) and STEP_EVENT in chunk:
            sink("step", chunk[STEP_EVENT])
        elif mode == "messages":
            message, meta = chunk
            if text := _text_of(message):
                sink("token", {"step": meta.get("langgraph_node"), "text": text})
    # The same assembly as `invoke` (langgraph Pregel.invoke, v1 output): latest values plus the interrupts.
    if interrupts:
        return {**latest, INTERRUPT: interrupts} if isinstance(latest, dict) else {INTERRUPT: interrupts}
    return latest


def announce(step: StepConfig, pipeline: str, phase: str, *, waiting: bool = False) -> None:
    """Tell a followed turn that `step` starts or ends (`waiting`: it asked a question); nothing when unfollowed."""
    if SINK.get() is None:
        return
    label = step.description or _LABELS.get(step.kind, "Ejecutando «{id}»…").format(id=step.id)
    event: dict[str, Any] = {"id": step.id, "kind": step.kind, "pipeline": pipeline, "phase": phase, "label": label}
    if phase == "end":
        event["waiting"] = waiting
    get_stream_writer()({STEP_EVENT: event})


def _text_of(message: Any) -> str:
    """The new text of a streamed message chunk: its content, or the pieces of a tool call's JSON arguments."""
    pieces = [str(getattr(message, "text", "") or "")]
    for call in getattr(message, "tool_call_chunks", None) or []:
        pieces.append(str(call.get("args") or ""))
    if not getattr(message, "tool_call_chunks", None):  # a model that did not stream: its whole tool calls
        pieces += [json.dumps(call.get("args"), ensure_ascii=False) for call in getattr(message, "tool_calls", [])]
    return "".join(pieces)


def follow(work: Callable[[], dict[str, Any]], fallback: Callable[[], dict[str, Any]]) -> Iterator[tuple[str, Any]]:
    """Run `work` in a thread with a sink set: its events, then ("reply", its result or `fallback()` if it failed)."""
    events: queue.SimpleQueue[Any] = queue.SimpleQueue()

    def run() -> None:
        SINK.set(lambda event, data: events.put((event, data)))
        try:
            events.put(("reply", work()))
        except Exception:
            logger.exception("a followed chat turn failed unexpectedly")
            events.put(("reply", fallback()))
        finally:
            events.put(_DONE)

    # Started now, not on the first read, with the caller's context (logging fields, app context); it runs to
    # its end even if the follower stops reading, since a half-run turn would help nobody.
    context = contextvars.copy_context()
    threading.Thread(target=context.run, args=(run,), name="followed-turn", daemon=True).start()
    return _drain(events)


def _drain(events: queue.SimpleQueue[Any]) -> Iterator[tuple[str, Any]]:
    """The events of a followed turn as they come, until it is done."""
    while (item := events.get()) is not _DONE:
        yield item

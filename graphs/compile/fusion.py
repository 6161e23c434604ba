"""Fusion: a chain of steps that cannot pause runs as one LangGraph node, one superstep instead of one per step.

Inside the fused node every step still runs through its own `StepNode` (so `max_visits`, the path, the per-step
metrics, progress events and errors naming the step are those of the unfused graph); the node applies each
step's writes to a local view of the state with the graph's reducers, routes with the step's own router, and
returns all the writes in one `Command` that goes to the next step able to pause (or the end).
"""

from __future__ import annotations

import contextvars
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, get_type_hints

from langchain_core.runnables import RunnableConfig
from langgraph.errors import GraphBubbleUp, GraphRecursionError
from langgraph.graph import END
from langgraph.types import Command

from errors import InternalError
from graphs.observe import faults
from pipelines.check_support import successors
from pipelines.schema import END as END_STEP
from pipelines.schema import PipelineConfig, ReplyStep, SetStep, ToolStep

# `llm` steps stay alone: a followed chat turn streams their tokens under their own node's name.
FUSABLE = (SetStep, ToolStep, ReplyStep)
FAILED_NODE = "__failed__"
FAILURE_KEY = "__failure__"
REMAINING = "__remaining__"  # LangGraph's RemainingSteps: the supersteps this invoke may still run
APPENDED = ("__path__", "__messages__")  # the channels whose reducer appends (graphs.compile.compiler.state_schema)

Step = Callable[[dict[str, Any], RunnableConfig], dict[str, Any]]
Next = Callable[[dict[str, Any], RunnableConfig], str]

_failures: dict[str, BaseException] = {}
_failures_lock = threading.Lock()
# The steps fused nodes ran beyond their first, per graph (checkpoint namespace), in the current turn: the unfused
# graph spends one superstep on each, so they count against the recursion limit. A dict shared by every copy of
# the turn's context (LangGraph runs tasks in copies); unset outside `counting_steps`, where only a chain's own
# steps are counted.
_EXTRA: contextvars.ContextVar[dict[str, int] | None] = contextvars.ContextVar("fused_extra_steps", default=None)


@contextmanager
def counting_steps() -> Iterator[None]:
    """Within this block (one turn), the steps run inside fused nodes count against the recursion limit."""
    token = _EXTRA.set({})
    try:
        yield
    finally:
        _EXTRA.reset(token)


def _extra(config: RunnableConfig) -> tuple[dict[str, int] | None, str, int]:
    table = _EXTRA.get()
    # A task's namespace is its graph's, then "|node:task": the graph's part is what the steps are counted by.
    namespace = str((config.get("configurable") or {}).get("checkpoint_ns", "")).rpartition("|")[0]
    return table, namespace, (table or {}).get(namespace, 0)


def _out_of_steps(config: RunnableConfig) -> GraphRecursionError:
    return GraphRecursionError(f"the run took more than {config.get('recursion_limit')} steps")


class Budgeted:
    """A node of a fused graph that can pause, routed by `Command` like the fused nodes, so it is refused, or its
    writes are kept and the run stopped, exactly where the unfused graph would run out of steps."""

    def __init__(self, node: Step, route: Next) -> None:
        self.node, self.route = node, route
        self.__name__ = getattr(node, "__name__", "node")

    def __call__(self, state: dict[str, Any], config: RunnableConfig) -> Command:
        _table, _namespace, extra = _extra(config)
        remaining = state.get(REMAINING)
        spent = bool(extra) and remaining is not None
        if spent and extra > remaining:
            raise _out_of_steps(config)
        update = self.node(state, config)
        view = _own_lists(dict(state))
        apply(view, update)
        try:
            target = self.route(view, config)
        except Exception as exc:  # a failing `next` condition: LangGraph keeps the step's own writes
            return _failed(update, exc)
        if spent and extra + 1 > remaining:  # the unfused graph's next superstep would be past the limit
            return _failed(update, _out_of_steps(config))
        return Command(update=update, goto=target)


Budgeted.__call__.__annotations__ = get_type_hints(Budgeted.__call__)


def fusable(config: PipelineConfig) -> set[str]:
    """Ids of the steps that cannot pause, so a fused node may run them."""
    return {step.id for step in config.steps if isinstance(step, FUSABLE)}


def fused_entries(config: PipelineConfig) -> list[str]:
    """The fusable steps a run can reach from outside a chain, each the entry node of one fused chain: the first
    step, the successors of steps that pause, and the targets of corrections (the repair node jumps there)."""
    inside = fusable(config)
    entries = [config.steps[0].id]
    for index, step in enumerate(config.steps):
        if step.id not in inside:
            entries += successors(config, index)
    entries += [correction.goto for correction in config.corrections().values()]
    return [entry for entry in dict.fromkeys(entries) if entry in inside]


def exits(config: PipelineConfig, entry: str) -> tuple[str, ...]:
    """Where the fused chain starting at `entry` may hand over: the steps that pause, the end, the failure node."""
    inside, index_of = fusable(config), {step.id: i for i, step in enumerate(config.steps)}
    seen, todo, found = {entry}, [entry], []
    while todo:
        for target in successors(config, index_of[todo.pop()]):
            if target in inside and target not in seen:
                seen.add(target)
                todo.append(target)
            elif target not in inside:
                found.append(END if target == END_STEP else target)
    return (*dict.fromkeys(found), FAILED_NODE)


def apply(view: dict[str, Any], update: Mapping[str, Any]) -> None:
    """Apply one step's writes to `view` as the graph's channels would (append or overwrite); `view` owns its lists."""
    for key, value in update.items():
        if key in APPENDED:
            view[key].extend(value)
        else:
            view[key] = value


def _own_lists(values: dict[str, Any]) -> dict[str, Any]:
    """`values` with private copies of the appended lists, so `apply` never changes the state LangGraph passed in."""
    for key in APPENDED:
        values[key] = list(values.get(key) or [])
    return values


class FusedNode:
    """The LangGraph node running a chain of fusable steps from `entry` until a step that pauses or the end."""

    def __init__(self, entry: str, steps: Mapping[str, Step], routes: Mapping[str, Next]) -> None:
        self.entry, self.steps, self.routes = entry, steps, routes
        self.__name__ = entry

    def __call__(self, state: dict[str, Any], config: RunnableConfig) -> Command:
        view, writes = _own_lists(dict(state)), _own_lists({})
        table, namespace, extra = _extra(config)
        # Step k of the chain (the entry is 0) is the unfused graph's superstep k + extra from now.
        budget = int(state.get(REMAINING, config.get("recursion_limit") or 25)) - extra
        if budget < 0:
            raise _out_of_steps(config)
        current, ran = self.entry, 0
        while True:
            try:
                update = self.steps[current](view, config)
            except GraphBubbleUp:
                raise
            except Exception as exc:
                if not ran:
                    raise
                return _failed(writes, exc)
            apply(view, update)
            apply(writes, update)
            ran += 1
            try:
                target = self.routes[current](view, config)
            except Exception as exc:  # a failing `next` condition: LangGraph keeps the step's own writes
                return _failed(writes, exc)
            if ran > budget:  # the unfused graph's next superstep, whatever it runs, would be past the limit
                return _failed(writes, _out_of_steps(config))
            if target not in self.steps:
                if table is not None:
                    table[namespace] = extra + ran - 1
                return Command(update=_written(writes), goto=target)
            faults.reached("in_fused_chain", after=current)
            current = target


FusedNode.__call__.__annotations__ = get_type_hints(FusedNode.__call__)


def _written(writes: dict[str, Any]) -> dict[str, Any]:
    """The writes to return: an appended channel nothing was added to is not written at all."""
    return {key: value for key, value in writes.items() if key not in APPENDED or value}


def _failed(writes: dict[str, Any], exc: BaseException) -> Command:
    """Commit the steps done, and have the failure node raise `exc` in the next superstep (as the unfused graph
    would have failed in the superstep after them)."""
    return Command(update={**_written(writes), FAILURE_KEY: _keep(exc)}, goto=FAILED_NODE)


def _keep(exc: BaseException) -> str:
    """Keep a step's error until the failure node raises it; the state only holds the key."""
    key = uuid.uuid4().hex
    with _failures_lock:
        _failures[key] = exc
    return key


def raise_failure(state: dict[str, Any]) -> dict[str, Any]:
    """The failure node: raise the error a fused step raised, once the steps before it are committed."""
    with _failures_lock:
        exc = _failures.pop(str(state.get(FAILURE_KEY)), None)
    if exc is None:  # the process that kept the error is gone (the run was recovered elsewhere)
        raise InternalError("a step failed in a process that stopped before the error was reported")
    raise exc

"""Compile a PipelineConfig into a LangGraph StateGraph: pure, no IO, cached by content hash."""

from __future__ import annotations

import operator
import threading
from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypedDict

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.managed import RemainingSteps
from pydantic import BaseModel, ValidationError

from errors import PipelineError, PipelineErrors
from graphs.compile.fusion import (
    FAILED_NODE,
    FAILURE_KEY,
    REMAINING,
    Budgeted,
    FusedNode,
    exits,
    fusable,
    fused_entries,
    raise_failure,
)
from graphs.compile.nodes import make_node
from graphs.compile.step_context import NodeContext, condition, variables_of
from pipelines.check_support import successors
from pipelines.checks import check_duplicate_ids, check_goto_targets, check_tools
from pipelines.repair_checks import check_corrections
from pipelines.repair_schema import REPAIR_NODE
from pipelines.schema import END as END_STEP
from pipelines.schema import PipelineConfig, PipelineStep
from tools.registry import ToolRegistry

Resolver = Callable[[str], PipelineConfig]
DEFAULT_LABEL = "otherwise"


def state_schema(config: PipelineConfig) -> type:
    """The run's state: every declared key plus internal bookkeeping keys with their reducers."""
    fields: dict[str, Any] = dict.fromkeys(config.state_keys(), Any)
    fields.update(
        {
            "__path__": Annotated[list, operator.add],  # step positions run, so also the visits of each
            "__messages__": Annotated[list, operator.add],
            "__data__": Any,
            "__status__": Any,
            "__corrected__": Any,  # the slot a correction changed: the repair node routes on it
            "__parent__": Any,  # the run a digression interrupted
            FAILURE_KEY: Any,  # a fused step's error, raised by the failure node (graphs.compile.fusion)
            REMAINING: RemainingSteps,  # computed by LangGraph, never stored: fused nodes count their steps with it
        }
    )
    return TypedDict(f"{config.name.title()}State", fields, total=False)  # type: ignore[operator]


def _bind_params(config: PipelineConfig, registry: ToolRegistry) -> dict[str, BaseModel]:
    bound = {}
    for name, tool in config.tools.items():
        try:
            bound[name] = registry.get(tool.kind).params_model.model_validate(tool.params)
        except ValidationError as exc:
            line, column = config.position(("tools", name))
            raise PipelineError(
                f"tool '{name}': {exc.errors()[0]['msg']}",
                file=config.source_file,
                line=line,
                column=column,
                path=f"tools.{name}",
                pipeline=config.name,
            ) from None
    return bound


def _target(step_id: str) -> str:
    return END if step_id == END_STEP else step_id


def _label(text: str, target: str, taken: Mapping[str, str]) -> str:
    """A unique route key showing `text`; LangGraph drops an edge's label when it equals the target's name."""
    label = text
    while label == target or label in taken:
        label += " "
    return label


def _router(config: PipelineConfig, index: int) -> tuple[Callable[..., str], dict[str, str]]:
    step = config.steps[index]
    keys = tuple(config.state_keys())
    branches = [(b.when, b.goto) for b in step.next or []]
    targets = successors(config, index)
    default = next((goto for when, goto in branches if not when), targets[-1])
    path_map: dict[str, str] = {}
    labelled: list[tuple[str, str, str]] = []
    for when, goto in branches:
        if when is None:
            break
        label = _label(when, _target(goto), path_map)
        path_map[label] = _target(goto)
        labelled.append((label, when, goto))
    otherwise = _label(DEFAULT_LABEL, _target(default), path_map)
    path_map[otherwise] = _target(default)

    def route(state: dict[str, Any], config_: Any = None) -> str:
        context = variables_of(state, keys, config_)
        for label, when, _goto in labelled:
            if condition(step, when, context):
                return label
        return otherwise

    return route, path_map


def _next_step(config: PipelineConfig, index: int) -> Callable[..., str]:
    """The node that follows step `index` in a given state: what its edges would choose, for a fused node."""
    step = config.steps[index]
    if step.next and any(b.when for b in step.next):
        route, path_map = _router(config, index)
        return lambda state, run: path_map[route(state, run)]
    target = _target(successors(config, index)[0])
    return lambda state, run: target


def compile_pipeline(
    config: PipelineConfig,
    registry: ToolRegistry,
    checkpointer: BaseCheckpointSaver | None = None,
    *,
    resolve: Resolver | None = None,
    fuse: bool = True,
    _stack: tuple[str, ...] = (),
) -> CompiledStateGraph:
    """Build and compile the StateGraph of `config`; sub-pipelines are looked up with `resolve`; `fuse` runs each
    chain of steps that cannot pause as one LangGraph node."""
    # A config built in Python may never have been checked: an unknown target or tool would otherwise
    # surface as a bare ValueError/KeyError from LangGraph instead of a PipelineError with its position.
    problems = [
        *check_duplicate_ids(config),
        *check_goto_targets(config),
        *check_corrections(config),
        *check_tools(config, registry.param_models()),
    ]
    if problems:
        raise PipelineErrors(problems)
    stack = (*_stack, config.name)
    subgraphs, subconfigs = {}, {}
    for index, step in enumerate(config.steps):
        if isinstance(step, PipelineStep) and step.pipeline not in subgraphs:
            if step.pipeline in stack or resolve is None:
                problem = "sub-pipelines include each other" if resolve else "no resolver for sub-pipelines"
                line, column = config.position(("steps", index, "pipeline"))
                raise PipelineError(
                    f"cannot compile '{step.pipeline}': {problem} ({' -> '.join(stack)})",
                    file=config.source_file,
                    line=line,
                    column=column,
                    path=f"steps.{index}.pipeline",
                    step=step.id,
                    pipeline=config.name,
                )
            subconfigs[step.pipeline] = child = resolve(step.pipeline)
            subgraphs[step.pipeline] = compile_pipeline(child, registry, None, resolve=resolve, fuse=fuse, _stack=stack)
    ctx = NodeContext(config, registry, _bind_params(config, registry), subgraphs, subconfigs)
    builder = StateGraph(state_schema(config))
    nodes = {step.id: make_node(step, ctx) for step in config.steps}
    builder.add_edge(START, config.steps[0].id)
    if fuse:
        _add_fused(builder, config, nodes)
    else:
        for index, step in enumerate(config.steps):
            builder.add_node(step.id, nodes[step.id])
            if step.next and any(b.when for b in step.next):
                route, path_map = _router(config, index)
                builder.add_conditional_edges(step.id, route, path_map)
            else:
                builder.add_edge(step.id, _target(successors(config, index)[0]))
    _add_repair_node(builder, config)
    return builder.compile(checkpointer=checkpointer, name=config.name)


def _add_fused(builder: StateGraph, config: PipelineConfig, nodes: Mapping[str, Any]) -> None:
    """The nodes of a fused graph: each chain of steps that cannot pause is one node from each of its entries, and
    every node routes with a `Command` (graphs.compile.fusion); `destinations` draws the edges."""
    inside = fusable(config)
    routes = {step.id: _next_step(config, index) for index, step in enumerate(config.steps)}
    for index, step in enumerate(config.steps):
        if step.id not in inside:
            targets = (*(_target(t) for t in successors(config, index)), FAILED_NODE)
            builder.add_node(step.id, Budgeted(nodes[step.id], routes[step.id]), destinations=targets)
    steps = {step_id: nodes[step_id] for step_id in inside}
    for entry in fused_entries(config):
        builder.add_node(entry, FusedNode(entry, steps, routes), destinations=exits(config, entry))
    builder.add_node(FAILED_NODE, raise_failure)


def _add_repair_node(builder: StateGraph, config: PipelineConfig) -> None:
    """A node no edge leads to: a correction is written *as* this node (`update_state(as_node=…)`), so the run
    continues at the step that re-validates the slot through LangGraph's own routing, and the jump is drawn."""
    corrections = config.corrections()
    if not corrections:
        return
    labels = {slot: f"correct {slot}" for slot in corrections}

    first = next(iter(labels.values()))

    def route(state: dict[str, Any]) -> str:
        # Only graphs.repair.commands writes as this node, always naming a declared slot; `first` keeps the picture free
        # of an arrow to the end that no run can take.
        return labels.get(state.get("__corrected__") or "", first)

    builder.add_node(REPAIR_NODE, _no_op)
    path_map = {labels[slot]: correction.goto for slot, correction in corrections.items()}
    builder.add_conditional_edges(REPAIR_NODE, route, path_map)


def _no_op(state: dict[str, Any]) -> dict[str, Any]:
    """The repair node's body never runs (nothing routes to it); updates are written as coming from it."""
    return {}


class GraphCache:
    """Compiled graphs keyed by (content hash, checkpointer): nothing is compiled per request."""

    def __init__(self, registry: ToolRegistry, resolve: Resolver | None = None) -> None:
        self.registry, self.resolve = registry, resolve
        self._graphs: dict[tuple[str, int, bool], CompiledStateGraph] = {}
        self._lock = threading.Lock()

    def get(
        self, config: PipelineConfig, checkpointer: BaseCheckpointSaver | None, *, fuse: bool = True
    ) -> CompiledStateGraph:
        """The compiled graph of `config` with `checkpointer` (fused or not), compiling it on first use."""
        key = (config.content_hash, id(checkpointer), fuse)
        graph = self._graphs.get(key)
        if graph is None:
            with self._lock:
                graph = self._graphs.get(key)
                if graph is None:
                    graph = compile_pipeline(config, self.registry, checkpointer, resolve=self.resolve, fuse=fuse)
                    self._graphs[key] = graph
        return graph

    def clear(self) -> None:
        """Forget every compiled graph (after a pipeline is saved)."""
        with self._lock:
            self._graphs.clear()


def tool_kinds(registry: ToolRegistry) -> Mapping[str, type[BaseModel]]:
    """Kind name -> parameter model, the form the load-time checks take."""
    return registry.param_models()

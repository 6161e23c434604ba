"""Pictures of pipelines, all offline: mermaid, ascii, svg, png (and dot), highlighting a run's position."""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from errors import InputError
from graphs.draw.formats import render
from graphs.draw.groups import cluster, collapse
from graphs.draw.picture import Edge, Node, Picture
from pipelines.repair_schema import REPAIR_NODE
from pipelines.schema import PipelineConfig, PipelineStep

if TYPE_CHECKING:
    from graphs.run.runner import Runner

FORMATS = ("mermaid", "ascii", "svg", "png", "dot")
START, END = "__start__", "__end__"
CACHE_SIZE = 128
_MAX_DEPTH = 8


def _label(node_id: str, step: Any) -> str:
    if node_id == REPAIR_NODE:
        return "repair (corrections)"
    if step is None:
        return "start" if node_id == START else "end"
    if isinstance(step, PipelineStep):
        return f"{step.id} (pipeline: {step.pipeline})"
    return f"{step.id} ({step.kind})"


def _edges(graph: Any, config: PipelineConfig) -> list[tuple[str, str, str | None, bool]]:
    """(source, target, label, conditional) as the compiler declared them, in pipeline order.

    Read from the builder rather than `get_graph()`: LangGraph's drawing merges two conditions that lead to the same
    step into one arrow and drops a label spelled like its target; the path maps keep every condition.
    """
    builder = graph.builder
    edges = [(source, target, None, False) for source, target in builder.edges]
    for source, branches in builder.branches.items():
        for spec in branches.values():
            # The compiler pads a route key with spaces to keep it unique and unlike its target; show the text.
            edges.extend((source, target, str(label).strip(), True) for label, target in (spec.ends or {}).items())
    order = {node_id: rank for rank, node_id in enumerate([START, *(step.id for step in config.steps)])}
    return sorted(edges, key=lambda edge: order.get(edge[0], len(order)))  # stable: branches stay as written


def _add_graph(
    pic: Picture, runner: Runner, graph: Any, config: PipelineConfig, scope: str | None, expand: bool, depth: int
) -> None:
    """Add one compiled graph's nodes and edges; a sub-pipeline's start/end become its call and exit nodes."""
    prefix = f"{scope}." if scope else ""
    steps = {step.id: step for step in config.steps}
    for node_id in [START, *graph.builder.nodes, END]:
        if scope and node_id in (START, END):
            continue
        step = steps.get(node_id)
        kind = step.kind if step is not None else "repair" if node_id == REPAIR_NODE else "terminal"
        pic.nodes[prefix + node_id] = Node(
            prefix + node_id, _label(node_id, step), kind, scope, None if scope else node_id
        )
    for source, target, label, conditional in _edges(graph, config):
        moved_source = scope if scope and source == START else prefix + source
        moved_target = f"{prefix}{END}" if scope and target == END else prefix + target
        pic.edges.append(Edge(moved_source, moved_target, label, conditional, origin=None if scope else source))
    if expand:
        cluster(pic, config, scope)
    if not expand or depth >= _MAX_DEPTH or getattr(runner, "engine", None) is None:
        return
    for step in config.steps:
        if isinstance(step, PipelineStep):
            _expand(pic, runner, step, prefix + step.id, scope, depth)


def _expand(pic: Picture, runner: Runner, step: PipelineStep, call_id: str, scope: str | None, depth: int) -> None:
    child = runner.engine.config(step.pipeline)
    exit_id = f"{call_id}.{END}"
    pic.clusters[call_id] = (f"{step.id}: {step.pipeline}", pic.nodes[call_id].cluster)  # nested in its composite
    pic.nodes[call_id].cluster = call_id
    pic.nodes[exit_id] = Node(exit_id, f"end of {step.pipeline}", "exit", call_id)
    for edge in pic.edges:
        if edge.source == call_id:
            edge.source = exit_id
    _add_graph(pic, runner, runner.engine.graphs.get(child, None, fuse=False), child, call_id, True, depth + 1)


def _mark_back_edges(pic: Picture) -> None:
    """Depth-first from start: an edge into a node still on the stack closes a loop."""
    outgoing: dict[str, list[Edge]] = {}
    for edge in pic.edges:
        outgoing.setdefault(edge.source, []).append(edge)
    state: dict[str, int] = {}  # 1 on the stack, 2 finished
    for root in [START, *pic.nodes]:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(outgoing.get(root, [])))]
        while stack:
            node, edges = stack[-1]
            edge = next(edges, None)
            if edge is None:
                state[node] = 2
                stack.pop()
            elif state.get(edge.target) == 1:
                edge.back = True
            elif edge.target not in state:
                state[edge.target] = 1
                stack.append((edge.target, iter(outgoing.get(edge.target, []))))


def _highlight(pic: Picture, current: str | None, path: list[str], boxes: dict[str, str]) -> None:
    """Mark the current step, the steps done and the arrows taken; a step in a collapsed composite lights its box."""
    current = boxes.get(current, current) if current else None
    path = [boxes.get(step, step) for step in path]
    pic.current, pic.done = current, frozenset(path)
    walked = [START, *path, *([current] if current else [])] if (path or current) else []
    # Moves between the steps of one box are not arrows of the picture.
    pairs = {(a, b) for a, b in itertools.pairwise(walked) if a != b or a not in boxes.values()}
    for edge in pic.edges:
        edge.taken = edge.origin is not None and (edge.origin, edge.target) in pairs


def picture(
    runner: Runner, *, current: str | None = None, path: list[str] | None = None, expand: bool = False
) -> Picture:
    """The drawable model of a runner's graph: a box per composite step, or with `expand` every step, clustered."""
    pic = Picture(runner.config.name)
    _add_graph(pic, runner, runner.step_graph, runner.config, None, expand, 0)
    boxes = {} if expand else collapse(pic, runner.config)
    _mark_back_edges(pic)
    _highlight(pic, current, list(path or []), boxes)
    return pic


def _versions(runner: Runner, config: PipelineConfig, expand: bool, depth: int = 0) -> tuple[str, ...]:
    """The content hashes the picture depends on: the pipeline's, and its sub-pipelines' when expanded."""
    hashes: tuple[str, ...] = (config.content_hash,)
    if expand and depth < _MAX_DEPTH and getattr(runner, "engine", None) is not None:
        for step in config.steps:
            if isinstance(step, PipelineStep):
                hashes += _versions(runner, runner.engine.config(step.pipeline), True, depth + 1)
    return hashes


class _LRU:
    """A small thread-safe least-recently-used cache of rendered pictures."""

    def __init__(self, size: int) -> None:
        self.size, self._items, self._lock = size, OrderedDict[tuple[Any, ...], str | bytes](), threading.Lock()

    def get(self, key: tuple[Any, ...]) -> str | bytes | None:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            return None

    def put(self, key: tuple[Any, ...], value: str | bytes) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_cache = _LRU(CACHE_SIZE)


def clear_cache() -> None:
    """Forget every rendered picture."""
    _cache.clear()


def draw(
    runner: Runner,
    fmt: str = "mermaid",
    *,
    current: str | None = None,
    path: list[str] | None = None,
    expand: bool = False,
) -> str | bytes:
    """The runner's pipeline drawn as mermaid, ascii, dot or svg text, or png bytes — never a web service."""
    if fmt not in FORMATS:
        raise InputError(
            f"unknown picture format {str(fmt)[:40]!r}; use one of {', '.join(FORMATS)}",
            details={"formats": list(FORMATS)},
        )
    path = [str(p) for p in path or []]
    key = (_versions(runner, runner.config, expand), fmt, current, tuple(path), expand)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    pic = picture(runner, current=current, path=path, expand=expand)
    rendered = render(pic, fmt)
    _cache.put(key, rendered)
    return rendered

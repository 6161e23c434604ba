"""A picture of a pipeline as data: its boxes, arrows, clusters and highlights, before any format."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Edge", "Node", "Picture"]


@dataclass
class Node:
    """A box of the picture: its id, label, kind (a step kind, 'terminal' or 'exit') and cluster."""

    id: str
    label: str
    kind: str
    cluster: str | None = None
    step: str | None = None  # the top-level step id, for highlighting a run's position


@dataclass
class Edge:
    """An arrow; `label` is the branch condition ('otherwise' for the default), `back` marks a loop."""

    source: str
    target: str
    label: str | None
    conditional: bool
    origin: str | None = None  # top-level step the arrow leaves, when the picture moved its source
    back: bool = False
    taken: bool = False


@dataclass
class Picture:
    """Everything a renderer needs: nodes, edges, clusters (id -> (title, parent)) and highlights."""

    name: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    clusters: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    current: str | None = None
    done: frozenset[str] = frozenset()

"""Composite steps in pictures: one box per group when collapsed, a cluster around its plain steps when expanded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graphs.draw.picture import Edge, Node, Picture

if TYPE_CHECKING:
    from pipelines.schema import PipelineConfig

COMPOSITE = "composite"  # the Node.kind of a collapsed composite step


def group_title(group: str, config: PipelineConfig) -> str:
    """What a composite's box or cluster says: its id and kind, e.g. «cliente · collect»."""
    return f"{group} · {config.composite_kinds().get(group, COMPOSITE)}"


def members(config: PipelineConfig) -> dict[str, str]:
    """Plain step id -> the id of the composite step it belongs to."""
    return {step: group for group, steps in config.groups().items() for step in steps}


def collapse(pic: Picture, config: PipelineConfig) -> dict[str, str]:
    """Draw each top-level composite as one box; returns the step -> box map that highlighting needs."""
    boxes = members(config)
    if not boxes:
        return boxes
    nodes: dict[str, Node] = {}
    for node_id, node in pic.nodes.items():
        group = boxes.get(node_id)
        if group is None:
            nodes[node_id] = node
        elif group not in nodes:  # the box takes the place of the group's first step, keeping the reading order
            nodes[group] = Node(group, group_title(group, config), COMPOSITE, None, group)
    pic.nodes = nodes
    pic.edges = _merge_edges(pic.edges, boxes)
    return boxes


def _merge_edges(edges: list[Edge], boxes: dict[str, str]) -> list[Edge]:
    """Edges between boxes: inside a group dropped, the rest moved to the boxes and deduplicated."""
    merged: dict[tuple[str, str], list[Edge]] = {}
    for edge in edges:
        source, target = boxes.get(edge.source, edge.source), boxes.get(edge.target, edge.target)
        if source == target and edge.source in boxes:
            continue  # the group's own loops and steps: what the box stands for
        merged.setdefault((source, target), []).append(edge)
    targets: dict[str, int] = {}
    for source, _target in merged:
        targets[source] = targets.get(source, 0) + 1
    result = []
    for (source, target), same in merged.items():
        labels = {edge.label for edge in same}
        label = same[0].label if len(labels) == 1 else None  # different conditions to one box say nothing alone
        conditional = any(edge.conditional for edge in same)
        if source in boxes.values():
            # Seen from outside, a box branches only when it has several ways out, whatever its steps test inside.
            conditional = targets[source] > 1
            if not conditional:
                label = None
        origin = source if same[0].origin is not None else None
        result.append(Edge(source, target, label, conditional, origin=origin))
    return _drop_lonely_otherwise(result, set(boxes.values()))


def _drop_lonely_otherwise(edges: list[Edge], groups: set[str]) -> list[Edge]:
    """A box's «otherwise» means nothing once its sibling conditions were dropped as noise."""
    labelled = {edge.source for edge in edges if edge.label and edge.label != "otherwise"}
    for edge in edges:
        if edge.source in groups and edge.label == "otherwise" and edge.source not in labelled:
            edge.label = None
    return edges


def cluster(pic: Picture, config: PipelineConfig, scope: str | None) -> None:
    """Put the plain steps of each composite of one graph (top level or a sub-pipeline's) in a titled cluster."""
    prefix = f"{scope}." if scope else ""
    for step, group in members(config).items():
        key = prefix + group
        if key not in pic.clusters:
            pic.clusters[key] = (group_title(group, config), scope)
        node = pic.nodes.get(prefix + step)
        if node is not None:
            node.cluster = key

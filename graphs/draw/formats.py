"""Renderers of a drawing.Picture: mermaid text, ascii text, and DOT through pygraphviz (dot, svg, png)."""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING, Any

import pygraphviz
from langchain_core.runnables.graph import Edge as LangEdge
from langchain_core.runnables.graph_ascii import draw_ascii

if TYPE_CHECKING:
    from graphs.draw.picture import Node, Picture

DONE_FILL, CURRENT_STROKE, TAKEN_STROKE, LOOP_STROKE = "#c8e6c9", "#d32f2f", "#2e7d32", "#ef6c00"
# Graphviz keeps layout state in globals: one layout at a time in a threaded server.
_GRAPHVIZ = threading.Lock()

_MERMAID_RESERVED = {
    "end",
    "graph",
    "subgraph",
    "flowchart",
    "style",
    "class",
    "classdef",
    "click",
    "linkstyle",
    "direction",
    "default",
    "call",
    "href",
}
# Mermaid decodes "#name;" / "#number;" entity codes inside quoted labels; mapping one character at a time never
# escapes an escape.
_MERMAID_ESCAPES = {
    "#": "#35;",
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "|": "#124;",
    "&": "#amp;",
    "`": "#96;",
    ";": "#59;",
    "\n": " ",
    "\r": " ",
    "\t": " ",
}
_MERMAID_SHAPES = {
    "ask": ('[/"', '"/]'),
    "pipeline": ('[["', '"]]'),
    "reply": ('("', '")'),
    "terminal": ('(["', '"])'),
    "exit": ('(["', '"])'),
    "repair": ('{{"', '"}}'),
    "composite": ('[["', '"]]'),
}
_MERMAID_CLASSES = {
    "ask": "fill:#fff3c4,stroke:#b38600,stroke-width:2px",
    "pipeline": "fill:#dbeafe,stroke:#1d4ed8",
    "reply": "fill:#e8f5e9,stroke:#2e7d32",
    "terminal": "fill:#ede7f6,stroke:#5e35b1",
    "exit": "fill:#eeeeee,stroke:#757575",
    "repair": "fill:#fde2e4,stroke:#c2185b,stroke-dasharray:4 3",
    "composite": "fill:#e0f2f1,stroke:#00796b,stroke-width:3px",
    "done": f"fill:{DONE_FILL}",
    "current": f"stroke:{CURRENT_STROKE},stroke-width:4px",
}
_DOT_NODES: dict[str, dict[str, str]] = {
    "ask": {"shape": "parallelogram", "style": "filled", "fillcolor": "#fff3c4", "color": "#b38600", "penwidth": "2"},
    "pipeline": {"shape": "box", "peripheries": "2", "fillcolor": "#dbeafe", "color": "#1d4ed8"},
    "reply": {"fillcolor": "#e8f5e9", "color": "#2e7d32"},
    "terminal": {"shape": "oval", "fillcolor": "#ede7f6", "color": "#5e35b1"},
    "exit": {"shape": "oval", "fillcolor": "#eeeeee", "color": "#757575", "fontsize": "10"},
    "repair": {"shape": "hexagon", "fillcolor": "#fde2e4", "color": "#c2185b", "style": "filled,dashed"},
    "composite": {"shape": "box3d", "style": "filled", "fillcolor": "#e0f2f1", "color": "#00796b", "penwidth": "2"},
}


def mermaid_text(text: str) -> str:
    """Text safe inside a double-quoted mermaid label."""
    return "".join(_MERMAID_ESCAPES.get(char, char) for char in text)


def dot_text(text: str) -> str:
    """Text shown literally by Graphviz: backslash escapes doubled, never taken for an HTML-like label."""
    text = text.replace("\\", "\\\\").replace("\n", " ").replace("\r", " ")
    # pygraphviz turns a label that starts with "<" and ends with ">" into an HTML label.
    return f"{text} " if text.startswith("<") and text.endswith(">") else text


def _mermaid_ids(pic: Picture) -> dict[str, str]:
    """Unique mermaid ids: step ids as they are, keywords and unsafe characters avoided."""
    ids: dict[str, str] = {}
    used: set[str] = set()
    keys = [*pic.nodes, *(f"cluster:{c}" for c in pic.clusters)]
    for key in keys:
        is_cluster = key.startswith("cluster:")
        base = re.sub(r"[^A-Za-z0-9_]", "_", key.removeprefix("cluster:")) + ("_sub" if is_cluster else "")
        if base.lower() in _MERMAID_RESERVED:
            base += "_"
        candidate, count = base, 1
        while candidate in used:
            count += 1
            candidate = f"{base}_{count}"
        ids[key] = candidate
        used.add(candidate)
    return ids


def _mermaid_node(node: Node, ids: dict[str, str]) -> str:
    opening, closing = _MERMAID_SHAPES.get(node.kind, ('["', '"]'))
    css = f":::{node.kind}" if node.kind in _MERMAID_CLASSES else ""
    return f"{ids[node.id]}{opening}{mermaid_text(node.label)}{closing}{css}"


def to_mermaid(pic: Picture) -> str:
    """Mermaid flowchart: ask steps as parallelograms, sub-pipelines as subgraphs, conditions on the arrows."""
    ids = _mermaid_ids(pic)
    lines = ["---", f"title: {pic.name}", "---", "flowchart TD"]

    def emit(cluster: str | None, indent: str) -> None:
        lines.extend(indent + _mermaid_node(n, ids) for n in pic.nodes.values() if n.cluster == cluster)
        for child, (title, parent) in pic.clusters.items():
            if parent == cluster:
                lines.append(f'{indent}subgraph {ids["cluster:" + child]}["{mermaid_text(title)}"]')
                emit(child, indent + "  ")
                lines.append(f"{indent}end")

    emit(None, "  ")
    for edge in pic.edges:
        arrow = "-.->" if edge.conditional else "-->"
        label = f'|"{mermaid_text(edge.label)}"|' if edge.label else ""
        lines.append(f"  {ids[edge.source]} {arrow}{label} {ids[edge.target]}")
    lines.extend(f"  classDef {name} {css}" for name, css in _MERMAID_CLASSES.items())
    done = [ids[n.id] for n in pic.nodes.values() if n.step in pic.done and n.step != pic.current]
    current = [ids[n.id] for n in pic.nodes.values() if n.step is not None and n.step == pic.current]
    if done:
        lines.append(f"  class {','.join(done)} done")
    if current:
        lines.append(f"  class {','.join(current)} current")
    taken = [str(i) for i, edge in enumerate(pic.edges) if edge.taken]
    if taken:
        lines.append(f"  linkStyle {','.join(taken)} stroke:{TAKEN_STROKE},stroke-width:3px")
    return "\n".join(lines) + "\n"


def _ascii_label(node: Node, pic: Picture) -> str:
    if node.step is not None and node.step == pic.current:
        return f"> {node.label} <"
    if node.step is not None and node.step in pic.done:
        return f"{node.label} [done]"
    return node.label


def to_ascii(pic: Picture) -> str:
    """Boxes laid out by grandalf, then every branch and loop listed, since the layout cannot show back edges."""
    vertices = {node_id: _ascii_label(node, pic) for node_id, node in pic.nodes.items()}
    forward = [LangEdge(e.source, e.target, None, e.conditional) for e in pic.edges if not e.back]
    try:
        boxes = draw_ascii(vertices, forward)
    except (ValueError, IndexError, ZeroDivisionError):
        boxes = "(no layout for this graph; see the arrows below)"
    lines = [pic.name, "", boxes, "", "Branches and loops (dotted arrows above; loops are not drawn there):"]
    for edge in pic.edges:
        if edge.conditional or edge.back:
            notes = [note for note, on in (("loops back", edge.back), ("taken", edge.taken)) if on]
            suffix = f"   ({', '.join(notes)})" if notes else ""
            condition = f"--[{edge.label}]-->" if edge.label else "-->"
            lines.append(f"  {edge.source} {condition} {edge.target}{suffix}")
    lines.append("Legend: (ask) waits for the user's answer; > step < is the current step; [done] steps done.")
    return "\n".join(lines) + "\n"


def _node_attrs(node: Node, pic: Picture) -> dict[str, Any]:
    attrs: dict[str, Any] = {"label": dot_text(node.label), **_DOT_NODES.get(node.kind, {})}
    if node.step is not None and node.step == pic.current:
        attrs.update(color=CURRENT_STROKE, penwidth="4", **{"class": "current"})
    elif node.step is not None and node.step in pic.done:
        attrs.update(fillcolor=DONE_FILL, **{"class": "done"})
    return attrs


def to_agraph(pic: Picture) -> pygraphviz.AGraph:
    """The picture as a Graphviz graph: clusters for sub-pipelines, dashed conditional arrows with their labels."""
    graph = pygraphviz.AGraph(directed=True, strict=False, name=pic.name)
    graph.graph_attr.update(label=pic.name, labelloc="t", fontname="Helvetica", fontsize="14")
    graph.node_attr.update(
        shape="box", style="rounded,filled", fillcolor="#f2f0ff", color="#7e57c2", fontname="Helvetica", fontsize="12"
    )
    graph.edge_attr.update(fontname="Helvetica", fontsize="10", color="#555555")
    groups: dict[str | None, pygraphviz.AGraph] = {None: graph}
    for number, (cluster, (title, parent)) in enumerate(pic.clusters.items()):
        groups[cluster] = groups[parent].add_subgraph(
            name=f"cluster_{number}", label=dot_text(title), style="rounded", color="#90a4ae"
        )
    for node in pic.nodes.values():
        groups[node.cluster].add_node(node.id, **_node_attrs(node, pic))
    for number, edge in enumerate(pic.edges):
        attrs: dict[str, Any] = {"label": dot_text(edge.label)} if edge.label else {}
        if edge.conditional:
            attrs["style"] = "dashed"
        if edge.back:  # leave and enter on the right so a loop never hides under the forward arrow
            attrs.update(tailport="e", headport="e", color=LOOP_STROKE, fontcolor=LOOP_STROKE)
        if edge.taken:
            attrs.update(color=TAKEN_STROKE, penwidth="3", **{"class": "taken"})
        graph.add_edge(edge.source, edge.target, key=str(number), **attrs)
    return graph


def render(pic: Picture, fmt: str) -> str | bytes:
    """The picture in `fmt`: mermaid, ascii, dot and svg as text, png as bytes."""
    if fmt == "mermaid":
        return to_mermaid(pic)
    if fmt == "ascii":
        return to_ascii(pic)
    graph = to_agraph(pic)
    if fmt == "dot":
        return graph.string()
    with _GRAPHVIZ:
        image = graph.draw(format=fmt, prog="dot")
    return image.decode("utf-8") if fmt == "svg" else image

"""MkDocs hooks: the generated reference pages (pipeline language, HTTP API) and the diagrams, on every build."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

import pygraphviz
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parent.parent
MERMAID = re.compile(r"```mermaid\nflowchart (\w+)\n(.*?)```", re.S)


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add (or replace) each generated page, built from the current models, before the nav is read."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    generator = importlib.import_module("docs.gen_reference")
    for uri, text in generator.pages().items():
        stale = files.get_file_from_path(uri)
        if stale is not None:
            files.remove(stale)
        files.append(File.generated(config, uri, content=text))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Draw each mermaid flowchart of a page as an SVG with Graphviz, offline (the site loads no mermaid script)."""
    return MERMAID.sub(lambda block: _svg(block[1], block[2]), markdown)


def _svg(direction: str, body: str) -> str:
    """The flowchart's boxes and arrows laid out by `dot`, as inline SVG."""
    graph = pygraphviz.AGraph(directed=True, rankdir="LR" if direction == "LR" else "TB")
    graph.node_attr.update(shape="box", style="rounded", fontname="DejaVu Sans", fontsize="11")
    for ident, label in re.findall(r'(\w+)\["([^"]+)"\]', body):
        graph.add_node(ident, label=label)
    for source, target in re.findall(r"(\w+)\s*-->\s*(\w+)", body):
        graph.add_edge(source, target)
    svg = graph.draw(format="svg", prog="dot").decode("utf-8")
    return '<div class="diagram">' + svg[svg.index("<svg") :] + "</div>\n"

"""Offline pictures of pipelines: edges and condition labels, loops, escaping, highlighting, expansion, caching."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pygraphviz
import pytest

from errors import InputError
from graphs.draw.drawing import draw, picture
from graphs.draw.formats import dot_text, mermaid_text
from graphs.run.engine import Engine
from graphs.run.runner import Runner
from tests.runner_fixtures import TODO_JUNTO_NODES

SVG = "{http://www.w3.org/2000/svg}"
MERMAID_EDGE = re.compile(r'^\s*(\S+) (-->|-\.->)(?:\|"([^"]*)"\|)? (\S+)$')
TRICKY = """\
name: raro
inputs:
  texto: {type: string}
  n: {type: integer}
steps:
  - id: decidir
    kind: set
    values: {x: "{{ n }}"}
    next:
      - {when: "n < 3 and texto == \\"a|b\\"", goto: menor}
      - {when: "n > 7 or texto == 'c#d;e'", goto: mayor}
      - {when: "texto == 'x\\\\ny'", goto: menor}
      - {goto: fin}
  - id: menor
    kind: reply
    message: "menor"
    end: true
  - id: mayor
    kind: reply
    message: "mayor"
    end: true
  - id: fin
    kind: reply
    message: "fin"
    end: true
"""
TRICKY_CONDITIONS = ['n < 3 and texto == "a|b"', "n > 7 or texto == 'c#d;e'", "texto == 'x\\ny'"]


@pytest.fixture
def todo(engine: Engine) -> Runner:
    """The test pipeline using every step kind, with ejemplo_simple as a sub-pipeline."""
    return engine.runner("todo_junto")


@pytest.fixture
def raro(engine: Engine, tmp_path: Path) -> Runner:
    """A pipeline whose conditions hold every character mermaid and DOT treat specially."""
    path = tmp_path / "raro.yaml"
    path.write_text(TRICKY, encoding="utf-8")
    return engine.runner(path)


def mermaid_edges(text: str) -> list[tuple[str, str | None, str]]:
    """(source, label, target) of every mermaid arrow."""
    edges = []
    for line in text.splitlines():
        match = MERMAID_EDGE.match(line)
        if match:
            edges.append((match[1], match[3], match[4]))
    return edges


def svg_groups(svg: str, kind: str) -> dict[str, ET.Element]:
    """SVG groups of one kind ('node' or 'edge') by their <title>, with Graphviz's escapes undone by the parser."""
    root = ET.fromstring(svg)
    groups = {}
    for group in root.iter(f"{SVG}g"):
        if kind in (group.get("class") or "").split():
            groups[group.findtext(f"{SVG}title") or ""] = group
    return groups


def test_mermaid_has_every_edge_with_its_condition(todo: Runner) -> None:
    assert set(mermaid_edges(todo.draw("mermaid"))) == {
        ("__start__", None, "pedir_cantidad"),
        ("pedir_cantidad", None, "leer_cantidad"),
        ("leer_cantidad", "cantidad is none or cantidad #lt;= 0", "pedir_cantidad"),
        ("leer_cantidad", "otherwise", "saludo"),
        ("saludo", None, "calcular"),
        ("calcular", "grande", "grande"),  # a condition spelled like its target keeps its label
        ("calcular", "otherwise", "pequeno"),
        ("grande", None, "__end__"),
        ("pequeno", None, "__end__"),
        ("__repair__", "correct cantidad", "pedir_cantidad"),  # a correction of the slot jumps back to its ask
    }


def test_mermaid_labels_nodes_with_kind_and_sets_ask_steps_apart(todo: Runner) -> None:
    text = todo.draw("mermaid")
    assert text.startswith("---\ntitle: todo_junto\n---\nflowchart TD\n")
    assert '  pedir_cantidad[/"pedir_cantidad (ask)"/]:::ask' in text
    assert '  leer_cantidad["leer_cantidad (tool)"]' in text
    assert '  saludo[["saludo (pipeline: ejemplo_simple)"]]:::pipeline' in text
    assert '  grande("grande (reply)"):::reply' in text
    assert "classDef ask " in text
    assert " -.->" in text  # branches are dotted


def test_ascii_shows_boxes_and_lists_the_loop_grandalf_drops(todo: Runner) -> None:
    text = todo.draw("ascii")
    for label in (
        "pedir_cantidad (ask)",
        "leer_cantidad (tool)",
        "saludo (pipeline: ejemplo_simple)",
        "calcular (set)",
        "grande (reply)",
        "pequeno (reply)",
    ):
        assert f"| {label} |" in text
    assert "  leer_cantidad --[cantidad is none or cantidad <= 0]--> pedir_cantidad   (loops back)" in text
    assert "  calcular --[grande]--> grande\n" in text
    assert "  calcular --[otherwise]--> pequeno\n" in text


def test_svg_is_xml_with_every_node_edge_and_label(todo: Runner) -> None:
    svg = todo.draw("svg")
    assert isinstance(svg, str)
    nodes = svg_groups(svg, "node")
    assert set(nodes) == TODO_JUNTO_NODES
    assert "pedir_cantidad (ask)" in "".join(nodes["pedir_cantidad"].itertext())
    assert nodes["pedir_cantidad"].find(f"{SVG}polygon") is not None  # the ask parallelogram
    edges = svg_groups(svg, "edge")
    loop = edges["leer_cantidad:e->pedir_cantidad:e"]  # a back edge, routed on the right
    assert "cantidad is none or cantidad <= 0" in "".join(loop.itertext())
    assert "grande" in "".join(edges["calcular->grande"].itertext())


def test_png_is_an_image(todo: Runner) -> None:
    png = todo.draw("png")
    assert isinstance(png, bytes)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width > 100 and height > 300


def test_special_characters_are_escaped_in_mermaid(raro: Runner) -> None:
    text = raro.draw("mermaid")
    labels = [label for _source, label, _target in mermaid_edges(text) if label and label != "otherwise"]
    assert labels == [mermaid_text(condition) for condition in TRICKY_CONDITIONS]
    for label in labels:
        assert not set(label) & set('"<>|`\n')
    assert labels[0] == "n #lt; 3 and texto == #quot;a#124;b#quot;"
    assert labels[1] == "n #gt; 7 or texto == 'c#35;d#59;e'"


def test_special_characters_survive_dot_and_svg(raro: Runner) -> None:
    parsed = pygraphviz.AGraph(string=raro.draw("dot"))
    labels = {edge.attr["label"] for edge in parsed.edges()}
    for condition in TRICKY_CONDITIONS:
        assert dot_text(condition) in labels
    svg_text = "".join(ET.fromstring(raro.draw("svg")).itertext())
    for condition in TRICKY_CONDITIONS:
        assert condition in svg_text
    assert dot_text("<b>x</b>") == "<b>x</b> "  # never taken for an HTML-like label


def test_highlight_of_a_waiting_run(todo: Runner) -> None:
    result = todo.start({"cantidad": 5})  # waits inside the sub-pipeline for the name
    status = todo.status(result.run_id)
    assert status.current_step == "saludo" and status.steps_done == ["pedir_cantidad", "leer_cantidad"]
    options = {"current": status.current_step, "path": status.steps_done}
    text = todo.draw("mermaid", **options)
    assert "  class pedir_cantidad,leer_cantidad done\n" in text
    assert "  class saludo current\n" in text
    edges = mermaid_edges(text)
    taken = {edges[int(i)] for i in re.search(r"linkStyle ([\d,]+) ", text)[1].split(",")}
    assert taken == {
        ("__start__", None, "pedir_cantidad"),
        ("pedir_cantidad", None, "leer_cantidad"),
        ("leer_cantidad", "otherwise", "saludo"),
    }
    svg = todo.draw("svg", **options)
    nodes, svg_edges = svg_groups(svg, "node"), svg_groups(svg, "edge")
    assert "current" in nodes["saludo"].get("class", "") and "done" in nodes["leer_cantidad"].get("class", "")
    assert "taken" in svg_edges["leer_cantidad->saludo"].get("class", "")
    assert "taken" not in svg_edges["calcular->grande"].get("class", "")
    assert "> saludo (pipeline: ejemplo_simple) <" in todo.draw("ascii", **options)


def test_expand_draws_the_sub_pipeline_inside_a_cluster(todo: Runner) -> None:
    text = todo.draw("mermaid", expand=True)
    assert '  subgraph saludo_sub["saludo: ejemplo_simple"]' in text
    assert '    saludo_pedir_nombre[/"pedir_nombre (ask)"/]:::ask' in text
    edges = set(mermaid_edges(text))
    assert {
        ("saludo", None, "saludo_pedir_nombre"),
        ("saludo_pedir_nombre", None, "saludo_saludar"),
        ("saludo_saludar", None, "saludo___end__"),
        ("saludo___end__", None, "calcular"),
    } <= edges
    assert ("saludo", None, "calcular") not in edges
    svg_nodes = svg_groups(todo.draw("svg", expand=True), "node")
    assert {"saludo.pedir_nombre", "saludo.saludar", "saludo.__end__"} <= set(svg_nodes)
    assert "saludo.pedir_nombre" not in svg_groups(todo.draw("svg"), "node")
    model = picture(todo, expand=True)
    assert model.clusters == {"saludo": ("saludo: ejemplo_simple", None)}
    assert model.nodes["saludo.saludar"].cluster == "saludo"


def test_pictures_are_cached_and_follow_the_pipeline_version(engine: Engine, pipelines_dir: Path) -> None:
    runner = engine.runner("ejemplo_simple")
    first = runner.draw("svg")
    assert runner.draw("svg") is first
    assert draw(runner, "svg", current="saludar") is not first
    path = pipelines_dir / "ejemplo_simple.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("id: saludar", "id: saludar_ya"), encoding="utf-8")
    changed = engine.runner("ejemplo_simple").draw("svg")
    assert "saludar_ya" in svg_groups(changed, "node")


def test_unknown_format_is_an_input_error(todo: Runner) -> None:
    with pytest.raises(InputError) as caught:
        todo.draw("gif")
    assert caught.value.details == {"formats": ["mermaid", "ascii", "svg", "png", "dot"]}

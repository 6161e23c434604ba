"""Composite steps in pictures: one box each when collapsed (edges merged, highlight on the box), clusters expanded."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from graphs.draw.drawing import END, START, Edge, Node, Picture, draw, picture
from graphs.draw.groups import collapse
from graphs.run.engine import Engine
from graphs.run.runner import Runner
from tests.test_drawing import mermaid_edges, svg_groups

MAX_BOXES = 15
MERMAID_NODE = re.compile(r"^  (\w+)(?:\[|\(|\{)")
BOXES = {"cliente": "collect", "lineas": "foreach", "stock": "foreach", "confirmar": "confirm"}
SALUDOS = """\
name: saludos
inputs:
  nombres: {type: list}
steps:
  - id: cada_uno
    kind: foreach
    items: nombres
    as: persona
    pipeline: ejemplo_simple
    with: {nombre: "{{ persona }}"}
    outputs: {saludo: saludo}
  - id: fin
    kind: reply
    message: "Hecho"
    end: true
"""


@pytest.fixture
def alta(engine: Engine) -> Runner:
    """The order pipeline, written with the composite steps collect, foreach and confirm."""
    return engine.runner("alta_pedido")


def mermaid_nodes(text: str) -> list[str]:
    """Ids of the mermaid boxes drawn, start and end markers left out."""
    found = [match[1] for line in text.splitlines() if (match := MERMAID_NODE.match(line))]
    return [node for node in found if node not in (START, END)]


def test_collapsed_mermaid_draws_each_composite_as_one_box(alta: Runner) -> None:
    text = alta.draw("mermaid")
    nodes = mermaid_nodes(text)
    assert len(nodes) <= MAX_BOXES
    for group, kind in BOXES.items():
        assert f'  {group}[["{group} · {kind}"]]:::composite' in text
    plain_of_groups = {step for steps in alta.config.groups().values() for step in steps} - set(BOXES)
    assert not plain_of_groups & set(nodes)
    assert "cliente__resolve" not in text


def test_collapsed_edges_are_merged_without_inner_loops_or_duplicates(alta: Runner) -> None:
    edges = mermaid_edges(alta.draw("mermaid"))
    assert len(edges) == len({(source, target) for source, _label, target in edges})  # deduplicated
    assert not [edge for edge in edges if edge[0] == edge[2]]  # the groups' own loops are gone
    assert {
        ("rellenar", None, "cliente"),
        ("cliente", "lineas", "lineas"),  # the composite's own branches keep their conditions
        ("cliente", "otherwise", "productos"),
        ("lineas", "not lineas", "sin_lineas"),
        ("lineas", "not cliente_ok", "cliente"),
        ("lineas", "otherwise", "stock"),
        ("stock", "otherwise", "presupuestar"),
        ("confirmar", None, "lineas"),  # three edits going back to the lines: one arrow
        ("confirmar", None, "cliente"),
        ("__repair__", "correct cliente", "cliente"),
    } <= set(edges)
    assert ("confirmar", "confirmar_edit.action == 'cancel'", "cancelado") in edges


def test_collapsed_svg_has_at_most_fifteen_boxes(alta: Runner) -> None:
    nodes = svg_groups(alta.draw("svg"), "node")
    boxes = set(nodes) - {START, END}
    assert len(boxes) <= MAX_BOXES
    assert set(BOXES) <= boxes and "cliente__resolve" not in boxes
    assert "cliente · collect" in "".join(nodes["cliente"].itertext())
    assert "confirmar · confirm" in "".join(nodes["confirmar"].itertext())


def test_expanded_draws_every_plain_step_inside_its_composite(alta: Runner) -> None:
    text = alta.draw("mermaid", expand=True)
    assert '  subgraph cliente_sub["cliente · collect"]' in text
    assert '    cliente__resolve["cliente__resolve (tool)"]' in text
    assert '  subgraph confirmar_sub["confirmar · confirm"]' in text
    assert ("cliente__resolve", "cliente_result.status == 'several'", "cliente__choose") in mermaid_edges(text)
    nodes = svg_groups(alta.draw("svg", expand=True), "node")
    assert {step.id for step in alta.config.steps} <= set(nodes)
    model = picture(alta, expand=True)
    assert model.clusters["lineas"] == ("lineas · foreach", None)
    assert model.nodes["producto__choose"].cluster == "lineas"  # a collect inside a foreach: the foreach's box
    assert model.nodes["presupuestar"].cluster is None


def test_a_waiting_run_inside_a_composite_lights_its_box(alta: Runner) -> None:
    result = alta.start({"cliente": "Globex", "productos": "4 monitr 27 pulgadas"})
    status = alta.status(result.run_id)
    assert alta.config.step(status.current_step).group == "lineas"
    options = {"current": status.current_step, "path": status.steps_done}
    text = alta.draw("mermaid", **options)
    assert "  class lineas current\n" in text
    done = set(re.search(r"  class (\S+) done\n", text)[1].split(","))
    assert {"leer_mensaje", "rellenar", "cliente"} <= done and "lineas" not in done
    edges = mermaid_edges(text)
    taken = {edges[int(i)] for i in re.search(r"linkStyle ([\d,]+) ", text)[1].split(",")}
    assert {
        ("rellenar", None, "cliente"),
        ("cliente", "otherwise", "productos"),
        ("preparar_lineas", None, "lineas"),
    } <= taken
    assert ("cliente", "lineas", "lineas") not in taken and ("lineas", "otherwise", "stock") not in taken
    nodes = svg_groups(alta.draw("svg", **options), "node")
    assert "current" in nodes["lineas"].get("class", "") and "done" in nodes["cliente"].get("class", "")
    assert "> lineas · foreach <" in alta.draw("ascii", **options)
    expanded = alta.draw("mermaid", expand=True, **options)
    assert f"  class {status.current_step} current\n" in expanded


def test_a_sub_pipeline_run_per_item_nests_inside_the_foreach(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "saludos.yaml"
    path.write_text(SALUDOS, encoding="utf-8")
    runner = engine.runner(path)
    collapsed = mermaid_edges(runner.draw("mermaid"))
    assert ("cada_uno", None, "fin") in collapsed and len(mermaid_nodes(runner.draw("mermaid"))) == 2
    model = picture(runner, expand=True)
    assert model.clusters["cada_uno"] == ("cada_uno · foreach", None)
    assert model.clusters["cada_uno__run"] == ("cada_uno__run: ejemplo_simple", "cada_uno")
    assert model.nodes["cada_uno__run.pedir_nombre"].cluster == "cada_uno__run"
    assert "cada_uno__run.saludar" in svg_groups(runner.draw("svg", expand=True), "node")


def test_collapsed_and_expanded_pictures_are_cached_apart(alta: Runner) -> None:
    collapsed, expanded = draw(alta, "svg"), draw(alta, "svg", expand=True)
    assert collapsed != expanded
    assert draw(alta, "svg") is collapsed and draw(alta, "svg", expand=True) is expanded


def test_the_editor_preview_draws_collapsed_unless_asked(client: FlaskClient, pipelines_dir: Path) -> None:
    text = (
        (pipelines_dir / "alta_pedido.yaml").read_text(encoding="utf-8").replace("name: alta_pedido", "name: borrador")
    )
    collapsed = client.post("/editor/preview", json={"yaml": text, "format": "mermaid"}).get_data(as_text=True)
    assert "cliente · collect" in collapsed and len(mermaid_nodes(collapsed)) <= MAX_BOXES
    expanded = client.post("/editor/preview", json={"yaml": text, "format": "mermaid", "expand": True})
    assert "cliente__resolve" in expanded.get_data(as_text=True)


class _Grouped:
    """The two things collapse reads of a config: its groups and their kinds."""

    def groups(self) -> dict[str, list[str]]:
        return {"g": ["g", "g__x"], "h": ["h", "h__y"]}

    def composite_kinds(self) -> dict[str, str]:
        return {"g": "collect"}


def test_merged_conditions_that_would_be_noise_are_dropped() -> None:
    pic = Picture("p")
    for node in ("a", "g", "g__x", "h", "h__y", "b", "c"):
        pic.nodes[node] = Node(node, node, "set", None, node)
    pic.edges = [
        Edge("a", "g", "x > 1", True, origin="a"),
        Edge("a", "b", "otherwise", True, origin="a"),
        Edge("g", "g__x", "p", True, origin="g"),
        Edge("g", "b", "q", True, origin="g"),
        Edge("g__x", "b", "r", True, origin="g__x"),  # a second way to b, on another condition
        Edge("g__x", "c", "otherwise", True, origin="g__x"),
        Edge("g__x", "g", None, False, origin="g__x"),  # the group's own loop
        Edge("c", "h", None, False, origin="c"),
        Edge("h", "h__y", "s", True, origin="h"),
        Edge("h__y", "b", "t", True, origin="h__y"),  # the only way out of h
    ]
    boxes = collapse(pic, _Grouped())  # type: ignore[arg-type]
    assert boxes == {"g": "g", "g__x": "g", "h": "h", "h__y": "h"}
    assert [(n.id, n.label, n.kind) for n in pic.nodes.values()][1:4] == [
        ("g", "g · collect", "composite"),
        ("h", "h · composite", "composite"),
        ("b", "b", "set"),
    ]
    assert [(e.source, e.label, e.target, e.conditional) for e in pic.edges] == [
        ("a", "x > 1", "g", True),  # a plain step's own conditions stay
        ("a", "otherwise", "b", True),
        ("g", None, "b", True),  # q and r merged: neither alone says when
        ("g", None, "c", True),  # an «otherwise» whose siblings were dropped
        ("c", None, "h", False),
        ("h", None, "b", False),  # the only way out
    ]

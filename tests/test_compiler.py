"""The compiler: the graph's nodes and edges, state schema, ask nodes, sub-pipelines and the content-hash cache."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from errors import PipelineError, PipelineErrors
from graphs.compile.compiler import DEFAULT_LABEL, GraphCache, compile_pipeline, state_schema
from graphs.compile.step_context import steps_done
from pipelines.loader import load_config, parse_text
from pipelines.schema import PipelineConfig
from tests.runner_fixtures import TODO_JUNTO_NODES
from tools.generic import generic_toolset
from tools.registry import Services, ToolRegistry

TODO_JUNTO = Path(__file__).parent / "pipelines" / "todo_junto.yaml"
INTERNAL_KEYS = {
    "__path__",
    "__messages__",
    "__data__",
    "__status__",
    "__corrected__",
    "__parent__",
    "__failure__",
    "__remaining__",
}


@pytest.fixture
def registry() -> ToolRegistry:
    """The generic tool kinds, no services."""
    return ToolRegistry(Services(), [generic_toolset])


@pytest.fixture
def resolve(pipelines_dir: Path) -> Callable[[str], PipelineConfig]:
    """Sub-pipeline lookup in the test pipelines folder."""
    return lambda name: load_config(name, pipelines_dir=pipelines_dir)


def edges_of(graph: Any) -> set[tuple[str, str, bool, str | None]]:
    """(source, target, conditional, label) of every edge of a compiled graph's picture."""
    return {(e.source, e.target, e.conditional, e.data.strip() if e.data else None) for e in graph.get_graph().edges}


def test_todo_junto_compiles_to_the_expected_nodes_and_edges(registry: ToolRegistry, resolve: Any) -> None:
    graph = compile_pipeline(load_config(TODO_JUNTO), registry, resolve=resolve, fuse=False)
    drawn = graph.get_graph()
    assert set(drawn.nodes) == TODO_JUNTO_NODES
    assert edges_of(graph) == {
        ("__start__", "pedir_cantidad", False, None),
        ("pedir_cantidad", "leer_cantidad", False, None),
        # the bounded loop: back to the question, labelled with its condition
        ("leer_cantidad", "pedir_cantidad", True, "cantidad is none or cantidad <= 0"),
        ("leer_cantidad", "saludo", True, DEFAULT_LABEL),
        ("saludo", "calcular", False, None),
        # a condition spelled like its target keeps its label in the picture
        ("calcular", "grande", True, "grande"),
        ("calcular", "pequeno", True, DEFAULT_LABEL),
        ("grande", "__end__", False, None),
        ("pequeno", "__end__", False, None),
    }
    assert graph.name == "todo_junto"
    # Every ask with a slot is a correction target: the repair node (which no edge reaches, so LangGraph's own
    # picture leaves out its branch) routes a corrected run back to that ask.
    assert graph.builder.branches["__repair__"]["route"].ends == {"correct cantidad": "pedir_cantidad"}


def test_fused_todo_junto_runs_each_chain_that_cannot_pause_as_one_node(registry: ToolRegistry, resolve: Any) -> None:
    config = load_config(TODO_JUNTO)
    graph = compile_pipeline(config, registry, resolve=resolve)
    # leer_cantidad (after the question) and calcular→grande/pequeno (after the sub-pipeline) are chains; the
    # question and the sub-pipeline, which can pause, stay alone; grande and pequeno run inside calcular's node.
    assert set(graph.builder.nodes) == {
        "pedir_cantidad",
        "leer_cantidad",
        "saludo",
        "calcular",
        "__failed__",
        "__repair__",
    }
    assert set(graph.builder.nodes["calcular"].ends or ()) == {"__end__", "__failed__"}
    assert set(graph.builder.nodes["leer_cantidad"].ends or ()) == {"pedir_cantidad", "saludo", "__failed__"}
    final = graph.invoke({"cantidad": 12, "nombre": "Ana"})
    assert steps_done(config, final["__path__"]) == ["pedir_cantidad", "leer_cantidad", "saludo", "calcular", "grande"]
    assert final["total"] == 24 and final["__messages__"][-1].startswith("Pedido grande: 24.")


def test_mermaid_shows_every_branch_with_its_condition(registry: ToolRegistry, resolve: Any) -> None:
    graph = compile_pipeline(load_config(TODO_JUNTO), registry, resolve=resolve, fuse=False)
    mermaid = graph.get_graph().draw_mermaid()
    assert "leer_cantidad -. &nbsp;cantidad is none or cantidad <= 0&nbsp; .-> pedir_cantidad;" in mermaid
    assert "calcular -. &nbsp;grande" in mermaid and "calcular -. &nbsp;otherwise&nbsp; .-> pequeno;" in mermaid
    assert "grande --> __end__;" in mermaid


def test_routing_follows_the_first_matching_condition(registry: ToolRegistry) -> None:
    text = """\
name: rutas
inputs:
  n: {type: integer}
steps:
  - id: elegir
    kind: set
    values: {doble: "{{ n * 2 }}"}
    next:
      - {when: "n > 10", goto: mucho}
      - {when: "n > 5", goto: bastante}
      - {when: "n > 10", goto: nunca}
      - {goto: poco}
  - {id: mucho, kind: reply, message: mucho, end: true}
  - {id: bastante, kind: reply, message: bastante, end: true}
  - {id: nunca, kind: reply, message: nunca, end: true}
  - {id: poco, kind: reply, message: poco, end: true}
"""
    config = parse_text(text)
    graph = compile_pipeline(config, registry, fuse=False)
    labels = {(s, t): label for s, t, _c, label in edges_of(graph) if s == "elegir"}
    assert labels == {
        ("elegir", "mucho"): "n > 10",
        ("elegir", "bastante"): "n > 5",
        ("elegir", "nunca"): "n > 10",
        ("elegir", "poco"): DEFAULT_LABEL,
    }
    for n, expected in [(20, "mucho"), (7, "bastante"), (1, "poco")]:
        assert steps_done(config, graph.invoke({"n": n})["__path__"]) == ["elegir", expected]


def test_conditions_only_with_no_default_fall_through_to_the_next_step(registry: ToolRegistry) -> None:
    text = """\
name: caer
inputs:
  n: {type: integer}
steps:
  - {id: a, kind: set, values: {m: 1}, next: [{when: "n > 1", goto: c}]}
  - {id: b, kind: reply, message: b}
  - {id: c, kind: reply, message: c}
"""
    config = parse_text(text)
    graph = compile_pipeline(config, registry, fuse=False)
    assert ("a", "b", True, DEFAULT_LABEL) in edges_of(graph)
    assert steps_done(config, graph.invoke({"n": 0})["__path__"]) == ["a", "b", "c"]
    assert steps_done(config, graph.invoke({"n": 5})["__path__"]) == ["a", "c"]


def test_goto_end_and_final_replies_lead_to_end(registry: ToolRegistry) -> None:
    text = """\
name: fin
inputs:
  n: {type: integer}
steps:
  - {id: a, kind: set, values: {m: 1}, next: [{when: "n > 1", goto: end}]}
  - {id: b, kind: reply, message: adios, end: true, status: cancelled}
"""
    config = parse_text(text)
    graph = compile_pipeline(config, registry, fuse=False)
    assert edges_of(graph) >= {("a", "__end__", True, "n > 1"), ("b", "__end__", False, None)}
    assert graph.invoke({"n": 0})["__status__"] == "cancelled"


def test_state_schema_holds_every_declared_key_and_the_bookkeeping() -> None:
    config = load_config(TODO_JUNTO)
    keys = set(state_schema(config).__annotations__)
    assert keys == {"cantidad", "nombre", "texto_saludo", "total", "grande"} | INTERNAL_KEYS
    assert state_schema(config).__name__ == "Todo_JuntoState"


def test_an_ask_node_only_interrupts_and_a_resume_replays_nothing_else(registry: ToolRegistry) -> None:
    text = """\
name: preguntar
tools:
  contar: {kind: length}
steps:
  - {id: antes, kind: tool, tool: contar, with: {value: "abc"}, save_as: n}
  - id: pregunta
    kind: ask
    save_as: color
    question: "¿Color? ({{ n }})"
    options: [rojo, verde]
  - {id: despues, kind: reply, message: "{{ color }}", end: true}
"""
    graph = compile_pipeline(parse_text(text), registry, InMemorySaver())
    run = {"configurable": {"thread_id": "t1"}}
    graph.invoke({}, run)
    snapshot = graph.get_state(run)
    assert snapshot.next == ("pregunta",)
    assert snapshot.interrupts[0].value == {
        "question": "¿Color? (3)",
        "options": ["rojo", "verde"],
        "data": None,
        "step": "pregunta",
        "pipeline": "preguntar",
    }
    final = graph.invoke(Command(resume="2"), run)
    assert final["color"] == "verde"
    # The tool step before the question ran once: the resume re-entered only the ask node.
    assert final["__path__"] == [0, 1, 2]  # positions: one byte each in the checkpoint, and the visits of each


def test_sub_pipelines_are_compiled_with_the_resolver(registry: ToolRegistry, resolve: Any) -> None:
    graph = compile_pipeline(load_config(TODO_JUNTO), registry, InMemorySaver(), resolve=resolve)
    run = {"configurable": {"thread_id": "t2"}}
    graph.invoke({"cantidad": 3}, run)
    snapshot = graph.get_state(run)
    assert snapshot.next == ("saludo",)
    assert snapshot.interrupts[0].value["pipeline"] == "ejemplo_simple"
    final = graph.invoke(Command(resume="Eva"), run)
    assert final["texto_saludo"] == "¡Hola, Eva!" and final["total"] == 6


def test_sub_pipelines_need_a_resolver(registry: ToolRegistry) -> None:
    with pytest.raises(PipelineError, match="no resolver for sub-pipelines") as info:
        compile_pipeline(load_config(TODO_JUNTO), registry)
    assert (info.value.step, info.value.line, info.value.path) == ("saludo", 24, "steps.2.pipeline")


def test_sub_pipelines_that_include_each_other_are_refused(registry: ToolRegistry, tmp_path: Path) -> None:
    for name, other in (("uno", "dos"), ("dos", "tres"), ("tres", "uno")):
        (tmp_path / f"{name}.yaml").write_text(
            f"name: {name}\nsteps:\n  - {{id: llamar, kind: pipeline, pipeline: {other}}}\n"
        )
    resolve = lambda name: load_config(name, pipelines_dir=tmp_path)  # noqa: E731
    with pytest.raises(PipelineError, match=r"include each other \(uno -> dos -> tres\)") as info:
        compile_pipeline(resolve("uno"), registry, resolve=resolve)
    assert info.value.pipeline == "tres" and info.value.step == "llamar"


def test_unchecked_configs_fail_as_pipeline_errors_not_langgraph_errors(registry: ToolRegistry) -> None:
    cases = {
        "unknown goto target": [{"id": "a", "kind": "reply", "message": "x", "next": "nowhere"}],
        "used by an earlier step": [
            {"id": "a", "kind": "reply", "message": "x"},
            {"id": "a", "kind": "reply", "message": "y"},
        ],
        "unknown tool 'nada'": [{"id": "a", "kind": "tool", "tool": "nada"}],
    }
    for words, steps in cases.items():
        config = PipelineConfig.model_validate({"name": "p", "steps": steps})
        with pytest.raises(PipelineErrors, match=words):
            compile_pipeline(config, registry)
    unknown_kind = PipelineConfig.model_validate(
        {"name": "p", "tools": {"t": {"kind": "nope"}}, "steps": [{"id": "a", "kind": "tool", "tool": "t"}]}
    )
    with pytest.raises(PipelineErrors, match="unknown tool kind 'nope'"):
        compile_pipeline(unknown_kind, registry)


def test_the_cache_compiles_each_content_hash_once(registry: ToolRegistry, resolve: Any) -> None:
    cache = GraphCache(registry, resolve=resolve)
    saver = InMemorySaver()
    text = TODO_JUNTO.read_text()
    first = cache.get(parse_text(text), saver)
    assert cache.get(parse_text(text), saver) is first  # same text, parsed again: same compiled graph
    commented = parse_text(text + "# un comentario\n")
    assert commented.content_hash != parse_text(text).content_hash
    second = cache.get(commented, saver)
    assert second is not first
    assert cache.get(parse_text(text), InMemorySaver()) is not first  # another checkpointer, another graph
    cache.clear()
    assert cache.get(parse_text(text), saver) is not first


def test_compiling_is_pure(registry: ToolRegistry, resolve: Any) -> None:
    config = load_config(TODO_JUNTO)
    one, two = (compile_pipeline(config, registry, resolve=resolve) for _ in range(2))
    assert one is not two and edges_of(one) == edges_of(two)
    assert config == load_config(TODO_JUNTO)

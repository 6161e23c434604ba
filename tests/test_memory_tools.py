"""The suggest / search / remember / recall tool kinds, called through a ToolRegistry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from config import Config
from errors import ToolError
from graphs import Engine
from tools.generic import generic_toolset
from tools.memory.memory_tools import memory_toolset
from tools.registry import Services, ToolRegistry
from vector_memory import VectorMemory
from vector_memory.samples import CONTRACT_CUSTOMERS, demo_products


@pytest.fixture
def memory(tmp_path: Path) -> VectorMemory:
    store = VectorMemory(tmp_path / "vectors")
    store.upsert(
        "products", [{"key": f"P{i}", "text": n, "meta": {"price": 9.5}} for i, n in enumerate(demo_products())]
    )
    store.upsert("customers", [{"key": str(i), "text": n} for i, n in enumerate(CONTRACT_CUSTOMERS)])
    return store


@pytest.fixture
def registry(memory: VectorMemory) -> ToolRegistry:
    return ToolRegistry(Services(memory=memory), [memory_toolset])


def test_kinds_are_registered(registry: ToolRegistry) -> None:
    assert {"suggest", "search", "remember", "recall"} <= set(registry.names())
    assert registry.param_models()["suggest"].model_json_schema()["required"] == ["collection"]


def test_suggest_returns_json_like_candidates(registry: ToolRegistry) -> None:
    hits = registry.call("suggest", {"collection": "products"}, {"text": "monitr 27 pulgadas"}, step="buscar")
    assert [h["text"] for h in hits][:1] == ["Monitor 27 pulgadas"] and len(hits) == 3
    assert hits[0] == {"key": "P5", "text": "Monitor 27 pulgadas", "score": hits[0]["score"], "meta": {"price": 9.5}}
    assert json.loads(json.dumps(hits)) == hits
    customer = registry.call("suggest", {"collection": "customers"}, {"text": "umbrela corp", "k": 1})
    assert [h["text"] for h in customer] == ["Umbrella Corp"]


def test_search_ranks_free_text(registry: ToolRegistry) -> None:
    hits = registry.call(
        "search", {"collection": "products"}, {"text": "busco una silla ergonómica para la oficina", "k": 5}
    )
    assert len(hits) == 5 and "Silla ergonómica" in [h["text"] for h in hits]


def test_remember_and_recall_are_per_session(registry: ToolRegistry) -> None:
    stored = registry.call("remember", {}, {"text": "El cliente prefiere entregas por la mañana"}, session_id="s1")
    registry.call("remember", {}, {"text": "Factura a nombre de Globex", "key": "factura"}, session_id="s1")
    registry.call("remember", {}, {"text": "Le interesan los monitores curvos"}, session_id="s2")
    recalled = registry.call("recall", {}, {"text": "entregas mañana"}, session_id="s1")
    assert recalled[0]["key"] == stored["key"] and recalled[0]["text"].startswith("El cliente prefiere")
    assert "Le interesan los monitores curvos" not in [h["text"] for h in recalled]
    assert registry.call("recall", {}, {"text": "monitores"}, session_id="s3") == []
    by_run = registry.call("remember", {}, {"text": "pedido urgente"}, run_id="run-1")
    assert registry.call("recall", {}, {"text": "urgente", "k": 1}, run_id="run-1")[0]["key"] == by_run["key"]


def test_remembering_the_same_fact_twice_keeps_one(registry: ToolRegistry, memory: VectorMemory) -> None:
    for _ in range(3):
        registry.call("remember", {}, {"text": "Pago a 30 días"}, session_id="s1")
    assert memory.count("memory:s1") == 1


def test_errors_are_tool_errors(registry: ToolRegistry) -> None:
    with pytest.raises(ToolError, match="known collections: customers, products"):
        registry.call("suggest", {"collection": "productos"}, {"text": "teclado"})
    with pytest.raises(ToolError, match="bad arguments"):
        registry.call("suggest", {"collection": "products"}, {"text": "teclado", "k": 0})
    with pytest.raises(ToolError, match="session or a run"):
        registry.call("remember", {}, {"text": "sin sesión"})
    with pytest.raises(ValueError, match="private to a session"):
        registry.call("search", {"collection": "memory:s1"}, {"text": "x"})


def test_missing_service_is_reported() -> None:
    registry = ToolRegistry(Services(), [memory_toolset])
    with pytest.raises(ToolError, match="'memory' service is not configured"):
        registry.call("recall", {}, {"text": "x"}, session_id="s")


PIPELINE = """
name: memoria
description: Remembers a fact, recalls it and suggests a product, all from YAML
inputs:
  dato: {type: string}
  producto: {type: string}
tools:
  anotar: {kind: remember}
  recordar: {kind: recall}
  parecidos: {kind: suggest, collection: products}
  buscar: {kind: search, collection: customers}
steps:
  - id: guardar
    kind: tool
    tool: anotar
    with: {text: "{{ dato }}"}
    save_as: guardado
  - id: leer
    kind: tool
    tool: recordar
    with: {text: "{{ dato }}", k: 1}
    save_as: recuerdos
  - id: sugerir
    kind: tool
    tool: parecidos
    with: {text: "{{ producto }}", k: 2}
    save_as: candidatos
  - id: clientes
    kind: tool
    tool: buscar
    with: {text: "globex", k: 1}
    save_as: cliente
  - id: responder
    kind: reply
    message: "¿Quisiste decir {{ candidatos[0].text }}?"
    end: true
outputs:
  guardado: "{{ guardado }}"
  recuerdos: "{{ recuerdos }}"
  candidatos: "{{ candidatos }}"
  cliente: "{{ cliente[0].text }}"
"""


def test_memory_tools_in_a_pipeline_run(tmp_path: Path, memory: VectorMemory) -> None:
    folder = tmp_path / "pipelines"
    folder.mkdir()
    (folder / "memoria.yaml").write_text(PIPELINE, encoding="utf-8")
    settings = Config(
        DATA_DIR=tmp_path / "data",
        PIPELINES_DIR=folder,
        OPENAI_API_KEY=None,
        OPENAI_BASE_URL=None,
        DATABASE_URL=None,
        CHECKPOINT_URL=None,
    )
    engine = Engine(settings, registry=ToolRegistry(Services(memory=memory), [generic_toolset, memory_toolset]))
    try:
        args = {"dato": "Entrega siempre por la tarde", "producto": "tecaldo mecanico"}
        result = engine.runner("memoria").start(args, owner="sesion-1")
    finally:
        engine.close()
    assert result.status == "completed", result.error
    output = result.output
    assert output["recuerdos"][0]["key"] == output["guardado"]["key"]
    assert output["recuerdos"][0]["text"] == "Entrega siempre por la tarde"
    assert output["candidatos"][0]["text"] == "Teclado mecánico"
    assert output["cliente"] == "Globex"
    assert memory.count("memory:sesion-1") == 1  # the run's owner is the conversation

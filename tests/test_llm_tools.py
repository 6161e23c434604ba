"""The language tool kinds through the registry and through a real pipeline run (LLM path and offline path)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from llm_server import OpenAICompatServer, llm_server_fixture

from config import Config
from errors import ToolError
from graphs import Engine
from tools.language.intent import PIPELINE_EXAMPLES, classify_intent
from tools.language.llm import ChatOpenAIClient, check_json
from tools.language.llm_tools import LLM_TASKS, llm_toolset, plain_reply
from tools.registry import Services, ToolRegistry
from vector_memory import VectorMemory

llm_server = llm_server_fixture()

EXAMPLES = {
    "alta_pedido": ["quiero hacer un pedido", "pedido de 3 teclados para ACME", "I want to order 2 keyboards"],
    "consulta_pedido": ["consultar el pedido 5", "¿cómo va mi pedido?", "ver pedido número 12", "show order 3"],
    "stock": ["¿hay stock de teclados?", "cuántas grapadoras quedan", "disponibilidad de monitores"],
    "buscar_producto": ["buscar producto", "busca ratones inalámbricos", "¿tenéis webcams?"],
}
INTENTS = [
    ("quiero pedir 2 sillas ergonómicas para Initech", "alta_pedido"),
    ("quiero 3 teclados para ACME", "alta_pedido"),
    ("I want 3 keyboards for Globex", "alta_pedido"),
    ("¿hay stock de impresoras?", "stock"),
    ("ver el pedido 7", "consulta_pedido"),
    ("hola", None),
    ("qué tiempo hace hoy", None),
]


def _registry(**services: Any) -> ToolRegistry:
    """A registry holding only the language tools, bound to the given services."""
    return ToolRegistry(Services(**services), [llm_toolset])


@pytest.fixture
def memory(tmp_path: Path) -> VectorMemory:
    """A real vector memory on a temporary directory."""
    return VectorMemory(tmp_path / "vectors")


def test_parse_tools_through_the_registry() -> None:
    """The three parsers are tool kinds with validated arguments."""
    registry = _registry()
    lines = registry.call("parse_order_lines", {}, {"text": "3 teclado mecánico, 2 ratón"})
    assert lines == {"lines": [{"text": "teclado mecánico", "quantity": 3}, {"text": "ratón", "quantity": 2}]}
    request = registry.call("parse_order_request", {}, {"text": "quiero 3 teclados para acme", "customers": ["ACME"]})
    assert request == {"customer": "ACME", "products": "3 teclados"}
    edit = registry.call("parse_edit", {}, {"text": "remove the mouse"})
    assert edit == {"action": "remove", "target": "mouse", "quantity": None, "customer": None}


@pytest.mark.parametrize(
    ("kind", "args"),
    [
        ("parse_order_lines", {"text": "x" * 5000}),
        ("parse_order_lines", {"text": "1 ratón", "extra": 1}),
        ("parse_edit", {}),
        ("classify_intent", {"text": "hola", "examples": {"a": ["b"]}, "min_score": 2}),
        ("llm_generate", {"prompt": ""}),
    ],
)
def test_bad_arguments_are_tool_errors(kind: str, args: dict[str, Any]) -> None:
    """Too long, unknown, missing or out-of-range arguments never reach the tool."""
    with pytest.raises(ToolError, match="bad arguments"):
        _registry().call(kind, {}, args)


@pytest.mark.parametrize(("text", "expected"), INTENTS)
def test_classify_intent_offline_by_word_overlap(text: str, expected: str | None) -> None:
    """Without vector memory, word overlap picks the pipeline (or none for small talk)."""
    result = _registry().call("classify_intent", {}, {"text": text, "examples": EXAMPLES})
    assert result["method"] == "overlap"
    assert result["pipeline"] == expected
    assert [entry["score"] for entry in result["ranking"]] == sorted(
        (entry["score"] for entry in result["ranking"]), reverse=True
    )


@pytest.mark.parametrize(("text", "expected"), INTENTS)
def test_classify_intent_with_vector_memory(memory: VectorMemory, text: str, expected: str | None) -> None:
    """With vector memory the examples are indexed in `pipeline_examples` and searched by similarity."""
    result = _registry(memory=memory).call("classify_intent", {}, {"text": text, "examples": EXAMPLES})
    assert result["method"] == "memory"
    assert result["pipeline"] == expected
    stored = memory.search(PIPELINE_EXAMPLES, "ver pedido número 12", k=1)
    assert stored[0]["meta"] == {"pipeline": "consulta_pedido"}


def test_classify_intent_forgets_examples_that_were_removed(memory: VectorMemory) -> None:
    """When a pipeline (or an example) disappears, it is no longer suggested."""
    assert classify_intent("ver el pedido 7", EXAMPLES, memory)["pipeline"] == "consulta_pedido"
    without = {name: examples for name, examples in EXAMPLES.items() if name != "consulta_pedido"}
    result = classify_intent("ver el pedido 7", without, memory)
    assert "consulta_pedido" not in {entry["pipeline"] for entry in result["ranking"]}
    assert memory.search(PIPELINE_EXAMPLES, "ver pedido número 12", k=20)[0]["meta"]["pipeline"] != "consulta_pedido"


def test_classify_intent_edge_cases(memory: VectorMemory) -> None:
    """No examples or an empty message give no pipeline; min_score raises the bar."""
    assert classify_intent("quiero un pedido", {}, memory)["pipeline"] is None
    assert classify_intent("", EXAMPLES, memory)["pipeline"] is None
    assert classify_intent("quiero 3 teclados para ACME", EXAMPLES, memory, min_score=0.99)["pipeline"] is None


def test_plain_reply_is_polite_spanish_and_lists_abilities() -> None:
    """Greeting, thanks or not understood; it lists the pipelines given, and never echoes the message."""
    registry = _registry()
    hello = registry.call("plain_reply", {}, {"text": "¡Hola!"})["reply"]
    assert hello.startswith("¡Hola!") and "pedido" in hello and "!help" in hello
    assert plain_reply("muchas gracias").startswith("¡De nada!")
    listed = plain_reply("<script>alert(1)</script>", {"alta_pedido": "Alta de un pedido", "stock": ""})
    assert "no he entendido" in listed and "• alta_pedido: Alta de un pedido" in listed and "• stock" in listed
    assert "<script>" not in listed


def test_llm_generate_needs_a_configured_llm() -> None:
    """Without a model the tool says so with a ToolError (a pipeline's fallback can take over)."""
    with pytest.raises(ToolError, match="'llm' service is not configured"):
        _registry().call("llm_generate", {}, {"prompt": "hola"})


def test_llm_generate_over_http(llm_server: OpenAICompatServer) -> None:
    """The tool passes prompt, system and schema to the model and returns text or the checked dict."""
    registry = _registry(llm=ChatOpenAIClient("test-model", base_url=llm_server.base_url, timeout=5))
    llm_server.reply("Buenos días")
    assert registry.call("llm_generate", {}, {"prompt": "saluda", "system": "breve"}) == "Buenos días"
    assert llm_server.requests[-1]["json"]["messages"][0] == {"role": "system", "content": "breve"}
    llm_server.reply({"action": "remove", "target": "ratón", "quantity": None, "customer": None})
    schema = LLM_TASKS["order_edit"].schema
    answer = registry.call("llm_generate", {}, {"prompt": "quita el ratón", "schema": schema})
    assert answer == {"action": "remove", "target": "ratón", "quantity": None, "customer": None}
    llm_server.reply({"action": "explode", "target": None, "quantity": None, "customer": None})
    with pytest.raises(ToolError, match="not one of"):
        registry.call("llm_generate", {}, {"prompt": "x", "schema": schema})


@pytest.mark.parametrize(
    ("task", "args"),
    [
        ("order_lines", {"text": "3 teclado mecánico y una docena de bolígrafos"}),
        ("order_request", {"text": "quiero pedir 2 sillas para Initech"}),
        ("order_edit", {"text": "cambia el ratón a 4"}),
    ],
)
def test_llm_tasks_share_their_fallbacks_shape(task: str, args: dict[str, Any]) -> None:
    """What the offline fallback returns is valid against the task's schema, so steps see one shape."""
    definition = LLM_TASKS[task]
    result = _registry().call(definition.fallback, {}, args)
    assert check_json(result, definition.schema) == result


PIPELINE = """
name: lenguaje
description: Herramientas de lenguaje en un pipeline
inputs:
  texto: {type: string}
tools:
  lector: {kind: parse_order_lines}
  solicitud: {kind: parse_order_request}
  edicion: {kind: parse_edit}
  intencion: {kind: classify_intent}
  respuesta: {kind: plain_reply}
steps:
  - id: leer
    kind: llm
    system: "Extrae líneas de pedido."
    prompt: "Líneas de: {{ texto }}"
    output:
      type: object
      required: [lines]
      properties:
        lines:
          type: array
          items:
            type: object
            required: [text, quantity]
            properties: {text: {type: string}, quantity: {type: integer}}
    with: {text: "{{ texto }}"}
    fallback: lector
    save_as: lectura
  - id: pedir
    kind: tool
    tool: solicitud
    with: {text: "quiero 3 teclados para ACME"}
    save_as: pedido
  - id: editar
    kind: tool
    tool: edicion
    with: {text: "cambia el ratón inalámbrico a 4"}
    save_as: cambio
  - id: clasificar
    kind: tool
    tool: intencion
    with: {text: "ver el pedido 7", examples: {consulta_pedido: ["ver pedido 5"], stock: ["hay stock"]}}
    save_as: intento
  - id: contestar
    kind: tool
    tool: respuesta
    with: {text: "hola"}
    save_as: saludo
  - id: fin
    kind: reply
    message: "{{ saludo.reply }}"
    end: true
outputs:
  lineas: "{{ lectura.lines }}"
  cliente: "{{ pedido.customer }}"
  accion: "{{ cambio.action }}"
  cantidad: "{{ cambio.quantity }}"
  pipeline: "{{ intento.pipeline }}"
"""


@pytest.fixture
def pipeline_file(tmp_path: Path) -> Path:
    """The test pipeline written to a temporary pipelines folder."""
    folder = tmp_path / "pipelines"
    folder.mkdir()
    path = folder / "lenguaje.yaml"
    path.write_text(PIPELINE, encoding="utf-8")
    return path


@contextmanager
def _engine(tmp_path: Path, pipeline_file: Path, **services: Any) -> Iterator[Engine]:
    """An engine over the test pipeline whose registry has the language tools and `services`."""
    settings = Config(
        DATA_DIR=tmp_path / "data",
        PIPELINES_DIR=pipeline_file.parent,
        OPENAI_API_KEY=None,
        OPENAI_BASE_URL=None,
        DATABASE_URL=None,
        CHECKPOINT_URL=None,
    )
    engine = Engine(settings, registry=_registry(**services))
    try:
        yield engine
    finally:
        engine.close()


def test_pipeline_run_offline_uses_the_fallback_tools(tmp_path: Path, pipeline_file: Path) -> None:
    """With no LLM the `llm` step runs its fallback; every language tool works from YAML."""
    with _engine(tmp_path, pipeline_file) as engine:
        result = engine.runner("lenguaje")(texto="3 teclado mecánico, 2 ratón")
        assert result.status == "completed", result.error
        assert result.output["lineas"] == [
            {"text": "teclado mecánico", "quantity": 3},
            {"text": "ratón", "quantity": 2},
        ]
        assert result.output["cliente"] == "ACME"
        assert (result.output["accion"], result.output["cantidad"]) == ("set_quantity", 4)
        assert result.output["pipeline"] == "consulta_pedido"
        assert result.to_dict()["status"] == "completed"


def test_pipeline_run_uses_the_llm_over_http(
    tmp_path: Path, pipeline_file: Path, llm_server: OpenAICompatServer
) -> None:
    """With a model configured, the `llm` step's structured answer comes from the server."""
    client = ChatOpenAIClient("test-model", base_url=llm_server.base_url, timeout=5)
    with _engine(tmp_path, pipeline_file, llm=client) as engine:
        llm_server.reply({"lines": [{"text": "Teclado mecánico", "quantity": 3}]})
        result = engine.runner("lenguaje")(texto="tres teclados mecánicos")
        assert result.status == "completed", result.error
        assert result.output["lineas"] == [{"text": "Teclado mecánico", "quantity": 3}]
        sent = llm_server.requests[-1]["json"]
        assert sent["messages"][-1]["content"] == "Líneas de: tres teclados mecánicos"
        assert sent["tool_choice"]["type"] == "function"


def test_pipeline_run_falls_back_when_the_llm_fails(
    tmp_path: Path, pipeline_file: Path, llm_server: OpenAICompatServer
) -> None:
    """A failing model (HTTP 500, then a broken answer) does not fail the run: the fallback answers."""
    client = ChatOpenAIClient("test-model", base_url=llm_server.base_url, timeout=5, max_retries=0)
    with _engine(tmp_path, pipeline_file, llm=client) as engine:
        for script in ({"status": 500}, {"payload": {"lines": "no es una lista"}}):
            llm_server.reply(**script)
            result = engine.runner("lenguaje")(texto="2 webcam hd")
            assert result.status == "completed", result.error
            assert result.output["lineas"] == [{"text": "webcam hd", "quantity": 2}]

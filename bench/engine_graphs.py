"""The graphs the engine benchmarks run: a generated 20-step pipeline, its hand-written twin, and bare graphs."""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable
from typing import Annotated, Any, TypedDict

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import interrupt

from tools.generic import EchoArgs, echo, generic_toolset, to_number
from tools.generic import TextArgs as GenericText
from tools.registry import NoParams, Services, ToolContext, ToolRegistry

STEPS = 20
BRANCH_EVERY = 4  # every 4th middle step is a `set` that may jump to `grande`
INPUTS = {"n": 5, "texto": "hola"}
INPUTS_GRANDE = {"n": 2000, "texto": "hola"}  # v_paso5 > 1000: the run jumps to `grande`
RESUME_PIPELINE = """\
name: bench_resume
steps:
  - {id: preguntar, kind: ask, save_as: respuesta, question: "¿Seguro?", options: ["sí", "no"]}
  - {id: responder, kind: reply, message: "Dijiste {{ respuesta }}", end: true}
"""


def _middle() -> list[tuple[str, str, bool]]:
    """(step id, kind, branches) of the 16 steps between the input steps and the two replies."""
    steps = []
    for i in range(2, STEPS - 2):
        kind = "tool" if i % 3 == 0 else "set"
        steps.append((f"paso{i}", kind, kind == "set" and i % BRANCH_EVERY == 1))
    return steps


def pipeline_text() -> str:
    """A generated 20-step pipeline: an ask (skipped when filled), tools, sets, four branches, two replies."""
    lines = [
        "name: bench_veinte",
        "description: generated for the benchmark",
        "inputs:",
        "  n: {type: integer}",
        "  texto: {type: string}",
        "tools:",
        "  eco: {kind: echo}",
        "  numero: {kind: to_number}",
        "steps:",
        '  - {id: pedir_texto, kind: ask, slot: texto, question: "¿Texto?"}',
        '  - {id: leer_n, kind: tool, tool: numero, with: {text: "{{ n }}"}, save_as: n}',
    ]
    for step_id, kind, branches in _middle():
        if kind == "tool":
            lines.append(
                f'  - {{id: {step_id}, kind: tool, tool: eco, with: {{x: "{{{{ n }}}}"}}, save_as: e_{step_id}}}'
            )
        else:
            branch = f', next: [{{when: "v_{step_id} > 1000", goto: grande}}]' if branches else ""
            lines.append(f'  - {{id: {step_id}, kind: set, values: {{v_{step_id}: "{{{{ n + 1 }}}}"}}{branch}}}')
    lines += [
        '  - {id: normal, kind: reply, message: "Hecho: {{ texto }} {{ n }}", end: true}',
        '  - {id: grande, kind: reply, message: "Grande: {{ n }}", end: true}',
    ]
    return "\n".join(lines) + "\n"


_CONTEXT = ToolContext(params=NoParams(), services=Services())


def registry() -> ToolRegistry:
    """The generic tools only: no database or model is needed to measure the engine."""
    return ToolRegistry(Services(), [generic_toolset])


def _state_schema() -> type:
    """The twin's state: the inputs, one key per middle step, the replies and the final status."""
    keys: dict[str, Any] = {"n": Any, "texto": Any, "status": str | None}
    keys.update({(f"e_{step}" if kind == "tool" else f"v_{step}"): Any for step, kind, _b in _middle()})
    keys["messages"] = Annotated[list[str], operator.add]
    return TypedDict("VeinteState", keys, total=False)  # type: ignore[operator]


def _pedir_texto(state: dict[str, Any]) -> dict[str, Any]:
    if state.get("texto") not in (None, "", [], {}):
        return {}
    return {"texto": interrupt({"question": "¿Texto?", "options": []})}


def _leer_n(state: dict[str, Any]) -> dict[str, Any]:
    return {"n": to_number(GenericText(text=state.get("n")), _CONTEXT)}


def _eco(key: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def node(state: dict[str, Any]) -> dict[str, Any]:
        return {key: echo(EchoArgs(x=state["n"]), _CONTEXT)}

    return node


def _plus_one(key: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def node(state: dict[str, Any]) -> dict[str, Any]:
        return {key: state["n"] + 1}

    return node


def _normal(state: dict[str, Any]) -> dict[str, Any]:
    return {"messages": [f"Hecho: {state['texto']} {state['n']}"], "status": "completed"}


def _grande(state: dict[str, Any]) -> dict[str, Any]:
    return {"messages": [f"Grande: {state['n']}"], "status": "completed"}


def _router(key: str) -> Callable[[dict[str, Any]], str]:
    def route(state: dict[str, Any]) -> str:
        return "grande" if state[key] > 1000 else "sigue"

    return route


def hand_graph(checkpointer: Any = None) -> CompiledStateGraph:
    """The 20-step pipeline written directly in LangGraph: a TypedDict state, plain functions calling the same
    generic tools (echo, to_number), Python routers; nothing from the compiler or the pipeline language."""
    builder = StateGraph(_state_schema())
    builder.add_node("pedir_texto", _pedir_texto)
    builder.add_node("leer_n", _leer_n)
    for step_id, kind, _branches in _middle():
        builder.add_node(step_id, _eco(f"e_{step_id}") if kind == "tool" else _plus_one(f"v_{step_id}"))
    builder.add_node("normal", _normal)
    builder.add_node("grande", _grande)
    branching = {step_id for step_id, _kind, branches in _middle() if branches}
    builder.add_edge(START, "pedir_texto")
    chain = ["pedir_texto", "leer_n", *(step_id for step_id, _kind, _b in _middle()), "normal"]
    for current, following in itertools.pairwise(chain):
        if current in branching:
            builder.add_conditional_edges(current, _router(f"v_{current}"), {"grande": "grande", "sigue": following})
        else:
            builder.add_edge(current, following)
    builder.add_edge("normal", END)
    builder.add_edge("grande", END)
    return builder.compile(checkpointer=checkpointer)


def final_values(state: dict[str, Any]) -> dict[str, Any]:
    """A final state as both graphs can show it: the YAML graph's `__messages__` / `__status__` under the
    twin's names, its other bookkeeping (visits, path) left out."""
    values = {key: value for key, value in state.items() if not key.startswith("__")}
    if "__messages__" in state or "__status__" in state:
        values["messages"] = list(state.get("__messages__") or [])
        values["status"] = state.get("__status__")
    return values


class AskState(TypedDict, total=False):
    """State of the bare resume graph."""

    respuesta: str
    mensaje: str


def bare_resume_graph(checkpointer: Any) -> CompiledStateGraph:
    """The resume pipeline written directly in LangGraph: an interrupt node, then a reply node."""

    def preguntar(state: AskState) -> AskState:
        return {"respuesta": interrupt({"question": "¿Seguro?", "options": ["sí", "no"]})}

    def responder(state: AskState) -> AskState:
        return {"mensaje": f"Dijiste {state['respuesta']}"}

    builder = StateGraph(AskState)
    builder.add_node("preguntar", preguntar)
    builder.add_node("responder", responder)
    builder.add_edge(START, "preguntar")
    builder.add_edge("preguntar", "responder")
    builder.add_edge("responder", END)
    return builder.compile(checkpointer=checkpointer)


class ThreeState(TypedDict):
    """State of the 3-node graph."""

    x: int


def three_node_graph() -> StateGraph:
    """a -> b -> c, each adding one: the smallest graph whose per-invoke checkpoint cost shows."""
    builder = StateGraph(ThreeState)
    for name in ("a", "b", "c"):
        builder.add_node(name, lambda state: {"x": state["x"] + 1})
    builder.add_edge(START, "a")
    builder.add_edge("a", "b")
    builder.add_edge("b", "c")
    builder.add_edge("c", END)
    return builder

"""Fusion changes nothing but speed: every dialog file and generated pipelines give the same turns fused and not."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from config import Config
from graphs.run.engine import Engine
from harness.dialogs import load_dialog
from pipelines.loader import collect_errors
from tests.dialog_support import load_dialogs
from tests.fusion_support import first_difference, play_dialog, play_runner
from tests.runner_fixtures import make_engine

ORCHESTRATOR = Path(__file__).parent / "dialogs" / "orchestrator"
# tests/dialogs/{contract,pedido,devolucion} (contract is shared/dialogs, kept equal by test_dialogs.py) and the
# orchestrator's own dialogs.
DIALOGS = [*load_dialogs(), *((f"orchestrator/{p.stem}", load_dialog(p)) for p in sorted(ORCHESTRATOR.glob("*.yaml")))]
Pair = tuple[Engine, Engine]
Answers = list[tuple[str, str]]


@pytest.mark.parametrize(("name", "dialog"), DIALOGS, ids=[d[0] for d in DIALOGS])
def test_dialog_fused_and_unfused_agree(settings: Config, tmp_path: Path, name: str, dialog: dict[str, Any]) -> None:
    # Dialogs that open with free text (or are marked chat_only) go through the chat's conversation layer.
    chat = bool(dialog.get("chat_only")) or not str(dialog["turns"][0]["user"]).startswith("!run")
    fused = play_dialog(settings.model_copy(update={"FUSE_STEPS": True}), dialog, tmp_path / "fused", chat=chat)
    unfused = play_dialog(settings.model_copy(update={"FUSE_STEPS": False}), dialog, tmp_path / "unfused", chat=chat)
    difference = first_difference(fused, unfused)
    assert difference is None, f"{name}: {difference}"


# --- generated pipelines: every key a template reads is an input, so the load-time checks accept them ----------

HEAD = {
    "name": "generada",
    "inputs": {
        **{key: {"type": "integer", "default": 0} for key in ("n", "k")},
        **{key: {"type": kind} for key, kind in [("num", "integer"), ("opt", "object"), ("parts", "list")]},
        **{key: {"type": "string"} for key in ("color", "ans", "saludo")},
    },
    "tools": {
        name: {"kind": kind}
        for name, kind in [("eco", "echo"), ("numero", "to_number"), ("largo", "length"), ("trozos", "split_list")]
    }
    | {"roto": {"kind": "boom"}},
}
# `k` divides by zero when n is 2 and `opt.campo` needs the echo tool to have run: some runs fail mid-chain.
SET_VALUES = [("n", "{{ (n or 0) + 1 }}"), ("k", "{{ (k or 0) + (n or 0) }}"), ("k", "{{ 12 // ((n or 0) - 2) }}")]
SET_VALUES += [("ans", "{{ opt.campo | upper }}"), ("color", "{{ (ans or '') | upper }}")]
SET_VALUES += [("parts", "{{ ['x', 'y', color or 'z'] }}")]
TOOL_CALLS = [("eco", {"campo": "{{ ans }}", "n": "{{ n }}"}, "opt"), ("numero", {"text": "{{ ans }}"}, "num")]
TOOL_CALLS += [("largo", {"value": "{{ parts }}"}, "k"), ("trozos", {"text": "{{ ans }}"}, "parts")]
CONDITIONS = ["(n or 0) > 2", "(n or 0) == 1", "ans == 'x'", "color == 'rojo'", "num is number and num > 1"]
CONDITIONS += ["(k or 0) > 3", "(parts or []) | length > 1", "opt.campo == 'x'"]
MESSAGES = ["n={{ n }} k={{ k }} ans={{ ans }} color={{ color }}", "{{ opt.campo | upper }}"]
CHILDREN = {
    "hijo_pregunta": """{name: hijo_pregunta, inputs: {nombre: {type: string}}, outputs: {saludo: "Hola, {{ nombre }}"},
      steps: [{id: pedir, kind: ask, slot: nombre, question: "¿Nombre?"}, {id: decir, kind: reply, message: hola}]}""",
    "hijo_calcula": """{name: hijo_calcula, inputs: {x: {type: integer, default: 0}}, outputs: {doble: "{{ doble }}"},
      steps: [{id: doblar, kind: set, values: {doble: "{{ (x or 0) * 2 }}"}}, {id: decir, kind: reply, message: x}]}""",
    "hijo_falla": """{name: hijo_falla, inputs: {x: {type: integer, default: 0}}, outputs: {q: "{{ q }}"}, steps: [
      {id: uno, kind: reply, message: uno}, {id: dividir, kind: set, values: {q: "{{ 12 // ((x or 0) - 2) }}"}}]}""",
}
SUB_CALLS = [("hijo_pregunta", {"nombre": "{{ color }}"}, {"saludo": "saludo"})]
SUB_CALLS += [("hijo_calcula", {"x": "{{ n }}"}, {"k": "doble"}), ("hijo_falla", {"x": "{{ n }}"}, {"k": "q"})]
ANSWERS = ["x", "y", "1", "2", "3", "0", "7", "rojo", "verde", "sí", "no", "ayuda", "cancelar", "hola mundo", ""]
ANSWERS += ["cambia el color a verde", "x, y"]
KINDS = ["set"] * 4 + ["reply"] * 3 + ["tool"] * 3 + ["ask"] * 3 + ["pipeline", "llm"]


def _step(draw: st.DrawFn, step_id: str, kind: str) -> dict[str, Any]:
    """One step of `kind` with random templates, tools, options or sub-pipeline."""
    step: dict[str, Any] = {"id": step_id, "kind": kind}
    if kind == "set":
        values = st.lists(st.sampled_from(SET_VALUES), min_size=1, max_size=2, unique_by=lambda v: v[0])
        step["values"] = dict(draw(values))
    elif kind == "reply":
        step["message"] = f"{step_id}: {draw(st.sampled_from(MESSAGES))}"
        if draw(st.booleans()):
            step["data"] = {"n": "{{ n }}", "parts": "{{ parts }}"}
        if draw(st.integers(0, 3)) == 0:
            step.update(end=True, status=draw(st.sampled_from(["completed", "cancelled"])))
    elif kind == "tool":
        tool, args, save_as = draw(st.sampled_from([*TOOL_CALLS * 4, ("roto", {}, None)]))
        step.update({"tool": tool, "with": args, **({"save_as": save_as} if save_as else {})})
    elif kind == "llm":
        step.update(prompt=f"{step_id}: {{{{ ans }}}}", fallback="numero", save_as="num")
        step["with"] = {"text": "{{ ans }}"}
    elif kind == "ask" and draw(st.booleans()):
        step.update(slot="color", question=f"{step_id}: ¿color? n={{{{ n }}}}")
        step.update(draw(st.sampled_from([{}, {"options": ["rojo", "verde", "azul"]}])))
    elif kind == "ask":
        step.update(save_as="ans", question=f"{step_id}: ¿respuesta? k={{{{ k }}}}")
        step.update(draw(st.sampled_from([{}, {"options": ["x", "y", "z"]}, {"options": "{{ parts }}"}])))
    else:
        child, args, outputs = draw(st.sampled_from(SUB_CALLS))
        step.update({"pipeline": child, "with": args, "outputs": outputs})
    return step


@st.composite
def pipelines(draw: st.DrawFn) -> str:
    """The YAML text of a random valid pipeline: branches on counters and answers, loops bounded by max_visits,
    templates and conditions that may fail, ends with a status, sub-pipelines and sometimes a correction target."""
    ids = [f"s{i}" for i in range(draw(st.integers(2, 8)))]
    steps = [_step(draw, step_id, draw(st.sampled_from(KINDS))) for step_id in ids]
    targets = st.sampled_from([*ids, "end"])
    for index, step in enumerate(steps):
        branches = draw(st.lists(st.tuples(st.sampled_from(CONDITIONS), targets), max_size=2))
        step["next"] = [{"when": when, "goto": goto} for when, goto in branches]
        step["next"] += [{"goto": draw(targets)}] if draw(st.integers(0, 4)) == 0 else []
        if draw(st.integers(0, 3)) == 0:
            step["max_visits"] = draw(st.integers(1, 4))
        for branch in step["next"]:  # every loop is bounded: a backward target declares max_visits
            if branch["goto"] != "end" and ids.index(branch["goto"]) <= index:
                steps[ids.index(branch["goto"])].setdefault("max_visits", draw(st.integers(1, 4)))
    outputs = {key: f"{{{{ {key} }}}}" for key in ("n", "k", "ans", "color")}
    outputs |= {"campo": "{{ opt.campo }}"} if draw(st.integers(0, 5)) == 0 else {}
    document = {**HEAD, "steps": steps, "outputs": outputs}
    if draw(st.integers(0, 2)) == 0:
        document["repair"] = {"corrections": {"color": {"goto": draw(st.sampled_from(ids)), "words": ["color"]}}}
    text = _yaml(document)
    if _problems(text):  # an unconditional goto stranded some step: keep the conditional branches only
        for step in steps:
            step["next"] = [branch for branch in step["next"] if branch.get("when")]
        text = _yaml(document)
    assume(not _problems(text))
    return text


def _yaml(document: dict[str, Any]) -> str:
    steps = [{k: v for k, v in step.items() if v != []} for step in document["steps"]]
    return yaml.safe_dump({**document, "steps": steps}, sort_keys=False, allow_unicode=True)


def _problems(text: str) -> list[Any]:
    return collect_errors(text, known_pipelines=list(CHILDREN))[1]  # tool kinds are checked when the engine loads it


inputs_of = st.fixed_dictionaries(
    {},
    optional={"n": st.integers(0, 3), "color": st.sampled_from(["rojo", "verde", ""]), "ans": st.just("x")},
)
# How each turn answers: through conversation repair (with a chat client following the turn, or not), as it is,
# or asking the status / cancelling; the run may have ended already, so some answers go to no question at all.
answers_of = st.lists(
    st.tuples(st.sampled_from(["resume"] * 5 + ["follow", "raw", "status", "cancel"]), st.sampled_from(ANSWERS))
)


@pytest.fixture(scope="module")
def engine_pairs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[int], Pair]]:
    """(fused, unfused) engines for a recursion limit, each on a data folder of its own, with the generic tools,
    a tool that fails, and the generated pipelines' sub-pipelines."""
    root = tmp_path_factory.mktemp("generated")
    (root / "pipelines").mkdir()
    for name, text in CHILDREN.items():
        (root / "pipelines" / f"{name}.yaml").write_text(text, encoding="utf-8")
    base = Config(DATA_DIR=root, PIPELINES_DIR=root / "pipelines", SECRET_KEY="test")
    base = base.model_copy(update={"DATABASE_URL": None, "CHECKPOINT_URL": None, "OPENAI_API_KEY": None})
    pairs: dict[int, Pair] = {}

    def pair(limit: int) -> Pair:
        if limit not in pairs:
            fused, unfused = ({"FUSE_STEPS": f, "DATA_DIR": root / f"{f}-{limit}"} for f in (True, False))
            pairs[limit] = (
                make_engine(base, RECURSION_LIMIT=limit, **fused),
                make_engine(base, RECURSION_LIMIT=limit, **unfused),
            )
        return pairs[limit]

    yield pair
    for engines in pairs.values():
        for engine in engines:
            engine.close()


def _compare(pair: Pair, text: str, inputs: dict[str, Any], answers: Answers) -> None:
    fused, unfused = (play_runner(engine.runner(text), inputs, answers) for engine in pair)
    difference = first_difference(fused, unfused)
    assert difference is None, f"{difference}\ninputs={inputs} answers={answers}\n{text}"


# Derandomized: CI plays the same examples on every run (a difference found elsewhere is kept as an @example).
GENERATED = settings(
    deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)


# Differences the generated pipelines found (kept as regression cases): a step whose own writes succeed but whose
# `next` condition fails, first in a chain or later in it, and the recursion limit met inside one chain or only
# across chains (the unfused run counts one superstep per step).
COND_AT_ENTRY = """{name: g1, inputs: {n: {type: integer, default: 0}, opt: {type: object}}, steps: [
  {id: s0, kind: set, values: {n: "{{ n + 1 }}"}, next: [{when: "opt.campo == 'x'", goto: end}]},
  {id: s1, kind: reply, message: "{{ n }}"}]}"""
COND_MID_CHAIN = """{name: g2, inputs: {n: {type: integer, default: 0}, opt: {type: object}}, steps: [
  {id: s0, kind: set, values: {n: "{{ n + 1 }}"}},
  {id: s1, kind: set, values: {n: "{{ n + 1 }}"}, next: [{when: "opt.campo == 'x'", goto: end}]},
  {id: s2, kind: reply, message: "{{ n }}"}]}"""
LIMIT_IN_CHAIN = """{name: g3, inputs: {n: {type: integer, default: 0}}, steps: [
  {id: s0, kind: set, values: {n: "{{ n + 1 }}"}, max_visits: 50},
  {id: s1, kind: reply, message: "{{ n }}", next: [{when: "n < 8", goto: s0}]},
  {id: s2, kind: reply, message: "fin {{ n }}"}]}"""
LIMIT_ACROSS_CHAINS = """{name: g4, inputs: {n: {type: integer, default: 0}, ans: {type: string}},
  tools: {numero: {kind: to_number}}, steps: [
  {id: a0, kind: set, values: {n: "{{ n + 1 }}"}}, {id: a1, kind: set, values: {n: "{{ n + 1 }}"}},
  {id: a2, kind: set, values: {n: "{{ n + 1 }}"}}, {id: a3, kind: set, values: {n: "{{ n + 1 }}"}},
  {id: a4, kind: set, values: {n: "{{ n + 1 }}"}}, {id: a5, kind: set, values: {n: "{{ n + 1 }}"}},
  {id: m, kind: llm, prompt: "hola", fallback: numero, with: {text: "{{ n }}"}, save_as: ans},
  {id: b0, kind: set, values: {n: "{{ n + 1 }}"}}, {id: b1, kind: set, values: {n: "{{ n + 1 }}"}},
  {id: b2, kind: set, values: {n: "{{ n + 1 }}"}}, {id: b3, kind: set, values: {n: "{{ n + 1 }}"}},
  {id: b4, kind: reply, message: "fin {{ n }}"}]}"""
# Three steps at a recursion limit of 3: the unfused run runs them all, then fails with loop_limit (LangGraph's
# limit is met on the way to the end); a pause at that step is no failure.
LIMIT_AT_THE_END = """{name: g5, inputs: {n: {type: integer, default: 0}}, steps: [
  {id: s0, kind: set, values: {n: "{{ n + 1 }}"}}, {id: s1, kind: set, values: {n: "{{ n + 1 }}"}},
  {id: s2, kind: reply, message: "fin {{ n }}"}]}"""
# The same, when the step that spends the limit is one that stays alone (an llm step after a fused chain).
LIMIT_AT_THE_END_ALONE = """{name: g6, inputs: {n: {type: integer, default: 0}, num: {type: integer}},
  tools: {numero: {kind: to_number}}, steps: [
  {id: s0, kind: set, values: {n: "{{ n + 1 }}"}}, {id: s1, kind: set, values: {n: "{{ n + 1 }}"}},
  {id: s2, kind: llm, prompt: "x", fallback: numero, with: {text: "{{ n }}"}, save_as: num}]}"""
FOUND = [("condition_at_entry", COND_AT_ENTRY, 500), ("condition_mid_chain", COND_MID_CHAIN, 500)]
FOUND += [("limit_in_chain", LIMIT_IN_CHAIN, 10), ("limit_across_chains", LIMIT_ACROSS_CHAINS, 10)]
FOUND += [("limit_at_the_end", LIMIT_AT_THE_END, 3), ("limit_at_the_end_alone", LIMIT_AT_THE_END_ALONE, 3)]


@pytest.mark.parametrize(("text", "limit"), [f[1:] for f in FOUND], ids=[f[0] for f in FOUND])
def test_found_differences(engine_pairs: Callable[[int], Pair], text: str, limit: int) -> None:
    _compare(engine_pairs(limit), text, {}, [("resume", "x"), ("status", "")])


@settings(GENERATED, max_examples=150)
@example(text=COND_MID_CHAIN, inputs={}, answers=[])
@given(text=pipelines(), inputs=inputs_of, answers=answers_of)
def test_generated_pipelines_fused_and_unfused_agree(
    engine_pairs: Callable[[int], Pair], text: str, inputs: dict[str, Any], answers: Answers
) -> None:
    _compare(engine_pairs(500), text, inputs, answers)


@settings(GENERATED, max_examples=60)
@example(text=LIMIT_AT_THE_END, inputs={}, answers=[], limit=3)
@example(text=LIMIT_AT_THE_END_ALONE, inputs={}, answers=[], limit=3)
@given(text=pipelines(), inputs=inputs_of, answers=answers_of, limit=st.sampled_from([3, 6, 12]))
def test_generated_pipelines_agree_under_a_low_recursion_limit(
    engine_pairs: Callable[[int], Pair], text: str, inputs: dict[str, Any], answers: Answers, limit: int
) -> None:
    _compare(engine_pairs(limit), text, inputs, answers)


def test_the_comparison_names_the_first_differing_field() -> None:
    turn = {"user": "x", "status": "waiting", "steps_done": ["a", "b"], "run_status": {"current_step": "b"}}
    assert first_difference([turn, turn], [dict(turn), dict(turn)]) is None
    moved = {**turn, "run_status": {"current_step": "c"}}
    assert str(first_difference([turn, turn], [turn, moved])).startswith("turn 2 ('x'), run_status: fused")
    assert "steps_done" in str(first_difference([turn], [{**turn, "steps_done": ["a"]}]))
    assert "turns" in str(first_difference([turn], [turn, turn]))


def test_a_pipeline_that_says_something_else_is_told_apart(engine_pairs: Callable[[int], Pair]) -> None:
    fused, unfused = engine_pairs(500)
    other = COND_MID_CHAIN.replace('message: "{{ n }}"', 'message: "{{ n }}!"').replace("opt.campo == 'x'", "n > 9")
    same = COND_MID_CHAIN.replace("opt.campo == 'x'", "n > 9")
    played = [play_runner(engine.runner(text), {}, []) for engine, text in [(fused, same), (unfused, other)]]
    assert "message" in str(first_difference(*played))


def test_the_pair_compares_a_fused_graph_with_a_step_per_node_graph(engine_pairs: Callable[[int], Pair]) -> None:
    fused, unfused = (set(engine.runner(COND_MID_CHAIN).graph.builder.nodes) for engine in engine_pairs(500))
    assert {"s0", "s1", "s2"} <= unfused and not {"s1", "s2"} & fused

"""Fused chains keep, per step, the path, max_visits, the error naming the step and the progress events."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from config import Config
from graphs.observe import progress
from graphs.run.engine import Engine
from graphs.run.runner import Runner
from tests.runner_fixtures import make_engine

# `sumar`, `dividir`, `decidir` loop without pausing; started at 4, `dividir` divides by zero on its second visit,
# after other steps of the same fused node ran.
CHAIN = """\
name: cadena
inputs:
  n: {type: integer}
steps:
  - {id: pedir, kind: ask, slot: n, question: "¿Cuántos?"}
  - {id: antes, kind: reply, message: "empiezo"}
  - {id: sumar, kind: set, values: {n: "{{ n - 1 }}"}}
  - {id: dividir, kind: set, values: {q: "{{ 12 // (n - 2) }}"}, max_visits: 20}
  - id: decidir
    kind: set
    values: {sigue: "{{ n > 0 }}"}
    next:
      - {when: sigue, goto: sumar}
  - {id: fin, kind: reply, message: "fin {{ q }}", end: true}
"""
LOOP = """\
name: vueltas
steps:
  - {id: uno, kind: set, values: {i: "{{ (i or 0) + 1 }}"}}
  - {id: dos, kind: set, values: {j: 1}, max_visits: 3, next: uno}
"""


@pytest.fixture(params=[True, False], ids=["fused", "unfused"])
def engine(request: pytest.FixtureRequest, settings: Config) -> Iterator[Engine]:
    """An engine running every pipeline fused, or one node per step."""
    engine = make_engine(settings, FUSE_STEPS=request.param)
    yield engine
    engine.close()


def test_a_fused_chain_is_one_node_and_the_unfused_graph_one_per_step(settings: Config) -> None:
    fused, unfused = make_engine(settings), make_engine(settings, FUSE_STEPS=False)
    try:
        nodes = set(fused.runner(CHAIN).graph.builder.nodes)
        assert nodes == {"pedir", "antes", "__failed__", "__repair__"}
        steps = {"pedir", "antes", "sumar", "dividir", "decidir", "fin", "__repair__"}
        assert set(unfused.runner(CHAIN).graph.builder.nodes) == steps
        assert set(fused.runner(CHAIN).step_graph.builder.nodes) == set(unfused.runner(CHAIN).graph.builder.nodes)
    finally:
        fused.close()
        unfused.close()


def test_a_loop_inside_a_chain_keeps_the_path_and_the_output(engine: Engine) -> None:
    runner = engine.runner(CHAIN)
    waiting = runner()
    assert waiting.status == "waiting" and waiting.current_step == "pedir"
    done = runner.resume(waiting.run_id, 2, understand=False)
    assert done.status == "completed" and done.message == "empiezo\nfin -6"
    loop = ["sumar", "dividir", "decidir"]
    assert done.steps_done == ["pedir", "antes", *loop * 2, "fin"]


def test_a_step_failing_mid_chain_keeps_the_steps_before_it_and_names_itself(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    runner = engine.runner(CHAIN)
    waiting = runner()
    failed = runner.resume(waiting.run_id, 4, understand=False)
    assert failed.status == "failed" and failed.error is not None and failed.error["code"] == "expression_error"
    assert "step 'dividir'" in caplog.text
    # n: 4 → 3 (dividir ok) → 2: dividir fails; the steps before it in the same node stay done.
    expected = ["pedir", "antes", "sumar", "dividir", "decidir", "sumar"]
    assert failed.steps_done == expected
    status = runner.status(failed.run_id)
    assert status.status == "failed" and status.steps_done == expected and status.state["n"] == 2


def test_max_visits_counts_every_visit_inside_the_fused_node(engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    result = engine.runner(LOOP)()
    assert result.status == "failed" and result.error is not None and result.error["code"] == "loop_limit"
    assert "step 'dos' ran more than its max_visits of 3" in caplog.text
    assert result.steps_done == ["uno", "dos"] * 3 + ["uno"]


def test_a_followed_turn_sees_every_step_of_a_fused_chain_start_and_end(engine: Engine) -> None:
    runner: Runner = engine.runner(CHAIN)
    waiting = runner()
    events: list[tuple[str, str]] = []

    def sink(event: str, data: dict[str, Any]) -> None:
        if event == "step":
            events.append((data["id"], data["phase"]))

    token = progress.SINK.set(sink)
    try:
        runner.resume(waiting.run_id, 1, understand=False)
    finally:
        progress.SINK.reset(token)
    steps = ["pedir", "antes", "sumar", "dividir", "decidir", "fin"]
    assert events == [(step, phase) for step in steps for phase in ("start", "end")]

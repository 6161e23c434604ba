"""The runner: every step kind through todo_junto, answers, input checks, conflicts, loop limits and run ids."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from config import Config
from errors import ConflictError, NotFoundError
from graphs.chat.conversation import reply_text
from graphs.run.engine import Engine
from graphs.run.runner import Runner
from tests.runner_fixtures import TODO_JUNTO_NODES, make_engine

COLORS = """\
name: colores
inputs:
  colores: {type: list, default: [rojo, verde, azul]}
steps:
  - id: elegir
    kind: ask
    save_as: color
    question: "¿Qué color?"
    options: "{{ colores }}"
  - {id: fin, kind: reply, message: "Elegiste {{ color }}", end: true}
outputs: [color]
"""


def test_the_runner_exposes_the_compiled_graph(todo: Runner) -> None:
    # The graph that runs fuses the steps that cannot pause; the one pictures draw has a node per step.
    assert set(todo.graph.get_graph().nodes) < TODO_JUNTO_NODES | {"__failed__"}
    drawn = todo.step_graph.get_graph()
    assert set(drawn.nodes) == TODO_JUNTO_NODES
    assert ("leer_cantidad", "pedir_cantidad") in {(e.source, e.target) for e in drawn.edges if e.conditional}
    assert "pedir_cantidad --> leer_cantidad;" in drawn.draw_mermaid()


def test_big_branch_completes_in_one_turn(todo: Runner) -> None:
    result = todo(cantidad=20, nombre="Ana")
    assert result.status == "completed" and result.error is None
    assert result.output == {"total": 40, "texto_saludo": "¡Hola, Ana!"}
    assert result.steps_done == ["pedir_cantidad", "leer_cantidad", "saludo", "calcular", "grande"]
    assert result.message == "¡Hola, Ana! Encantado de ayudarte.\nPedido grande: 40. ¡Hola, Ana!"
    assert result.pipeline_version == todo.version == todo.config.content_hash


def test_small_branch_loop_with_validation_and_a_sub_pipeline_question(todo: Runner) -> None:
    result = todo(cantidad=0)  # not valid: the ask step asks although the slot is filled
    assert (result.status, result.step, result.current_step) == ("waiting", "pedir_cantidad", "pedir_cantidad")
    assert result.question == "¿Cuántas unidades? (un número mayor que 0)" and result.options == []
    result = todo.resume(result.run_id, "ninguna")  # no number in it: the loop goes back to the question
    assert result.status == "waiting" and result.step == "pedir_cantidad"
    assert result.steps_done == ["pedir_cantidad", "leer_cantidad"]
    result = todo.resume(result.run_id, "3")
    # The sub-pipeline's question reaches the user like the parent's own.
    assert (result.status, result.question, result.step) == ("waiting", "¿Cómo te llamas?", "pedir_nombre")
    assert result.current_step == "saludo"
    result = todo.resume(result.run_id, "Eva")
    assert result.status == "completed"
    assert result.output == {"total": 6, "texto_saludo": "¡Hola, Eva!"}  # the answer reached the parent
    assert result.message == "¡Hola, Eva! Encantado de ayudarte.\nPedido pequeño: 6. ¡Hola, Eva!"
    assert result.steps_done == [
        "pedir_cantidad",
        "leer_cantidad",
        "pedir_cantidad",
        "leer_cantidad",
        "saludo",
        "calcular",
        "pequeno",
    ]


def test_a_filled_valid_slot_is_not_asked(eng: Engine) -> None:
    result = eng.runner("ejemplo_simple")(nombre="Luis")
    assert result.status == "completed" and result.output == {"saludo": "¡Hola, Luis!"}
    assert result.steps_done == ["pedir_nombre", "saludar"]


def test_max_visits_exceeded_fails_the_run_with_loop_limit(todo: Runner, caplog: pytest.LogCaptureFixture) -> None:
    result = todo(cantidad=0, nombre="Ana")
    for answer in ("a", "b"):
        result = todo.resume(result.run_id, answer)
        assert result.status == "waiting"
    result = todo.resume(result.run_id, "c")
    assert result.status == "failed"
    assert result.error is not None and result.error["code"] == "loop_limit"
    assert "demasiadas vueltas" in result.error["message"]  # the user's sentence; the technical text is logged
    assert "max_visits of 3" in caplog.text and "pedir_cantidad" in caplog.text
    status = todo.status(result.run_id)
    assert status.status == "failed" and status.error == result.error
    with pytest.raises(ConflictError) as info:
        todo.resume(result.run_id, "5")
    assert info.value.details == {"status": "failed"}


def test_the_recursion_limit_stops_a_loop_that_never_asks(settings: Config, caplog: pytest.LogCaptureFixture) -> None:
    engine = make_engine(settings, RECURSION_LIMIT=25)
    try:
        runner = engine.runner(
            "name: gira\nsteps:\n  - {id: a, kind: set, values: {n: 1}, max_visits: 10000}\n"
            "  - {id: b, kind: set, values: {m: 1}, next: a}\n"
        )
        result = runner()
    finally:
        engine.close()
    assert result.status == "failed" and result.error is not None
    assert result.error["code"] == "loop_limit" and "demasiadas vueltas" in result.error["message"]
    assert "demasiadas vueltas" in reply_text(result)  # what the chat shows: the loop limit's Spanish sentence
    assert "more than 25 steps" in caplog.text


def test_answers_by_option_number_text_or_free_text(eng: Engine) -> None:
    runner = eng.runner(COLORS)
    for answer, chosen in [
        ("2", "verde"),
        ("  AZUL ", "azul"),
        ("Rojo", "rojo"),
        ("morado", "morado"),
        ("7", "7"),
        ("0", "0"),
        ("²", "verde"),  # text is NFKC-normalised before it is read: a superscript two is a two
        ("9" * 5000, "9" * 5000),
    ]:
        waiting = runner()
        assert waiting.status == "waiting" and waiting.options == ["rojo", "verde", "azul"]
        done = runner.resume(waiting.run_id, answer)
        assert done.status == "completed" and done.output == {"color": chosen}, answer
    listed = runner(colores=["Té", "Café"])
    assert runner.resume(listed.run_id, "te").output == {"color": "Té"}  # accents and case do not matter


def test_resume_of_runs_that_are_not_waiting(todo: Runner, eng: Engine) -> None:
    completed = todo(cantidad=20, nombre="Ana")
    with pytest.raises(ConflictError) as info:
        todo.resume(completed.run_id, "x")
    assert info.value.details == {"status": "completed"} and info.value.http_status == 409
    cancelled = todo(cantidad=0)
    assert todo.cancel(cancelled.run_id).status == "cancelled"
    assert todo.status(cancelled.run_id).status == "cancelled"
    with pytest.raises(ConflictError):
        todo.resume(cancelled.run_id, "3")
    with pytest.raises(ConflictError):
        todo.cancel(cancelled.run_id)
    for unknown in ("no-such-run", "", "x" * 500, None, 12):
        with pytest.raises(NotFoundError):
            todo.resume(unknown, "3")  # type: ignore[arg-type]
    with pytest.raises(NotFoundError):
        eng.status("no-such-run")
    with pytest.raises(NotFoundError):
        eng.runner("ejemplo_simple").resume(cancelled.run_id, "3")  # a run of another pipeline


def test_runs_belong_to_their_owner(todo: Runner) -> None:
    waiting = todo.start({"cantidad": 0}, owner="chat:alice")
    for call in (
        lambda: todo.resume(waiting.run_id, "3", owner="chat:bob"),
        lambda: todo.status(waiting.run_id, owner="chat:bob"),
        lambda: todo.cancel(waiting.run_id, owner="chat:bob"),
    ):
        with pytest.raises(NotFoundError):
            call()
    assert todo.resume(waiting.run_id, "3", owner="chat:alice").status == "waiting"


def test_a_run_busy_with_another_turn_refuses_a_second_answer(todo: Runner, eng: Engine) -> None:
    waiting = todo(cantidad=0)
    token = eng.runs.acquire(waiting.run_id)  # another process is in the middle of a turn
    assert token is not None
    with pytest.raises(ConflictError) as info:
        todo.resume(waiting.run_id, "3")
    assert info.value.details == {"status": "busy"}
    with pytest.raises(ConflictError):
        todo.cancel(waiting.run_id)
    eng.runs.release(waiting.run_id, token)
    assert todo.resume(waiting.run_id, "3").status == "waiting"


def test_status_reports_the_current_step_steps_done_and_version(todo: Runner) -> None:
    result = todo(cantidad=3)
    status = todo.status(result.run_id).status_dict()
    assert status["status"] == "waiting" and status["current_step"] == "saludo"
    assert status["steps_done"] == ["pedir_cantidad", "leer_cantidad"]
    assert status["pipeline_version"] == todo.config.content_hash
    assert set(status) == {
        "run_id",
        "pipeline",
        "status",
        "output",
        "question",
        "options",
        "data",
        "error",
        "message",
        "current_step",
        "steps_done",
        "pipeline_version",
        "state",
    }
    assert status["state"]["cantidad"] == 3 and "__path__" not in status["state"]
    assert set(result.to_dict()) == set(status) - {"current_step", "steps_done", "pipeline_version", "state"}


def test_runs_keep_the_version_they_started_with(eng: Engine, pipelines_dir: Path) -> None:
    waiting = eng.runner("ejemplo_simple")()
    path = pipelines_dir / "ejemplo_simple.yaml"
    path.write_text(path.read_text().replace("¡Hola, {{ nombre }}! Encantado", "Buenas, {{ nombre }}. Encantado"))
    new = eng.runner("ejemplo_simple")
    assert new.version != waiting.pipeline_version
    done = eng.resume(waiting.run_id, "Ana")
    assert done.message == "¡Hola, Ana! Encantado de ayudarte." and done.pipeline_version == waiting.pipeline_version
    assert new(nombre="Ana").message == "Buenas, Ana. Encantado de ayudarte."


def test_an_expression_failing_at_run_time_fails_the_run_naming_the_step(
    eng: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    runner = eng.runner(
        "name: mal\ninputs:\n  n: {type: integer}\nsteps:\n  - {id: sumar, kind: set, values: {m: \"{{ n + 'x' }}\"}}\n"
    )
    result = runner(n=1)
    assert result.status == "failed" and result.error is not None
    assert result.error["code"] == "expression_error" and "step" not in result.error["message"]
    assert "step 'sumar'" in caplog.text  # the log names the step; the user reads no internals


def test_a_tool_that_crashes_fails_the_run_without_leaking_internals(eng: Engine) -> None:
    runner = eng.runner(
        "name: roto\ntools:\n  b: {kind: boom}\nsteps:\n  - {id: a, kind: reply, message: antes}\n"
        "  - {id: romper, kind: tool, tool: b}\n"
    )
    result = runner()
    assert result.status == "failed" and result.error is not None
    assert result.error["code"] == "internal_error" and "internal detail" not in result.error["message"]
    assert eng.runs.get(result.run_id)["status"] == "failed"  # type: ignore[index]
    assert eng.runs.get(result.run_id)["lease"] is None  # type: ignore[index]


def test_run_ids_are_unguessable_and_unique(eng: Engine) -> None:
    runner = eng.runner("ejemplo_simple")
    ids = [runner(nombre="x").run_id for _ in range(50)]
    assert len(set(ids)) == len(ids)
    for run_id in ids:
        raw = base64.urlsafe_b64decode(run_id + "=" * (-len(run_id) % 4))
        assert len(raw) * 8 >= 128


def test_the_python_api_loads_by_name_path_text_or_config(eng: Engine, pipelines_dir: Path) -> None:
    by_name = eng.runner("ejemplo_simple")
    by_path = eng.runner(pipelines_dir / "ejemplo_simple.yaml")
    by_config = eng.runner(by_name.config)
    assert by_name.version == by_path.version == by_config.version
    assert by_name.graph is by_path.graph  # compiled once per content hash
    assert by_name.name == "ejemplo_simple"
    with pytest.raises(NotFoundError):
        eng.runner("no_existe")

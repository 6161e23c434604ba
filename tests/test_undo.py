"""Undo through the checkpoint history: a waiting run goes back to before its last answer or correction and asks
that question again; several undos go further back; never past a written order. SQLite and PostgreSQL, fused and
unfused, through the Python API, the chat (`!undo`) and HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from config import Config
from errors import ConflictError
from graphs.run.engine import Engine
from graphs.run.runner import Runner
from graphs.run.time_travel import plan_undo
from graphs.run.transcript import transcript
from graphs.store.events import events_of
from graphs.store.run_table import runs_table
from tests.dialog_support import app_on_backend
from tests.sql_fixtures import BACKENDS
from tests.sub_pipelines import write_sub_pipelines

WRITES_THEN_ASKS = """\
name: pedido_y_nota
description: Escribe un pedido y luego pregunta una nota
steps:
  - {id: cantidad, kind: ask, slot: cantidad, question: "¿Cuántas grapadoras?"}
  - id: escribir
    kind: tool
    tool: pedido
    with: {customer: Globex, lines: [{sku: GRA-01, quantity: "{{ cantidad | int }}"}]}
    save_as: creado
  - {id: nota, kind: ask, slot: nota, question: "¿Alguna nota para el pedido {{ creado.order_id }}?"}
  - {id: fin, kind: reply, message: "Hecho", end: true}
tools:
  pedido: {kind: create_order}
"""


@pytest.fixture
def fuse_steps() -> bool:
    """Whether chains of steps are fused (as shipped); tests parametrize it."""
    return True


@pytest.fixture(params=BACKENDS)
def app(request: pytest.FixtureRequest, settings: Config, fuse_steps: bool) -> Iterator[Flask]:
    """The app, its run table and checkpoints on SQLite or PostgreSQL."""
    with app_on_backend(request, settings.model_copy(update={"FUSE_STEPS": fuse_steps})) as running:
        yield running


@pytest.fixture
def engine(app: Flask) -> Engine:
    """The app's engine."""
    return app.extensions["t7"].engine


@pytest.mark.parametrize("fuse_steps", [True, False], ids=["fused", "unfused"])
def test_undo_goes_back_one_answer_at_a_time_and_the_run_goes_on_from_there(engine: Engine) -> None:
    runner = engine.runner("alta_pedido")
    asked = runner.start({"cliente": "Globex", "productos": "2 teclados, 1 grapadora"})
    assert asked.step == "producto__choose"
    chosen = runner.resume(asked.run_id, "el primero")
    corrected = runner.resume(asked.run_id, "mejor 3 grapadoras")
    assert corrected.step == "confirmar" and corrected.data["lines"][1]["quantity"] == 3
    back = runner.undo(asked.run_id)
    assert back.status == "waiting" and back.step == "confirmar"
    assert back.data["lines"] == chosen.data["lines"]  # the correction is gone
    assert back.message.startswith("Deshecho")
    again = runner.undo(asked.run_id)
    assert again.step == "producto__choose" and again.options == asked.options
    other = runner.resume(asked.run_id, "el segundo")
    assert [line["product"] for line in other.data["lines"]] == ["Teclado mecánico", "Grapadora"]
    done = runner.resume(asked.run_id, "sí")
    assert done.status == "completed" and done.output["lines"][0]["product"] == "Teclado mecánico"
    assert engine.registry.services.sql.count_orders() == 1
    undone = [e for e in events_of(engine.runs.engine, asked.run_id) if e["command"] == "undo"]
    assert [e["step"] for e in undone] == ["confirmar", "confirmar"]


def test_at_the_first_question_there_is_nothing_to_undo(engine: Engine) -> None:
    runner = engine.runner("alta_pedido")
    asked = runner.start({"cliente": "Globex"})
    same = runner.undo(asked.run_id)
    assert same.step == asked.step and same.message == "Todavía no hay nada que deshacer."
    assert runner.undo(asked.run_id, lang="en").message == "There is nothing to undo yet."


def test_never_past_a_written_order(engine: Engine, pipelines_dir: Path) -> None:
    (pipelines_dir / "pedido_y_nota.yaml").write_text(WRITES_THEN_ASKS, encoding="utf-8")
    runner = engine.runner("pedido_y_nota")
    asked = runner.start({})
    note = runner.resume(asked.run_id, "2")
    assert note.step == "nota"
    refused = runner.undo(asked.run_id)
    assert refused.step == "nota" and "escribir" in refused.message and "ya lo ha guardado" in refused.message
    assert engine.registry.services.sql.count_orders() == 1
    assert runner.resume(asked.run_id, "urgente").status == "completed"
    assert engine.registry.services.sql.count_orders() == 1


def test_only_a_waiting_run_is_undone(engine: Engine) -> None:
    runner = engine.runner("alta_pedido")
    asked = runner.start({"cliente": "Globex", "productos": "1 grapadora"})
    runner.resume(asked.run_id, "sí")
    with pytest.raises(ConflictError):
        runner.undo(asked.run_id)


def test_undo_in_the_chat_and_over_http(client: FlaskClient) -> None:
    session = {"session_id": "deshacer-0001"}
    client.post("/chat", json={"message": '!run alta_pedido cliente=Globex productos="2 teclados"', **session})
    client.post("/chat", json={"message": "el primero", **session})
    back = client.post("/chat", json={"message": "!undo", **session}).get_json()
    assert back["status"] == "waiting" and back["reply"].startswith("Deshecho. Volvemos a la pregunta anterior.")
    assert back["options"] == ["Teclado inalámbrico", "Teclado mecánico"]
    assert client.post("/chat", json={"message": "!undo", "session_id": "deshacer-0002"}).get_json()["reply"] == (
        "No hay nada en curso que deshacer."
    )
    started = client.post("/orchestrator/run_chain", json={"pipeline": "alta_pedido", "args": {"cliente": "Globex"}})
    run_id = started.get_json()["run_id"]
    client.post(f"/orchestrator/resume/{run_id}", json={"answer": "3 grapadoras"})
    undone = client.post(f"/orchestrator/runs/{run_id}/undo")
    assert undone.status_code == 200 and undone.get_json()["question"].startswith("¿Qué productos")
    assert client.post(f"/orchestrator/runs/{run_id}/undo").get_json()["message"] == "Todavía no hay nada que deshacer."
    other = client.application.test_client()  # another caller: not its run
    assert other.post(f"/orchestrator/runs/{run_id}/undo").status_code == 404


@pytest.mark.parametrize("fuse_steps", [True, False], ids=["fused", "unfused"])
def test_a_fork_from_an_earlier_question_is_a_new_run_of_the_session(client: FlaskClient, engine: Engine) -> None:
    session = {"session_id": "retomar-0001"}
    headers = {"X-Chat-Session": session["session_id"]}
    client.post("/chat", json={"message": '!run alta_pedido cliente=Globex productos="2 teclados"', **session})
    first = client.post("/chat", json={"message": "el primero", **session}).get_json()
    transcript = client.get(f"/orchestrator/runs/{first['run_id']}/transcript", headers=headers).get_json()
    choice = next(e for e in transcript["entries"] if e["type"] == "turn" and e["step"] == "producto__choose")
    forked = client.post(
        f"/orchestrator/runs/{first['run_id']}/fork", json={"checkpoint_id": choice["checkpoint_id"]}, headers=headers
    )
    assert forked.status_code == 200
    new = forked.get_json()
    assert new["run_id"] != first["run_id"] and new["status"] == "waiting"
    assert new["options"] == ["Teclado inalámbrico", "Teclado mecánico"]
    assert engine.status(first["run_id"]).status == "cancelled"  # the conversation goes on in the fork
    done = client.post("/chat", json={"message": "el segundo", **session}).get_json()
    assert done["run_id"] == new["run_id"] and done["data"]["lines"][0]["product"] == "Teclado mecánico"
    assert client.post("/chat", json={"message": "sí", **session}).get_json()["status"] == "completed"
    assert engine.registry.services.sql.count_orders() == 1
    started = events_of(engine.runs.engine, new["run_id"])[0]
    assert started["kind"] == "started" and started["detail"]["forked_from"] == first["run_id"]


def test_a_fork_needs_a_question_of_that_run(client: FlaskClient) -> None:
    session = {"session_id": "retomar-0002"}
    headers = {"X-Chat-Session": session["session_id"]}
    first = client.post("/chat", json={"message": "!run ejemplo_simple", **session}).get_json()
    url = f"/orchestrator/runs/{first['run_id']}/fork"
    assert client.post(url, json={"checkpoint_id": "no-such"}, headers=headers).status_code == 404
    assert client.post(url, json={"checkpoint_id": "../x"}, headers=headers).status_code == 400
    assert client.post(url, json={"checkpoint_id": "x"}).status_code == 404  # not this caller's run


def _with_a_child_that_asks(engine: Engine, pipelines_dir: Path) -> Runner:
    """The runner of envio_cliente, whose sub-pipeline datos_envio asks two questions."""
    write_sub_pipelines(pipelines_dir)
    return engine.runner("envio_cliente")


def _answered(runner: Runner, *answers: str) -> str:
    """A run of `runner` started without arguments and given `answers` in turn; its id."""
    run_id = runner.start({}).run_id
    for answer in answers:
        runner.resume(run_id, answer)
    return run_id


@pytest.mark.parametrize("fuse_steps", [True, False], ids=["fused", "unfused"])
def test_undo_goes_back_through_each_question_of_a_sub_pipeline(engine: Engine, pipelines_dir: Path) -> None:
    runner = _with_a_child_that_asks(engine, pipelines_dir)
    run_id = _answered(runner, "Globex", "Calle Mayor 1", "600111222")
    assert runner.status(run_id).step == "pedir_nota"
    back = [runner.undo(run_id) for _ in range(4)]
    assert [result.step for result in back] == ["pedir_telefono", "pedir_direccion", "pedir_cliente", "pedir_cliente"]
    assert back[1].question == "¿A qué dirección enviamos lo de Globex?"
    assert back[3].message == "Todavía no hay nada que deshacer."
    undone = [e["step"] for e in events_of(engine.runs.engine, run_id) if e["command"] == "undo"]
    assert undone == ["pedir_nota", "pedir_telefono", "pedir_direccion"]


@pytest.mark.parametrize("fuse_steps", [True, False], ids=["fused", "unfused"])
def test_after_an_undo_inside_a_sub_pipeline_the_run_goes_on_with_the_new_answers(
    engine: Engine, pipelines_dir: Path
) -> None:
    runner = _with_a_child_that_asks(engine, pipelines_dir)
    run_id = _answered(runner, "Globex", "Calle Mayor 1")
    assert runner.undo(run_id).step == "pedir_direccion"
    assert runner.resume(run_id, "Calle Sol 3").step == "pedir_telefono"
    assert runner.resume(run_id, "700").step == "pedir_nota"
    assert runner.undo(run_id).step == "pedir_telefono"  # back into the sub-pipeline, at its last question
    assert runner.resume(run_id, "800").step == "pedir_nota"
    done = runner.resume(run_id, "urgente")
    assert done.status == "completed"
    assert done.output == {"cliente": "Globex", "envio": "Calle Sol 3 / 800", "nota": "urgente"}


def test_never_past_an_order_a_sub_pipeline_wrote(engine: Engine, pipelines_dir: Path) -> None:
    (pipelines_dir / "pedido_y_nota.yaml").write_text(WRITES_THEN_ASKS, encoding="utf-8")
    (pipelines_dir / "pedido_firmado.yaml").write_text(
        "name: pedido_firmado\ndescription: Un pedido con nota y firma\nsteps:\n"
        "  - {id: pedido, kind: pipeline, pipeline: pedido_y_nota}\n"
        '  - {id: firma, kind: ask, slot: firma, question: "¿Quién firma?"}\n'
        '  - {id: fin, kind: reply, message: "Firmado", end: true}\n',
        encoding="utf-8",
    )
    runner = engine.runner("pedido_firmado")
    run_id = runner.start({}).run_id
    assert runner.resume(run_id, "2").step == "nota"
    inside = runner.undo(run_id)
    assert inside.step == "nota" and "escribir" in inside.message and "ya lo ha guardado" in inside.message
    assert runner.resume(run_id, "urgente").step == "firma"
    after = runner.undo(run_id)
    assert after.step == "firma" and "pedido" in after.message and "ya lo ha guardado" in after.message
    assert runner.resume(run_id, "Ana").status == "completed"
    assert engine.registry.services.sql.count_orders() == 1


def test_a_fork_at_a_question_of_a_sub_pipeline_goes_on_inside_it(engine: Engine, pipelines_dir: Path) -> None:
    runner = _with_a_child_that_asks(engine, pipelines_dir)
    run_id = runner.start({}).run_id
    runner.resume(run_id, "Globex")
    phone = runner.resume(run_id, "Calle Mayor 1")
    history = runner.graph.get_state_history(runner.run_config(run_id, None))
    waiting = next(s for s in history if s.interrupts and s.interrupts[0].value["step"] == "pedir_telefono")
    forked = runner.fork(run_id, waiting.config["configurable"]["checkpoint_id"])
    assert forked.run_id != run_id and (forked.step, forked.question) == (phone.step, phone.question)
    assert runner.undo(forked.run_id).step == "pedir_direccion"  # the sub-pipeline's history came with it
    runner.resume(forked.run_id, "Calle Luna 5")
    runner.resume(forked.run_id, "700")
    assert runner.resume(forked.run_id, "-").output["envio"] == "Calle Luna 5 / 700"


def test_undo_through_a_sub_pipeline_inside_a_sub_pipeline(engine: Engine, pipelines_dir: Path) -> None:
    _with_a_child_that_asks(engine, pipelines_dir)
    (pipelines_dir / "envio_doble.yaml").write_text(
        "name: envio_doble\ndescription: Un envío dentro de otro\nsteps:\n"
        '  - {id: pedir_ref, kind: ask, slot: ref, question: "¿Referencia?"}\n'
        "  - {id: interno, kind: pipeline, pipeline: envio_cliente, outputs: {envio: envio}}\n"
        '  - {id: pedir_firma, kind: ask, slot: firma, question: "¿Firma?"}\n'
        '  - {id: fin, kind: reply, message: "{{ ref }}", end: true}\n'
        "outputs: [ref, envio, firma]\n",
        encoding="utf-8",
    )
    runner = engine.runner("envio_doble")
    run_id = _answered(runner, "R-1", "Globex", "Calle Mayor 1", "600", "frágil")
    assert runner.status(run_id).step == "pedir_firma"
    assert [runner.undo(run_id).step for _ in range(2)] == ["pedir_nota", "pedir_telefono"]
    assert runner.resume(run_id, "700").step == "pedir_nota"  # back into the inner one, at its last question
    assert runner.resume(run_id, "-").step == "pedir_firma"
    back = [runner.undo(run_id).step for _ in range(5)]
    assert back == ["pedir_nota", "pedir_telefono", "pedir_direccion", "pedir_cliente", "pedir_ref"]
    for answer in ["R-2", "Initech", "Calle Sol 3", "700", "-"]:
        runner.resume(run_id, answer)
    done = runner.resume(run_id, "Ana")
    assert done.status == "completed" and done.output == {"ref": "R-2", "envio": "Calle Sol 3 / 700", "firma": "Ana"}


def test_an_undo_inside_a_sub_pipeline_that_died_before_its_turn_is_finished_not_repeated(
    engine: Engine, pipelines_dir: Path
) -> None:
    runner = _with_a_child_that_asks(engine, pipelines_dir)
    run_id = _answered(runner, "Globex", "Calle Mayor 1")
    # the undo puts the sub-pipeline's earlier checkpoint back, then its process dies before the turn
    plan_undo(runner, runner.run_config(run_id, None))
    engine.paused.forget(run_id)
    again = runner.undo(run_id)  # the client sends the undo again: one undo, not two
    assert again.step == "pedir_direccion" and again.question == "¿A qué dirección enviamos lo de Globex?"
    assert runner.resume(run_id, "Calle Sol 3").step == "pedir_telefono"
    plan_undo(runner, runner.run_config(run_id, None))  # dies again; now the user writes an answer
    engine.paused.forget(run_id)
    answered = runner.resume(run_id, "Calle Luna 5")  # the undo is finished first: this answers its question
    assert answered.step == "pedir_telefono"
    # an undo whose turn ran but whose process died before the run's row was written, sent again
    before = engine.runs.get(run_id)["updated_at"]
    assert runner.undo(run_id).step == "pedir_direccion"
    with engine.runs.engine.begin() as conn:
        conn.execute(sa.update(runs_table).where(runs_table.c.run_id == run_id).values(updated_at=before))
    assert runner.undo(run_id).step == "pedir_direccion"
    assert runner.resume(run_id, "Calle Luna 5").step == "pedir_telefono"
    runner.resume(run_id, "700")
    assert runner.resume(run_id, "-").output["envio"] == "Calle Luna 5 / 700"


def test_the_transcript_shows_each_question_a_sub_pipeline_asked(engine: Engine, pipelines_dir: Path) -> None:
    runner = _with_a_child_that_asks(engine, pipelines_dir)
    run_id = _answered(runner, "Globex", "Calle Mayor 1", "600")
    turns = [entry for entry in transcript(runner, run_id, None)["entries"] if entry["type"] == "turn"]
    assert [turn["step"] for turn in turns] == ["pedir_cliente", "pedir_direccion", "pedir_telefono", "pedir_nota"]
    assert turns[2]["values"]["direccion"] == "Calle Mayor 1" and turns[2]["steps"] == ["pedir_direccion"]
    # a fork is offered where the run's checkpoint keeps the question: not at the sub-pipeline's first one
    assert [turn["checkpoint_id"] is not None for turn in turns] == [True, False, True, True]
    runner.undo(run_id)
    after = [entry["step"] for entry in transcript(runner, run_id, None)["entries"] if entry["type"] == "turn"]
    assert after == ["pedir_cliente", "pedir_direccion", "pedir_telefono", "pedir_nota", "pedir_telefono"]

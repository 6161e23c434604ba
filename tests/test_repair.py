"""Conversation repair applied through LangGraph: corrections, digressions, help, «ninguno», cancel, switches."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from graphs.compile.step_context import REPAIR_MARK
from graphs.run.engine import Engine
from pipelines.loader import parse_text
from pipelines.repair_schema import REPAIR_NODE


@pytest.fixture
def orders(engine: Engine) -> Engine:
    """The app's engine (catalog, vector memory and the shipped pipelines)."""
    return engine


def test_a_correction_is_a_jump_through_the_repair_node_and_the_new_value_is_checked(orders: Engine) -> None:
    runner = orders.runner("alta_pedido")
    waiting = runner.start({"cliente": "Initech"})
    assert waiting.step == "productos"
    corrected = runner.resume(waiting.run_id, "no, el cliente es umbrela corp")
    # The new value went through the same checks: a typo gets the customer suggestions, not the old question.
    assert corrected.status == "waiting" and corrected.step == "cliente__choose"
    assert "Umbrella Corp" in corrected.options
    status = orders.status(waiting.run_id)
    assert status.steps_done[-4:] == [REPAIR_NODE, "cliente", "cliente__resolve", "cliente__suggest"]
    assert status.state["cliente"] == "umbrela corp" and status.state["cliente_ok"] is None


def test_the_pending_question_is_asked_again_only_if_it_still_applies(orders: Engine) -> None:
    runner = orders.runner("alta_pedido")
    waiting = runner.start({"cliente": "Globex", "productos": "2 teclados, 1 grapadora"})
    assert waiting.step == "producto__choose" and "Teclado mecánico" in waiting.options
    # Removing the ambiguous line leaves nothing to choose: the run goes on to the confirmation.
    removed = runner.resume(waiting.run_id, "quita los teclados")
    assert removed.step == "confirmar"
    assert [line["product"] for line in removed.data["lines"]] == ["Grapadora"]
    # Changing another line's quantity at the confirmation asks the confirmation again with the new table.
    changed = runner.resume(waiting.run_id, "mejor 4 grapadoras")
    assert changed.step == "confirmar" and changed.data["lines"][0]["quantity"] == 4


def test_removing_every_line_asks_for_the_products_again(orders: Engine) -> None:
    runner = orders.runner("alta_pedido")
    waiting = runner.start({"cliente": "Globex", "productos": "1 grapadora"})
    assert waiting.step == "confirmar"
    emptied = runner.resume(waiting.run_id, "quita la primera línea")
    assert emptied.step == "productos" and emptied.data is None


def test_a_digression_that_asks_its_own_question_returns_to_the_interrupted_one(orders: Engine) -> None:
    runner = orders.runner("alta_pedido")
    parent = runner.start({"cliente": "Globex"})
    before = orders.status(parent.run_id).state
    asked = runner.resume(parent.run_id, "¿cuánto stock hay de teclados?")
    assert asked.pipeline == "stock" and asked.run_id != parent.run_id and asked.parent == parent.run_id
    assert asked.status == "waiting" and "Teclado mecánico" in asked.options
    back = orders.resume(asked.run_id, "el segundo")
    assert back.run_id == parent.run_id and back.status == "waiting" and back.step == "productos"
    assert "Teclado" in (back.message or "") and "unidades" in (back.message or "")
    assert orders.status(parent.run_id).state == before  # the waiting run was untouched meanwhile
    assert orders.status(asked.run_id).status == "completed"


def test_cancelling_a_digression_in_words_leaves_the_interrupted_run_waiting(orders: Engine) -> None:
    runner = orders.runner("alta_pedido")
    parent = runner.start({"cliente": "Globex"})
    asked = runner.resume(parent.run_id, "¿cuánto stock hay de teclados?")
    back = orders.resume(asked.run_id, "olvídalo")
    assert back.run_id == parent.run_id and back.status == "waiting" and back.step == "productos"
    assert orders.status(asked.run_id).status == "cancelled"


def test_a_digression_with_a_bad_argument_explains_and_keeps_the_question(orders: Engine) -> None:
    runner = orders.runner("alta_pedido")
    parent = runner.start({"cliente": "Globex"})
    back = runner.resume(parent.run_id, "¿cómo va el pedido 99999999999999999999?")
    assert back.run_id == parent.run_id and back.status == "waiting" and back.step == "productos"
    assert back.message and "demasiado grande" in back.message  # the input check of consulta_pedido, in Spanish


def test_help_explains_without_looking_anything_up_and_speaks_english_to_english(orders: Engine) -> None:
    runner = orders.runner("alta_pedido")
    waiting = runner.start({"cliente": "Globex", "productos": "2 teclados"})
    helped = runner.resume(waiting.run_id, "no entiendo")
    assert helped.status == "waiting" and helped.step == "producto__choose" and helped.options == waiting.options
    assert "opciones" in (helped.message or "") and "1–2" in (helped.message or "")
    english = runner.resume(waiting.run_id, "what should I write?")
    assert "options" in (english.message or "")
    assert orders.status(waiting.run_id).steps_done == waiting.steps_done


def test_none_of_them_asks_for_another_text_and_changes_nothing(orders: Engine) -> None:
    runner = orders.runner("alta_pedido")
    waiting = runner.start({"cliente": "Globex", "productos": "2 teclados"})
    none = runner.resume(waiting.run_id, "ninguno de esos")
    assert none.status == "waiting" and none.step == "producto__choose" and none.options == waiting.options
    assert "otra forma" in (none.message or "")
    picked = runner.resume(waiting.run_id, "teclado inalámbrico")
    assert picked.step == "confirmar" and picked.data["lines"][0]["product"] == "Teclado inalámbrico"


HELPFUL = """\
name: con_ayuda
inputs:
  color: {type: string}
repair:
  cancel: false
steps:
  - id: pedir
    kind: ask
    slot: color
    question: "¿Color?"
    help: "Escribe un color de la lista: rojo, verde o azul (ahora tienes «{{ color or 'nada' }}»)."
  - {id: fin, kind: reply, message: "Color {{ color }}", end: true}
"""


def test_declared_help_and_cancel_off(orders: Engine, tmp_path: Path) -> None:
    path = tmp_path / "con_ayuda.yaml"
    path.write_text(HELPFUL, encoding="utf-8")
    runner = orders.runner(path)
    waiting = runner.start({})
    helped = runner.resume(waiting.run_id, "ayuda")
    assert helped.message == "Escribe un color de la lista: rojo, verde o azul (ahora tienes «nada»)."
    # With cancel off, «cancela» is just the answer.
    assert runner.resume(waiting.run_id, "cancela").output == {} and runner.status(waiting.run_id).state == {
        "color": "cancela"
    }


def test_repair_fields_are_checked_with_their_position() -> None:
    text = """\
name: mal
inputs:
  a: {type: string}
questions: ["{a}", "dime {b}"]
repair:
  corrections:
    z: {goto: nada, clear: [q]}
  digressions: [mal]
steps:
  - {id: pedir, kind: ask, slot: a, question: "¿A?"}
"""
    with pytest.raises(Exception) as info:
        parse_text(text, file="mal.yaml", known_pipelines=["mal", "stock"])
    messages = [(e.line, e.message) for e in info.value.errors]  # type: ignore[attr-defined]
    assert any(line == 4 and "needs words" in m for line, m in messages)
    assert any(line == 4 and "unknown input '{b}'" in m for line, m in messages)
    assert any(line == 7 and "unknown slot 'z'" in m for line, m in messages)
    assert any(line == 7 and "unknown step 'nada'" in m for line, m in messages)
    assert any(line == 7 and "clear: unknown key 'q'" in m for line, m in messages)
    assert any(line == 8 and "digression of itself" in m for line, m in messages)


def test_the_json_schema_shows_the_repair_fields(orders: Engine) -> None:
    from pipelines.schema import PipelineConfig

    schema = PipelineConfig.model_json_schema()
    assert {"repair", "questions"} <= set(schema["properties"])
    assert {"cancel", "help", "choose", "corrections", "digressions"} <= set(
        schema["$defs"]["RepairConfig"]["properties"]
    )
    assert "help" in schema["$defs"]["AskStep"]["properties"]
    assert "lines" in schema["$defs"]["CorrectionConfig"]["properties"]


def test_abandoning_a_digression_for_another_pipeline_abandons_the_dialog_it_interrupted(client: FlaskClient) -> None:
    def say(message: str, session: str | None = None) -> dict:
        return client.post("/chat", json={"message": message, **({"session_id": session} if session else {})}).json

    start = say("!run alta_pedido cliente=Globex")
    session = start["session_id"]
    asked = say("¿cuánto stock hay de teclados?", session)
    assert asked["pipeline"] == "stock" and asked["status"] == "waiting"
    switch = say("!run ejemplo_simple nombre=Ana", session)
    assert switch["options"] == ["sí", "no"]
    assert say("sí", session)["status"] == "completed"
    assert say("!status", session)["status"] == "idle"  # neither the digression nor the order is left waiting
    for run_id in (start["run_id"], asked["run_id"]):
        status = client.get(f"/orchestrator/run_status/{run_id}", headers={"X-Chat-Session": session}).json
        assert status["status"] == "cancelled"


def test_a_turn_that_died_after_its_correction_was_written_is_finished_by_the_next_message(orders: Engine) -> None:
    runner = orders.runner("alta_pedido")
    waiting = runner.start({"cliente": "Globex", "productos": "1 teclado mecánico, 2 grapadoras"})
    lines = orders.status(waiting.run_id).state["lineas"]
    # What `jump` writes before running the graph on: the process is killed right after this line.
    config = runner.run_config(waiting.run_id, None)
    update = {"lineas": lines[1:], "__corrected__": "lineas", "__path__": [REPAIR_MARK]}
    runner.graph.update_state(config, update, as_node=REPAIR_NODE)
    orders.paused.forget(waiting.run_id)  # the process that wrote it is gone, and what it remembered with it
    half_done = orders.status(waiting.run_id)
    assert half_done.status == "waiting" and half_done.question is None and half_done.output is None
    done = runner.resume(waiting.run_id, "sí")  # the turn is finished first, then «sí» answers the confirmation
    assert done.status == "completed"
    assert {line["product"]: line["quantity"] for line in done.output["lines"]} == {"Grapadora": 2}

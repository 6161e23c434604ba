"""The composite step kinds (collect, foreach, confirm): their expansion, their errors and how they run."""

from __future__ import annotations

from typing import Any

import pytest

from errors import PipelineErrors
from graphs.run.engine import Engine
from pipelines.loader import collect_errors, parse_text
from pipelines.schema import STEP_KINDS, AskStep, PipelineConfig, SetStep, ToolStep

CUSTOMER = """\
name: cliente_solo
inputs: {cliente: {type: string}}
tools:
  clientes: {kind: resolve_customer}
  parecidos: {kind: suggest, collection: customers}
steps:
  - id: cliente
    kind: collect
    slot: cliente
    question: "¿Para qué cliente?"
    resolve: clientes
    suggest: parecidos
    save_as: cliente_ok
    several: "Hay varios para «{{ value }}»."
    suggestions: "No encuentro «{{ value }}». ¿Quisiste decir…?"
    none: "No encuentro «{{ value }}»."
  - {id: fin, kind: reply, message: "Cliente {{ cliente_ok.name }}", end: true}
outputs: {cliente: "{{ cliente_ok.name }}"}
"""

WALK = """\
name: recorrer
inputs: {numeros: {type: list}}
steps:
  - id: doblar
    kind: foreach
    items: numeros
    as: n
    steps:
      - {id: calcular, kind: set, values: {n: "{{ none if n.v == 0 else n | merge({'doble': n.v * 2}) }}"}}
  - {id: fin, kind: reply, message: "hecho", end: true}
outputs: [numeros]
"""

PENDING = """\
name: pendientes
inputs: {tareas: {type: list}}
steps:
  - id: hacer
    kind: foreach
    items: tareas
    as: tarea
    done: "tarea.hecha"
    steps:
      - id: marcar
        kind: set
        values:
          tareas: "{{ tareas + [{'nombre': 'extra', 'hecha': false}] if tarea.nombre == 'a' else tareas }}"
    update: {hecha: "{{ true }}"}
  - {id: fin, kind: reply, message: "hecho", end: true}
outputs: [tareas]
"""

CONFIRM = """\
name: confirmar_lista
inputs: {lineas: {type: list}}
tools:
  edicion: {kind: parse_edit}
  buscar: {kind: match_item}
steps:
  - id: confirmar
    kind: confirm
    question: "¿Confirmo {{ lineas | length }} líneas?"
    data: "{{ lineas }}"
    reader: edicion
    items: lineas
    find: buscar
    edits: {set_quantity: confirmar, remove: confirmar, add: confirmar}
    cancel: cancelado
  - {id: hecho, kind: reply, message: "Confirmado", end: true}
  - {id: cancelado, kind: reply, message: "Cancelado", end: true, status: cancelled}
outputs: [lineas]
"""


def test_the_json_schema_and_the_kinds_know_the_composites() -> None:
    schema = PipelineConfig.model_json_schema()
    body = schema["$defs"]["ForeachStep"]["properties"]["steps"]["items"]
    assert {"CollectStep", "ForeachStep", "ConfirmStep"} <= set(schema["$defs"]) and "ForeachStep" in str(body)
    assert {"collect", "foreach", "confirm"} <= set(STEP_KINDS)
    assert schema["$defs"]["CollectStep"]["properties"]["resolve"]["description"]


def test_a_collect_expands_into_plain_steps_entered_by_its_own_id() -> None:
    config = parse_text(CUSTOMER)
    ids = [step.id for step in config.steps]
    assert ids == ["cliente", "cliente__resolve", "cliente__suggest", "cliente__choose", "cliente__answer",
                   "cliente__save", "fin"]  # fmt: skip
    assert isinstance(config.steps[0], AskStep) and config.steps[0].slot == "cliente"
    assert isinstance(config.steps[1], ToolStep) and config.steps[1].tool == "clientes"
    assert isinstance(config.steps[3], AskStep) and config.steps[3].save_as == "cliente_answer"
    assert isinstance(config.steps[5], SetStep) and list(config.steps[5].values) == ["cliente_ok"]
    assert config.groups() == {"cliente": ids[:6]}
    assert config.steps[1].origin == ("steps", 0, "resolve") and config.steps[6].origin == ("steps", 1)
    assert config.position(("steps", 1, "tool")) == (11, 5)  # the author's `resolve:` line
    correction = config.corrections()["cliente"]
    assert correction.goto == "cliente" and correction.clear == ["cliente_ok"]


@pytest.mark.parametrize(
    ("change", "line", "path", "words"),
    [
        ("resolve: clientes", 11, "steps.0.resolve", "unknown tool 'clientez'"),
        ("suggest: parecidos", 12, "steps.0.suggest", "unknown tool 'clientez'"),
    ],
)
def test_errors_in_a_composite_point_at_the_field_the_author_wrote(
    change: str, line: int, path: str, words: str
) -> None:
    text = CUSTOMER.replace(change, change.split(":")[0] + ": clientez")
    _, problems = collect_errors(text, file="c.yaml")
    found = [p for p in problems if words in str(p)]
    assert found and found[0].line == line and found[0].path == path and str(found[0]).startswith(f"c.yaml:{line}:")


def test_a_confirm_edit_to_an_unknown_step_is_reported_at_the_confirm() -> None:
    _, problems = collect_errors(CONFIRM.replace("remove: confirmar", "remove: confirmr"), file="k.yaml")
    bad = [p for p in problems if "confirmr" in str(p)]
    assert bad and bad[0].line == 14 and bad[0].path.startswith("steps.0.edits")


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        (CUSTOMER.replace('    question: "¿Para qué cliente?"\n', ""), "needs a 'question'"),
        (WALK.replace("    steps:\n      - {id: calcular", "    pipeline: otro\n    steps:\n      - {id: calcular"),
         "exactly one of 'steps'"),
        (CONFIRM.replace("    find: buscar\n", ""), "need 'find'"),
        (PENDING.replace('done: "tarea.hecha"', 'done: "tarea.hecha and"'), "does not parse"),
        (CUSTOMER.replace("    save_as: cliente_ok\n", "    save_as: cliente_ok\n    remove: true\n"),
         "put the step in one"),
    ],
)  # fmt: skip
def test_a_malformed_composite_gets_a_clear_error(yaml_text: str, message: str) -> None:
    with pytest.raises(PipelineErrors) as info:
        parse_text(yaml_text, file="m.yaml")
    assert message in str(info.value) and str(info.value).startswith("m.yaml:")


def test_a_collect_asks_offers_suggestions_and_keeps_the_match(engine: Engine) -> None:
    runner = engine.runner(parse_text(CUSTOMER))
    asked = runner()
    assert asked.status == "waiting" and asked.question == "¿Para qué cliente?"
    typo = runner.resume(asked.run_id, "Globx", understand=False)
    assert typo.step == "cliente__choose" and "No encuentro «Globx»" in typo.question and "Globex" in typo.options
    done = runner.resume(typo.run_id, "Globex", understand=False)
    assert done.status == "completed" and done.output == {"cliente": "Globex"}
    direct = runner(cliente="Initech")
    assert direct.status == "completed" and direct.output == {"cliente": "Initech"}


def test_a_foreach_writes_results_back_by_position_and_drops_removed_items(engine: Engine) -> None:
    runner = engine.runner(parse_text(WALK))
    done = runner(numeros=[{"v": 1}, {"v": 0}, {"v": 3}, {"v": 0}, {"v": 5}])
    assert done.status == "completed"
    assert done.output == {"numeros": [{"v": 1, "doble": 2}, {"v": 3, "doble": 6}, {"v": 5, "doble": 10}]}
    assert runner(numeros=[]).output == {"numeros": []}


def test_a_foreach_with_done_takes_items_added_while_it_walks(engine: Engine) -> None:
    runner = engine.runner(parse_text(PENDING))
    tasks = [{"nombre": "a", "hecha": False}, {"nombre": "b", "hecha": True}, {"nombre": "c", "hecha": False}]
    done = runner(tareas=tasks)
    assert done.status == "completed"
    assert [(t["nombre"], t["hecha"]) for t in done.output["tareas"]] == [
        ("a", True), ("b", True), ("c", True), ("extra", True)
    ]  # fmt: skip


def _lines(*pairs: tuple[str, int]) -> list[dict[str, Any]]:
    return [{"text": text, "quantity": quantity} for text, quantity in pairs]


def test_a_confirm_applies_declared_edits_and_asks_again(engine: Engine) -> None:
    runner = engine.runner(parse_text(CONFIRM))
    asked = runner(lineas=_lines(("teclado", 1), ("ratón", 2)))
    assert (
        asked.status == "waiting"
        and asked.options == ["sí", "no"]
        and asked.data == _lines(("teclado", 1), ("ratón", 2))
    )
    changed = runner.resume(asked.run_id, "cambia el teclado a 4", understand=False)
    assert changed.status == "waiting" and changed.data[0]["quantity"] == 4
    removed = runner.resume(changed.run_id, "quita el ratón", understand=False)
    assert removed.data == _lines(("teclado", 4))
    added = runner.resume(removed.run_id, "añade 2 grapadoras", understand=False)
    assert [line["quantity"] for line in added.data] == [4, 2]
    missing = runner.resume(added.run_id, "quita la impresora", understand=False)
    assert missing.status == "waiting" and "impresora" in (missing.message or "") + (missing.question or "")
    done = runner.resume(missing.run_id, "sí", understand=False)
    assert done.status == "completed" and len(done.output["lineas"]) == 2
    cancelled = runner.resume(runner(lineas=_lines(("teclado", 1))).run_id, "no", understand=False)
    assert cancelled.status == "cancelled"


def test_a_config_built_in_python_with_composites_runs(engine: Engine) -> None:
    import yaml

    config = PipelineConfig.model_validate(yaml.safe_load(WALK))
    assert [s.id for s in config.steps][:3] == ["doblar", "doblar__next", "calcular"]
    assert engine.runner(config)(numeros=[{"v": 2}]).output == {"numeros": [{"v": 2, "doble": 4}]}

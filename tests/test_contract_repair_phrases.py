"""Every phrase ../shared/CONTRACT.md lists under «Conversation repair» is read as the command it names."""

from __future__ import annotations

from typing import Any

import pytest

from bench.command_set import repair_of
from tools.language.commands import CommandArgs, read_command

LINES = [
    {"text": "3 grapadoras", "product": "Grapadora", "quantity": 3, "sku": "GRA-01"},
    {"text": "webcam", "product": "Webcam HD", "quantity": 1, "sku": "WEB-HD-01"},
]
MONITORS = ["Monitor 24 pulgadas", "Monitor 27 pulgadas"]


def _read(message: str, options: list[str] | None = None) -> dict[str, Any]:
    corrections, digressions = repair_of("alta_pedido")
    slots = [{**c, "items": LINES if c["lines"] else []} for c in corrections]
    args = {"message": message, "question": "¿Lo confirmo?", "options": options or [], "corrections": slots}
    return read_command(CommandArgs.model_validate({**args, "digressions": digressions}))


CANCEL = ["cancela", "cancelar", "cancélalo", "anula", "déjalo", "olvídalo", "ya no lo quiero", "cancel", "stop"]
CANCEL += ["forget it", "bueno, mejor cancela todo el pedido"]
HELP = ["ayuda", "?", "¿qué tengo que poner?", "no entiendo", "help"]


@pytest.mark.parametrize("message", CANCEL)
def test_cancel(message: str) -> None:
    assert _read(message, ["sí", "no"])["command"] == "cancel"


@pytest.mark.parametrize("message", HELP)
def test_help(message: str) -> None:
    assert _read(message)["command"] == "help"


CUSTOMER = ["no, el cliente es Globex", "el cliente es Globex", "perdona, el cliente es Globex"]


@pytest.mark.parametrize("message", CUSTOMER)
def test_correct_the_customer(message: str) -> None:
    found = _read(message, ["sí", "no"])
    assert (found["command"], found["slot"], found["value"]) == ("correct", "cliente", "Globex")


@pytest.mark.parametrize(
    ("message", "edit"),
    [
        ("mejor 5 grapadoras", {"action": "set_quantity", "index": 0, "quantity": 5}),
        ("que sean 5 grapadoras", {"action": "set_quantity", "index": 0, "quantity": 5}),
        ("quita la webcam", {"action": "remove", "index": 1}),
        ("elimina la webcam", {"action": "remove", "index": 1}),
        ("sin la webcam", {"action": "remove", "index": 1}),
        ("sí, pero quita la webcam", {"action": "remove", "index": 1}),
        ("vale, pero sin la webcam", {"action": "remove", "index": 1}),
        ("quita la segunda línea", {"action": "remove", "index": 1}),
    ],
)
def test_correct_a_line(message: str, edit: dict[str, Any]) -> None:
    found = _read(message, ["sí", "no"])
    assert found["command"] == "correct" and found["slot"] == "lineas"
    assert {key: found["edit"][key] for key in edit} == edit


@pytest.mark.parametrize(
    ("message", "pipeline", "args"),
    [
        ("¿cuánto stock hay de grapadoras?", "stock", {"producto": "grapadoras"}),
        ("¿queda stock de grapadoras?", "stock", {"producto": "grapadoras"}),
        ("¿hay stock de grapadoras?", "stock", {"producto": "grapadoras"}),
        ("¿cuánto cuesta la grapadora?", "buscar_producto", {"texto": "la grapadora"}),
        ("¿cómo va el pedido 3?", "consulta_pedido", {"id": "3"}),
    ],
)
def test_digress(message: str, pipeline: str, args: dict[str, str]) -> None:
    found = _read(message)
    assert (found["command"], found["pipeline"], found["args"]) == ("digress", pipeline, args)


@pytest.mark.parametrize(
    ("message", "option"),
    [
        ("2", MONITORS[1]),
        ("el primero", MONITORS[0]),
        ("la segunda", MONITORS[1]),
        ("el último", MONITORS[1]),
        ("the second one", MONITORS[1]),
        ("el de 27", MONITORS[1]),
        ("ninguno", None),
        ("ninguna", None),
        ("ninguno de esos", None),
        ("none", None),
    ],
)
def test_choose(message: str, option: str | None) -> None:
    found = _read(message, MONITORS)
    assert (found["command"], found["option"]) == ("choose", option)


@pytest.mark.parametrize("message", ["sí", "vale", "ok", "yes"])
def test_yes_to_the_only_option(message: str) -> None:
    assert _read(message, ["Initech"])["option"] == "Initech"
    assert _read(message, MONITORS)["command"] != "choose"  # two options: a yes picks none of them

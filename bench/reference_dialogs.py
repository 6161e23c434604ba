"""Scripted order dialogs played on the hand-written reference and on the YAML pipeline: inputs, then answers."""

from __future__ import annotations

from typing import Any

DIALOGS: list[dict[str, Any]] = [
    {
        "name": "limpio",
        "inputs": {"cliente": "ACME S.A.", "productos": "3 teclado mecánico, 2 grapadoras"},
        "answers": ["sí"],
    },
    {
        "name": "frase_libre",
        "inputs": {"mensaje": "quiero 4 grapadoras para Globex"},
        "answers": ["Sí"],
    },
    {
        "name": "sugerencia_por_numero",
        "inputs": {"cliente": "Globex", "productos": "2 teclao mecanico, 1 grapadora"},
        "answers": ["1", "sí"],
    },
    {
        "name": "varios_por_numero",
        "inputs": {"cliente": "Initech", "productos": "2 teclados"},
        "answers": ["2", "1"],
    },
    {
        "name": "cliente_desconocido",
        "inputs": {"productos": "2 ratón inalámbrico"},
        "answers": ["Pepito Pérez", "Umbrela", "1", "sí"],
    },
    {
        "name": "stock_insuficiente",
        "inputs": {"cliente": "Initech", "productos": "5 impresora láser, 1 grapadora"},
        "answers": ["4", "tres", "2", "sí"],
    },
    {
        "name": "cambio_de_cantidad",
        "inputs": {"cliente": "ACME S.A.", "productos": "3 teclado mecánico, 2 grapadoras"},
        "answers": ["cambia la grapadora a 3", "sí"],
    },
    {
        "name": "cancelado",
        "inputs": {"cliente": "Umbrella Corp", "productos": "1 silla ergonómica"},
        "answers": ["cambia la silla a 2", "no"],
    },
    {
        "name": "producto_retirado",
        "inputs": {"cliente": "Stark Industries", "productos": "1 disquete, 2 zzzz, 1 webcam"},
        "answers": ["quitar", "quitar", "cambia la impresora a 2", "quizá", "sí"],
    },
    {
        "name": "sin_lineas",
        "inputs": {"cliente": "Globex", "productos": "1 módem adsl"},
        "answers": ["quitar", "0 grapadoras", "quitar", "2 webcams", "quita la webcam", "1 papel a4", "sí"],
    },
]


def turns(dialogs: list[dict[str, Any]] = DIALOGS) -> int:
    """How many turns the dialogs have in all: the start of each, then one per answer."""
    return sum(1 + len(dialog["answers"]) for dialog in dialogs)

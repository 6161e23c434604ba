"""Scripted order dialogs played on the hand-written reference and on the YAML pipeline: inputs, answers, and
how each ends (`completed` writes one order, `cancelled` none)."""

from __future__ import annotations

from typing import Any

DIALOGS: list[dict[str, Any]] = [
    {
        "name": "limpio",
        "ends": "completed",
        "inputs": {"cliente": "ACME S.A.", "productos": "3 teclado mecánico, 2 grapadoras"},
        "answers": ["sí"],
    },
    {
        "name": "frase_libre",
        "ends": "completed",
        "inputs": {"mensaje": "quiero 4 grapadoras para Globex"},
        "answers": ["Sí"],
    },
    {
        "name": "sugerencia_por_numero",
        "ends": "completed",
        "inputs": {"cliente": "Globex", "productos": "2 teclao mecanico, 1 grapadora"},
        "answers": ["1", "sí"],
    },
    {
        "name": "varios_por_numero",
        "ends": "completed",
        "inputs": {"cliente": "Initech", "productos": "2 teclados"},
        "answers": ["2", "1"],
    },
    {
        "name": "cliente_desconocido",
        "ends": "completed",
        "inputs": {"productos": "2 ratón inalámbrico"},
        "answers": ["Pepito Pérez", "Umbrela", "1", "sí"],
    },
    {
        "name": "stock_insuficiente",
        "ends": "completed",
        "inputs": {"cliente": "Initech", "productos": "5 impresora láser, 1 grapadora"},
        "answers": ["4", "tres", "2", "sí"],
    },
    {
        "name": "cambio_de_cantidad",
        "ends": "completed",
        "inputs": {"cliente": "ACME S.A.", "productos": "3 teclado mecánico, 2 grapadoras"},
        "answers": ["cambia la grapadora a 3", "sí"],
    },
    {
        "name": "cancelado",
        "ends": "cancelled",
        "inputs": {"cliente": "Umbrella Corp", "productos": "1 silla ergonómica"},
        "answers": ["cambia la silla a 2", "añade 2 grapadoras", "cambia el cliente a Globx", "1", "no"],
    },
    {
        "name": "producto_retirado",
        "ends": "completed",
        "inputs": {"cliente": "Stark Industries", "productos": "1 disquete, 2 zzzz, 1 webcam"},
        "answers": ["quitar", "quitar", "cambia la impresora a 2", "quizá", "sí"],
    },
    {
        "name": "sin_lineas",
        "ends": "completed",
        "inputs": {"cliente": "Globex", "productos": "1 módem adsl"},
        "answers": ["quitar", "0 grapadoras", "quitar", "2 webcams", "quita la webcam", "1 papel a4", "sí"],
    },
]


def turns(dialogs: list[dict[str, Any]] = DIALOGS) -> int:
    """How many turns the dialogs have in all: the start of each, then one per answer."""
    return sum(1 + len(dialog["answers"]) for dialog in dialogs)

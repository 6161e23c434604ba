"""What the hand-written order dialog says and how it reads answers: its Spanish questions and small readers."""

from __future__ import annotations

from typing import Any

import textnorm

CUSTOMER_QUESTION = "¿Para qué cliente es el pedido?"
PRODUCTS_QUESTION = "¿Qué productos quieres pedir? (p. ej. 3 teclado mecánico, 2 ratón inalámbrico)"
YES_NO = ["sí", "no"]
REMOVE_WORDS = frozenset({"quitar", "quita", "eliminar", "elimina", "borrar", "borra", "remove", "delete"})
CANCELLED = "Pedido cancelado. No se ha guardado nada."
NOT_UNDERSTOOD = (
    "No te he entendido. Responde «sí» para confirmar o «no» para cancelar, o pide un cambio: "
    "«cambia X a 4», «quita X», «añade 2 Y»."
)


def question(text: str, options: list[str] | None = None, data: Any = None) -> dict[str, Any]:
    """The payload of one question: its text, its options and the data it shows."""
    return {"question": text, "options": list(options or []), "data": data}


def customer_question(text: str, found: dict[str, Any], suggestions: list[dict[str, Any]]) -> dict[str, Any]:
    """The question asked when `text` names no single customer."""
    if found["status"] == "several":
        names = [c["name"] for c in found["candidates"]]
        return question(f"Hay varios clientes que encajan con «{text}». ¿Cuál es?", names)
    if suggestions:
        return question(f"No encuentro el cliente «{text}». ¿Quisiste decir…?", [s["text"] for s in suggestions])
    return question(f"No encuentro el cliente «{text}». Escribe su nombre completo.")


def product_question(text: str, found: dict[str, Any], suggestions: list[dict[str, Any]]) -> dict[str, Any]:
    """The question asked when a line's text names no single active product."""
    if found["status"] == "several":
        names = [p["name"] for p in found["candidates"]]
        return question(f"«{text}» puede ser varios productos. ¿Cuál quieres?", names)
    missing = f"«{text}» {'ya no está disponible' if found.get('retired') else 'no existe'} en el catálogo."
    if suggestions:
        return question(
            f"{missing} ¿Quisiste decir…? (o escribe otro nombre, o «quitar» para quitar la línea)",
            [s["text"] for s in suggestions],
        )
    return question(f"{missing} Escribe otro nombre, o «quitar» para quitar la línea.")


def stock_question(line: dict[str, Any], available: int) -> dict[str, Any]:
    """The question asked when a line's quantity cannot be served."""
    wanted, name = line.get("quantity"), line.get("product")
    if not wanted or wanted < 1:
        return question(f"¿Cuántas unidades de {name} quieres? (hay {available}; o «quitar»)")
    if available > 0:
        return question(
            f"Solo hay {available} unidades de {name} (pediste {wanted}). ¿Cuántas quieres? "
            f"Escribe un número del 1 al {available}, o «quitar»."
        )
    return question(f"No queda stock de {name}. Escribe «quitar» para quitar la línea.")


def confirm_question(quote: dict[str, Any]) -> dict[str, Any]:
    """The confirmation of a quoted order, with the quote as its data."""
    text = (
        f"Pedido para {quote['customer']}: {len(quote['lines'])} línea(s), total {quote['total']:.2f} €. "
        "¿Lo confirmo? También puedes pedir cambios: «cambia X a 4», «quita X», «añade 2 Y» o «cambia el cliente a Z»."
    )
    return question(text, YES_NO, quote)


def done_message(order: dict[str, Any]) -> str:
    """The reply once the order is written."""
    return f"Pedido {order['order_id']} registrado para {order['customer']}: total {order['total']:.2f} €."


def not_found_message(target: Any) -> str:
    """The reply when an edit names no line of the order."""
    return f"No encuentro «{target}» en el pedido."


def chosen(answer: Any, options: list[str]) -> str:
    """The answer as an option when it is an option's number or its text (case and accents aside), else as typed."""
    text = str(answer).strip()
    if options and len(text) <= 6 and text.isdecimal() and 1 <= int(text) <= len(options):
        return options[int(text) - 1]
    wanted = textnorm.fold(text)
    return next((option for option in options if textnorm.fold(option) == wanted), text)


def removes(answer: str) -> bool:
    """Whether an answer asks to drop the current line («quitar»)."""
    return textnorm.fold(answer) in REMOVE_WORDS

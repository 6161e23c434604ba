"""Reading what a salesperson says about a return: which order, which products, why (offline, no model)."""

from __future__ import annotations

import difflib
import re
from typing import Any

import textnorm

# Words naming the customer's latest order («el último», «el más reciente», «the last one»), after textnorm.words.
LAST_WORDS = frozenset({"ultimo", "ultima", "last", "latest", "reciente", "recent"})
# Words that only say "an order" and name nothing («el pedido número 3»).
ORDER_WORDS = frozenset({"pedido", "order", "numero", "number", "num", "no", "n"})
# Answers meaning every unit still returnable of every product.
ALL_WORDS = frozenset({"todo", "toda", "all", "everything", "entero", "completo", "pedido", "order", "whole"})
ALL_MARKERS = frozenset({"todo", "toda", "all", "everything", "entero", "completo", "whole"})
MAX_LABEL_LINES = 3

# The coded reasons of a return and the words that name each one.
REASONS: dict[str, frozenset[str]] = {
    "Producto defectuoso": frozenset(
        {"defectuoso", "defecto", "roto", "rota", "averiado", "estropeado", "falla", "broken", "defective", "damaged"}
    ),
    "Producto equivocado": frozenset({"equivocado", "equivocada", "error", "incorrecto", "wrong", "mistake"}),
    "Ya no lo necesita": frozenset({"necesita", "necesito", "necesitan", "sobra", "need", "needed", "arrepentido"}),
    "Llegó tarde": frozenset({"tarde", "retraso", "late", "delay", "delayed"}),
    "Otro motivo": frozenset({"otro", "otra", "other"}),
}


def order_label(order: dict[str, Any]) -> str:
    """«Pedido 3: 2 Teclado mecánico, 1 Grapadora…» — how an order is offered as an option."""
    lines = order["lines"]
    shown = ", ".join(f"{line['ordered']} {line['product']}" for line in lines[:MAX_LABEL_LINES])
    return f"Pedido {order['order_id']}: {shown}{'…' if len(lines) > MAX_LABEL_LINES else ''}"


def order_number(text: str) -> int | None:
    """The order number a text gives («3», «el pedido 3», «Pedido 3: 2 Teclado…»): its first number."""
    found = re.search(r"\d+", text or "")
    return int(found.group()) if found and len(found.group()) <= 9 else None


def wants_last(text: str) -> bool:
    """Whether the text asks for the latest order («el último», «last»)."""
    return bool(LAST_WORDS & set(textnorm.words(text or "")))


def product_words(text: str) -> list[str]:
    """The words of a text that may name products («el de los teclados» → [teclado])."""
    return [w for w in textnorm.words(text or "") if w not in ORDER_WORDS and not w.isdigit()]


def covers(name: str, wanted: list[str]) -> bool:
    """Every wanted word is a word of `name`, or the start of one (accents, case and plurals ignored)."""
    have = textnorm.words(name)
    return bool(wanted) and all(any(word == w or word.startswith(w) for word in have) for w in wanted)


def wants_everything(text: str) -> bool:
    """Whether the answer means the whole order («todo», «todo el pedido», «all»)."""
    found = set(textnorm.words(text or ""))
    return bool(found & ALL_MARKERS) and found <= ALL_WORDS


def similarity(text: str, name: str) -> float:
    """How alike a typed text and a product name are (0–1): whole texts, or the typed words against the name's."""
    typed, have = textnorm.words(text), textnorm.words(name)
    whole = difflib.SequenceMatcher(None, " ".join(typed), " ".join(have)).ratio()
    if not typed or not have:
        return whole
    per_word = [max(difflib.SequenceMatcher(None, t, h).ratio() for h in have) for t in typed]
    return max(whole, sum(per_word) / len(per_word))


def reasons_named(text: str) -> list[str]:
    """The coded reasons a text names (by their own name or a word of theirs), in declared order."""
    found = set(textnorm.words(text or ""))
    folded = textnorm.fold(text or "").strip()
    exact = [name for name in REASONS if textnorm.fold(name) == folded]
    return exact or [name for name, words in REASONS.items() if found & words]

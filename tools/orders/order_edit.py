"""Offline parser of edits typed at an order confirmation ("cambia el ratón a 4", "remove the mouse")."""

from __future__ import annotations

from typing import Literal, TypedDict

import textnorm
from lexicon import CANCEL_WORDS
from tools.language.quantity import read_quantity
from tools.orders.order_words import (
    ADD_PHRASES,
    CONFIRM_NOISE,
    CUSTOMER_WORDS,
    LEADING_NOISE,
    QUANTITY_SEPARATORS,
    REMOVE_PHRASES,
    SET_PHRASES,
    TARGET_NOISE,
    UNIT_WORDS,
    Tok,
    match_phrase,
    skip_fillers,
    span,
    tokens,
    trim_trailing,
)

__all__ = ["EditAction", "OrderEdit", "parse_edit"]

EditAction = Literal["set_quantity", "remove", "add", "set_customer", "confirm", "cancel", "unknown"]


class OrderEdit(TypedDict):
    """One edit of an order at its confirmation; unused fields are None."""

    action: EditAction
    target: str | None
    quantity: int | None
    customer: str | None


def _target(text: str, toks: list[Tok], keys: list[str], start: int, end: int) -> str | None:
    """The product an edit refers to, without articles, "la cantidad de", units or polite words."""
    end = trim_trailing(keys, start, end)
    while start < end and keys[start] in TARGET_NOISE:
        start += 1
    while end > start and (keys[end - 1] in UNIT_WORDS or keys[end - 1] in {"cantidad", "quantity"}):
        end -= 1
    return span(text, toks, start, end)


def _whole_quantity(keys: list[str], start: int, end: int) -> int | None:
    """The quantity when tokens [start, end) are only a quantity and units."""
    found = read_quantity(keys, start, articles=True, stop=end)
    if found and all(key in UNIT_WORDS for key in keys[found[1] : end]):
        return found[0]
    return None


def _edit(
    action: EditAction, target: str | None = None, quantity: int | None = None, customer: str | None = None
) -> OrderEdit:
    """Build an OrderEdit."""
    return {"action": action, "target": target, "quantity": quantity, "customer": customer}


def _set_or_add(
    text: str, toks: list[Tok], keys: list[str], start: int, end: int, action: EditAction, *, verb: bool
) -> OrderEdit:
    """Parse "<qty> <target>", "<target> a <qty>" or "a <qty> <target>" after a set/add verb (or none)."""
    if start < end and keys[start] in {"a", "to", "en"} and (found := read_quantity(keys, start + 1, stop=end)):
        return _edit(action, _target(text, toks, keys, found[1], end), found[0])
    found = read_quantity(keys, start, articles=action == "add", stop=end)
    if found and found[1] < end:
        return _edit(action, _target(text, toks, keys, found[1], end), found[0])
    for j in range(end - 1, start - 1, -1):
        glued_colon = toks[j].raw.endswith(":") and len(toks[j].raw) > 1
        if not (keys[j] in QUANTITY_SEPARATORS or toks[j].raw in {":", "="} or glued_colon):
            continue
        quantity = _whole_quantity(keys, j + 1, end) if j + 1 < end else None
        if quantity is not None:
            return _edit(action, _target(text, toks, keys, start, j + glued_colon), quantity)
        if keys[j] in {"por", "with", "by"}:
            # "cambia el ratón por un teclado" is a replacement, which no action expresses.
            return _edit("unknown", _target(text, toks, keys, start, j))
    if (quantity := _whole_quantity(keys, start, end)) is not None:
        return _edit(action if verb else "unknown", None, quantity)
    if not verb:
        return _edit("unknown", _target(text, toks, keys, start, end))
    return _edit(action, _target(text, toks, keys, start, end), 1 if action == "add" else None)


def _is_yes_no(key: str) -> bool:
    """True for one word that says yes, no or cancel on its own («sí», «vale», «no», «cancela»)."""
    return key in CANCEL_WORDS or textnorm.yes_no(key) is not None


def parse_edit(text: str) -> OrderEdit:
    """Classify a reply at the order confirmation: confirm, cancel, or an edit of a line or the customer."""
    text = text or ""
    toks = tokens(text)
    keys = [t.key for t in toks]
    start = skip_fillers(keys, 0, phrases=LEADING_NOISE)
    end = trim_trailing(keys, start, len(toks))
    words = [key for key in keys[start:end] if key]
    if not words:
        return _edit("unknown")
    answer = textnorm.yes_no(" ".join(words))  # after leading and trailing noise («y sí», «ok, gracias»)
    if answer is not None:
        return _edit("confirm" if answer == "yes" else "cancel")
    if set(words) & CANCEL_WORDS and all(key in CANCEL_WORDS or key in CONFIRM_NOISE for key in words):
        return _edit("cancel")  # «cancelar», «cancela el pedido»: a command, not a plain «no»
    if all(_is_yes_no(key) or key in CONFIRM_NOISE for key in words):
        return _edit("unknown")  # «vale, cancela»: a yes and a cancel at once
    # "sí, pero quita el teclado", "no, mejor 3 ratones": the edit follows the yes/no.
    while (
        start < end - 1
        and (_is_yes_no(keys[start]) or keys[start] in {"pero", "but", "mejor", "instead", ""})
        and not match_phrase(keys, start, REMOVE_PHRASES)
    ):
        start += 1
    for i in range(start, end):
        if keys[i] in CUSTOMER_WORDS and all(
            key in TARGET_NOISE or match_phrase([key], 0, SET_PHRASES) for key in keys[start:i]
        ):
            begin = i + 1
            while begin < end and keys[begin] in {"a", "to", "es", "is", "sea", "por", "now", "ahora", ""}:
                begin += 1
            return _edit("set_customer", customer=span(text, toks, begin, end))
    if size := match_phrase(keys[:end], start, REMOVE_PHRASES):
        body = start + size
        found = read_quantity(keys, body, stop=end)
        if found and found[1] < end:
            return _edit("remove", _target(text, toks, keys, found[1], end), found[0])
        return _edit("remove", _target(text, toks, keys, body, end))
    for phrases, action in ((ADD_PHRASES, "add"), (SET_PHRASES, "set_quantity")):
        if size := match_phrase(keys[:end], start, phrases):
            body = start + size
            while action == "add" and (more := match_phrase(keys[:end], body, ADD_PHRASES)):
                body += more  # «añade también 3 X»: «también» belongs to the verb, not to the product
            return _set_or_add(text, toks, keys, body, end, action, verb=True)  # type: ignore[arg-type]
    return _set_or_add(text, toks, keys, start, end, "set_quantity", verb=False)

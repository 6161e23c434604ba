"""Entity swapping: an example sentence with its customer, products and quantities replaced by others of the
catalog, so the model learns the sentence's shape rather than the names an author happened to write."""

from __future__ import annotations

from typing import TYPE_CHECKING

import textnorm
from lexicon import UNITS
from tools.language.quantity import number_at
from tools.orders.order_words import tokens

if TYPE_CHECKING:
    from tools.language.reader.fills import Filler
    from tools.language.reader.gazetteer import Gazetteer

__all__ = ["swap_entities"]

_CONNECTORS = frozenset({"de", "del", "con", "sin", "para"})


def _customer_span(keys: list[str], gazetteer: Gazetteer) -> tuple[int, int] | None:
    """Token span [start, end) of a known customer's name (whole or without its legal form)."""
    best: tuple[int, int] | None = None
    for name in gazetteer.customers:
        form = textnorm.fold(name).replace(".", "").split()
        for size in range(len(form), 0, -1):
            part = form[:size]
            if len("".join(part)) < 4:
                break
            for start in range(len(keys) - size + 1):
                if [k.replace(".", "") for k in keys[start : start + size]] == part:
                    if best is None or size > best[1] - best[0]:
                        best = (start, start + size)
                    break
    return best


def swap_entities(text: str, gazetteer: Gazetteer, filler: Filler) -> str:
    """`text` with its customer, its product mentions and its quantities replaced by random ones of the catalog."""
    toks = tokens(text)
    keys = [t.key for t in toks]
    replace: dict[int, tuple[int, str]] = {}  # start token -> (end token, new text)
    if span := _customer_span(keys, gazetteer):
        replace[span[0]] = (span[1], filler.rng.choice(filler.customers))
    at = 0
    while at < len(keys):
        if at in replace:
            at = replace[at][0]
            continue
        found = number_at(keys, at, articles=False)
        if found:
            new = str(filler.number()) if filler.rng.random() < 0.7 else filler.number_words()
            replace[at] = (found[1], new)
            at = found[1]
            continue
        if keys[at].isalpha() and gazetteer.names_product(keys[at]):
            end = at + 1
            while end < len(keys) and end not in replace and _continues(keys[end], gazetteer):
                end += 1
            while end - 1 > at and keys[end - 1] in _CONNECTORS:
                end -= 1
            replace[at] = (end, filler.product_text(filler.rng.choice(filler.products)))
            at = end
            continue
        at += 1
    if not replace:
        return text
    out, at = [], 0
    while at < len(toks):
        if at in replace:
            end, new = replace[at]
            out.append(new)
            at = end
        else:
            out.append(toks[at].raw)
            at += 1
    return " ".join(out)


def _continues(key: str, gazetteer: Gazetteer) -> bool:
    """Whether a token still belongs to the product name before it («monitor de 27 pulgadas»)."""
    return key in _CONNECTORS or key.isdigit() or key in UNITS or gazetteer.names_product(key)

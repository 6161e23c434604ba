"""Offline, deterministic parsers for order text in Spanish and English: lines, requests, edits, quantities."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TypedDict

import textnorm
from lexicon import UNITS
from tools.catalog.customer_text import find_customer
from tools.language.quantity import GLUED, TIMES, UNKNOWN_QUANTITY, inexact_number, number_at, read_quantity
from tools.orders.order_edit import EditAction, OrderEdit, parse_edit
from tools.orders.order_words import (
    MARKERS,
    STRONG_CUSTOMER_MARKERS,
    UNIT_WORDS,
    WEAK_CUSTOMER_MARKERS,
    Tok,
    match_phrase,
    skip_fillers,
    span,
    tokens,
    trim_trailing,
)

__all__ = [
    "EditAction",
    "OrderEdit",
    "OrderLine",
    "OrderRequest",
    "parse_edit",
    "parse_order_lines",
    "parse_order_request",
]


class OrderLine(TypedDict):
    """One requested line: the product as typed and how many."""

    text: str
    quantity: int


class OrderRequest(TypedDict):
    """What a free-text order request already says."""

    customer: str | None
    products: str | None


Known = Callable[[str], bool]  # whether a folded word names a catalog product
_JOINERS = frozenset({"de", "del", "con", "of", "with"})
_SPLIT = re.compile(r"[;\n\r]+|(?<!\d),|,(?!\d)")
_TENS = {"treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta", "noventa"}


def _starts_line(keys: list[str], at: int) -> bool:
    """Whether a new order line plausibly starts at `at` (a quantity or a definite article)."""
    if at >= len(keys):
        return False
    if keys[at] in {"el", "la", "los", "las", "the"}:
        return True
    return read_quantity(keys, skip_fillers(keys, at), articles=True) is not None


def _segments(text: str) -> list[str]:
    """Split a list of lines on separators and on conjunctions that start a new line."""
    result: list[str] = []
    for part in _SPLIT.split(text):
        toks = tokens(part)
        keys = [t.key for t in toks]
        cut = 0
        for j in range(1, len(toks) - 1):
            key = keys[j]
            if key == "e" or (
                key in {"y", "and"}
                and _starts_line(keys, j + 1)
                and not (keys[j - 1] in _TENS and number_at(keys, j + 1, articles=False) is not None)
            ):
                result.append(part[toks[cut].start : toks[j].start] if j > cut else "")
                cut = j + 1
        if cut < len(toks):
            result.append(part[toks[cut].start :])
    return [segment for segment in result if segment.strip()]


def _trailing_quantity(toks: list[Tok], keys: list[str], start: int, end: int) -> tuple[int, int] | None:
    """A quantity written after the product ("papel x 3", "ratón (2)", "grapadora 3 uds"): (value, new end)."""
    if end - start < 2:
        return None
    last, raw_last = keys[end - 1], toks[end - 1].raw.strip()
    if TIMES.fullmatch(last) or inexact_number(last):
        return (number_at(keys, end - 1, articles=False) or (UNKNOWN_QUANTITY, 0))[0], end - 1
    if raw_last.startswith("(") and raw_last.endswith(")") and last.isdigit():
        return (number_at(keys, end - 1, articles=False) or (UNKNOWN_QUANTITY, 0))[0], end - 1
    if GLUED.fullmatch(last):
        value = (number_at(keys, end - 1, articles=False) or (UNKNOWN_QUANTITY, 0))[0]
        return value, end - 1 - (keys[end - 2] in {"x", "×", "*"} and end - 2 > start)
    if last in UNIT_WORDS and last not in {"x", "×", "*"} and end - start >= 3:
        found = number_at(keys, end - 2, articles=False)
        if found and found[1] == end - 1:
            new_end = end - 2
            return found[0], new_end - (keys[new_end - 1] in {"x", "×", "*"} and new_end - 1 > start)
    found = number_at(keys, end - 1, articles=False)
    if found and found[1] == end:
        before = toks[end - 2].raw.strip()
        if before in MARKERS or keys[end - 2] in {"cantidad", "qty", "quantity"}:
            return found[0], end - 2
        if before.endswith(":"):
            return found[0], end - 1
    return None


def _parse_line(segment: str, known: Known | None = None) -> OrderLine | None:
    """One segment → one order line, or None when it names no product."""
    toks = tokens(segment)
    keys = [t.key for t in toks]
    start = skip_fillers(keys, 0)
    end = trim_trailing(keys, start, len(toks))
    if known is not None:
        start, end = catalog_span(keys, start, end, known)
    quantity: int | None = None
    found = read_quantity(keys, start, articles=True, stop=end)
    if found and found[1] < end:
        quantity, start = found
        while start < end and keys[start] in UNIT_WORDS:
            start += 1
        start = skip_fillers(keys, start)
    elif trailing := _trailing_quantity(toks, keys, start, end):
        quantity, end = trailing
    product = span(segment, toks, start, end)
    if product is None:
        return None
    return {"text": product, "quantity": 1 if quantity is None else quantity}


def parse_order_lines(text: str, known: Known | None = None) -> list[OrderLine]:
    """Parse "3 teclado mecánico, 2 ratón y una grapadora" into lines; a missing quantity means 1. With `known`
    (whether a word names a catalog product), words around the lines are left out («bueno, devuelven 1 teclado
    mecánico, gracias» → 1 teclado mecánico)."""
    segments = _segments(text or "")
    if known is not None:
        naming = [segment for segment in segments if _names_catalog(segment, known)]
        # «bueno, 2 grapadoras, gracias»: once a segment names the catalog, the ones naming nothing and giving no
        # quantity are talk around the lines; «unicornio dorado» alone is still looked up (and not found).
        if naming:
            segments = [s for s in segments if s in naming or any(read_quantity(_keys(s), i) for i in range(2))]
    lines = [_parse_line(segment, known) for segment in segments]
    return [line for line in lines if line is not None]


def _keys(text: str) -> list[str]:
    return [t.key for t in tokens(text)]


def _names_catalog(text: str, known: Known) -> bool:
    return any(_word(key) and known(key) for key in _keys(text))


def _word(key: str) -> bool:
    """A token with a letter in it («a4», «hdmi»), not a number or a sign."""
    return any(char.isalpha() for char in key)


def catalog_span(keys: list[str], start: int, end: int, known: Known) -> tuple[int, int]:
    """[start, end) narrowed to what names products: from the first quantity or catalog word to the last catalog
    word, number or unit (unchanged when it names no catalog word: «unicornio dorado» is looked up as typed)."""
    names = [at for at in range(start, end) if _word(keys[at]) and known(keys[at])]
    if not names:
        return start, end
    first = next((at for at in range(start, names[0]) if read_quantity(keys, at, articles=True, stop=end)), names[0])
    last = names[-1] + 1
    while last < end and (
        _measure(keys[last]) or (keys[last] in _JOINERS and last + 1 < end and _measure(keys[last + 1]))
    ):
        last += 1  # «monitores de 27», «cable hdmi 2 m»
    return first, last


def _measure(key: str) -> bool:
    return key.isdigit() or key in UNITS or key in UNIT_WORDS


def _customer_marker(toks: list[Tok], customers: Iterable[str]) -> tuple[int, int] | None:
    """(start, end) of the phrase that introduces the customer: the last strong one, else the last weak one."""
    keys = [t.key for t in toks]
    known = {textnorm.fold(name).split()[0] for name in customers if textnorm.fold(name).split()}
    strong: tuple[int, int] | None = None
    weak: tuple[int, int] | None = None
    i = 0
    while i < len(toks):
        if size := match_phrase(keys, i, STRONG_CUSTOMER_MARKERS):
            strong = (i, i + size)
            i += size
            continue
        if (size := match_phrase(keys, i, WEAK_CUSTOMER_MARKERS)) and i + size < len(toks):
            following = toks[i + size]
            # Without a customer list, capitalisation is the only hint that separates "para Initech" from
            # product names such as "Funda para portátil".
            if following.raw[:1].isupper() or following.key in known:
                weak = (i, i + size)
        i += 1
    return strong or weak


def _customer_end(toks: list[Tok], keys: list[str], start: int) -> int:
    """Where the customer name that starts at `start` ends (before "de 3 …", after a comma)."""
    for j in range(start, len(toks)):
        if (
            j > start
            and keys[j] in {"de", "con", "with", "of", "y", "and"}
            and read_quantity(keys, j + 1, articles=False)
        ):
            return j
        if j > start and keys[j].isdigit():
            return j
        if toks[j].raw.rstrip().endswith((",", ":", ";")):
            return j + 1
    return len(toks)


def parse_order_request(text: str, customers: Iterable[str] = (), names_product: Known | None = None) -> OrderRequest:
    """Split "quiero pedir 2 sillas para Initech" into customer and product text (None when absent).

    A known customer (one of `customers`) is found anywhere, in any case, and given by its catalog name;
    otherwise the words after a customer marker («para Initech», «cliente X») are taken as typed."""
    text = text or ""
    toks = tokens(text)
    keys = [t.key for t in toks]
    customer: str | None = None
    pieces: list[tuple[int, int]] = [(0, len(toks))]
    known = tuple(customers)
    if mention := find_customer(toks, known):
        customer = mention.name
        pieces = [(0, mention.start), (mention.end, len(toks))]
    elif marker := _customer_marker(toks, known):
        begin = marker[1]
        while begin < len(toks) and keys[begin] in {"es", "is", "sea"}:
            begin += 1
        stop = _customer_end(toks, keys, begin)
        customer = span(text, toks, begin, trim_trailing(keys, begin, stop))
        rest = stop + (stop < len(toks) and keys[stop] in {"de", "con", "with", "of", "y", "and"})
        pieces = [(0, marker[0]), (rest, len(toks))]
    products: list[str] = []
    for start, end in pieces:
        start = skip_fillers(keys, start, stop=end)
        end = trim_trailing(keys, start, end)
        if names_product is not None:
            if not any(_word(keys[at]) and names_product(keys[at]) for at in range(start, end)):
                continue  # «initech necesita»: a piece that names no product is no product
            start, end = catalog_span(keys, start, end, names_product)
        if piece := span(text, toks, start, end):
            products.append(piece)
    return {"customer": customer, "products": ", ".join(products) or None}

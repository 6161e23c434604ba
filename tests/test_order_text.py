"""Offline order parsers: order lines, free-text requests, confirmation edits and quantities (es + en)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.language.quantity import quantity_in as parse_quantity
from tools.orders.order_text import parse_edit, parse_order_lines, parse_order_request

LINES = [
    ("3 teclado mecánico, 2 ratón", [("teclado mecánico", 3), ("ratón", 2)]),
    ("quiero 3 teclados", [("teclados", 3)]),
    ("3 uds. de papel A4 500 hojas", [("papel A4 500 hojas", 3)]),
    ("papel x 3", [("papel", 3)]),
    ("2x grapadora", [("grapadora", 2)]),
    ("2 x grapadora", [("grapadora", 2)]),
    ("x3 ratón óptico USB", [("ratón óptico USB", 3)]),
    ("4 monitor 27 pulgadas", [("monitor 27 pulgadas", 4)]),
    ("2 cable hdmi 2 m", [("cable hdmi 2 m", 2)]),
    ("Cable HDMI 2 m", [("Cable HDMI 2 m", 1)]),
    ("Papel A4 500 hojas", [("Papel A4 500 hojas", 1)]),
    ("Portátil 14 pulgadas", [("Portátil 14 pulgadas", 1)]),
    ("1 portátil 14 pulgadas y 2 monitor 24 pulgadas", [("portátil 14 pulgadas", 1), ("monitor 24 pulgadas", 2)]),
    ("Monitor 27 pulgadas x 2", [("Monitor 27 pulgadas", 2)]),
    ("una docena de bolígrafos azules", [("bolígrafos azules", 12)]),
    ("media docena de grapadoras", [("grapadoras", 6)]),
    ("dos docenas de bolígrafos", [("bolígrafos", 24)]),
    ("un par de ratones", [("ratones", 2)]),
    ("una webcam hd", [("webcam hd", 1)]),
    ("doce bolígrafos y once grapadoras", [("bolígrafos", 12), ("grapadoras", 11)]),
    ("treinta y dos sillas", [("sillas", 32)]),
    ("veintidós sillas", [("sillas", 22)]),
    ("3 teclados y 2 ratones", [("teclados", 3), ("ratones", 2)]),
    ("un teclado y un ratón", [("teclado", 1), ("ratón", 1)]),
    ("2 ratones e impresora láser", [("ratones", 2), ("impresora láser", 1)]),
    ("2 kit teclado y ratón", [("kit teclado y ratón", 2)]),
    ("3 Tyy, 2 yyy", [("Tyy", 3), ("yyy", 2)]),
    ("teclado; ratón\nwebcam", [("teclado", 1), ("ratón", 1), ("webcam", 1)]),
    ("quiero hacer un pedido de 3 teclados y un ratón", [("teclados", 3), ("ratón", 1)]),
    ("grapadora 3 uds", [("grapadora", 3)]),
    ("grapadora 3 unidades", [("grapadora", 3)]),
    ("ratón (2)", [("ratón", 2)]),
    ("teclado: 3", [("teclado", 3)]),
    ("3 teclados, por favor", [("teclados", 3)]),
    ("10 bolígrafos azules, 2 paraguas", [("bolígrafos azules", 10), ("paraguas", 2)]),
    ("5 impresora laser", [("impresora laser", 5)]),
    ("one keyboard\ntwo mice; three webcams", [("keyboard", 1), ("mice", 2), ("webcams", 3)]),
    ("a dozen pens and two mice", [("pens", 12), ("mice", 2)]),
    ("I want 3 keyboards and a mouse", [("keyboards", 3), ("mouse", 1)]),
    ("twelve staplers, 4 pcs webcam", [("staplers", 12), ("webcam", 4)]),
    ("half a dozen chairs", [("chairs", 6)]),
    ("twenty-one chairs", [("chairs", 21)]),
    ("0 teclados", [("teclados", 0)]),
    ("", []),
    ("y", []),
    ("hola, 2 ratones", [("ratones", 2)]),
]


@pytest.mark.parametrize(("text", "expected"), LINES)
def test_parse_order_lines(text: str, expected: list[tuple[str, int]]) -> None:
    """Each text gives exactly these (product text, quantity) lines."""
    assert [(line["text"], line["quantity"]) for line in parse_order_lines(text)] == expected


REQUESTS = [
    ("quiero pedir 2 sillas ergonómicas para Initech", "Initech", "2 sillas ergonómicas"),
    ("pedido de 3 teclados para ACME", "ACME", "3 teclados"),
    ("I want 3 keyboards for Globex", "Globex", "3 keyboards"),
    ("quiero 3 teclados para ACME", "ACME", "3 teclados"),
    ("quiero 3 teclados para ACME S.A. por favor", "ACME S.A.", "3 teclados"),
    ("pedido para Globex.", "Globex", None),
    ("quiero hacer un pedido", None, None),
    ("quiero hacer un pedido para Umbrella Corp", "Umbrella Corp", None),
    ("pedido para ACME de 3 teclados", "ACME", "3 teclados"),
    ("2 fundas para portátil para ACME", "ACME", "2 fundas para portátil"),
    ("2 fundas para portátil", None, "2 fundas para portátil"),
    ("cliente Stark Industries: 3 ratones", "Stark Industries", "3 ratones"),
    ("quiero 3 teclados para el cliente acme", "acme", "3 teclados"),
    ("I want to place an order for Globex", "Globex", None),
    ("3 ratones y 2 teclados", None, "3 ratones y 2 teclados"),
]


@pytest.mark.parametrize(("text", "customer", "products"), REQUESTS)
def test_parse_order_request(text: str, customer: str | None, products: str | None) -> None:
    """Customer and products are split out of free text; absent parts are None."""
    assert parse_order_request(text) == {"customer": customer, "products": products}


def test_parse_order_request_uses_known_customers_for_lower_case_names() -> None:
    """Without a list, "para acme" may be a product ("Funda para portátil"); with one it is the customer."""
    assert parse_order_request("quiero 3 teclados para acme")["customer"] is None
    found = parse_order_request("quiero 3 teclados para acme", ["ACME S.A.", "Globex"])
    assert found == {"customer": "ACME S.A.", "products": "3 teclados"}


INEXACT_LINES = [
    ("99999999999 grapadoras", [("grapadoras", 0)]),
    ("-3 grapadoras", [("grapadoras", 0)]),
    ("2.5 grapadoras", [("grapadoras", 0)]),
    ("2,5 grapadoras", [("grapadoras", 0)]),
    ("1e9 grapadoras", [("grapadoras", 0)]),
    ("1.000 bolígrafos", [("bolígrafos", 0)]),
    ("dos y medio teclados", [("teclados", 0)]),
    ("99999999 docenas de bolígrafos", [("bolígrafos", 0)]),
    ("grapadora x99999999999", [("grapadora", 0)]),
    ("grapadora -5", [("grapadora", 0)]),
    ("ratón (99999999999)", [("ratón", 0)]),
    ("99999999999uds de papel", [("papel", 0)]),
    ("3 grapadoras y 99999999999 ratones", [("grapadoras", 3), ("ratones", 0)]),
    ("999999999 grapadoras", [("grapadoras", 999999999)]),
    ("2 portaminas 0,5 mm", [("portaminas 0,5 mm", 2)]),
]


@pytest.mark.parametrize(("text", "expected"), INEXACT_LINES)
def test_a_number_that_cannot_be_read_exactly_becomes_an_unknown_quantity(
    text: str, expected: list[tuple[str, int]]
) -> None:
    """Huge, negative, decimal and exponent numbers are never replaced by another count: quantity 0 is asked."""
    assert [(line["text"], line["quantity"]) for line in parse_order_lines(text)] == expected


EDITS = [
    ("cambia el ratón inalámbrico a 4", "set_quantity", "ratón inalámbrico", 4, None),
    ("pon 5 teclados", "set_quantity", "teclados", 5, None),
    ("quita el teclado", "remove", "teclado", None, None),
    ("quita el teclado mecánico", "remove", "teclado mecánico", None, None),
    ("elimina la grapadora", "remove", "grapadora", None, None),
    ("añade 2 monitores de 27", "add", "monitores de 27", 2, None),
    ("agrega una webcam", "add", "webcam", 1, None),
    ("cambia el cliente a Globex", "set_customer", None, None, "Globex"),
    ("change the mouse to 4", "set_quantity", "mouse", 4, None),
    ("remove the mouse", "remove", "mouse", None, None),
    ("add 2 webcams", "add", "webcams", 2, None),
    ("change customer to Globex", "set_customer", None, None, "Globex"),
    ("sí", "confirm", None, None, None),
    ("si", "confirm", None, None, None),
    ("Sí.", "confirm", None, None, None),
    ("yes", "confirm", None, None, None),
    ("confirmar", "confirm", None, None, None),
    ("ok", "confirm", None, None, None),
    ("OK!", "confirm", None, None, None),
    ("vale", "confirm", None, None, None),
    ("de acuerdo", "confirm", None, None, None),
    ("sí, confirmar", "confirm", None, None, None),
    ("confirma el pedido, por favor", "confirm", None, None, None),
    ("no", "cancel", None, None, None),
    ("cancelar", "cancel", None, None, None),
    ("cancel", "cancel", None, None, None),
    ("no, gracias", "cancel", None, None, None),
    ("cancela el pedido", "cancel", None, None, None),
    ("vale, cancela", "unknown", None, None, None),
    ("cambia la cantidad del ratón a 3", "set_quantity", "ratón", 3, None),
    ("cambia el monitor de 27 a 2", "set_quantity", "monitor de 27", 2, None),
    ("cambia el papel A4 a 3", "set_quantity", "papel A4", 3, None),
    ("cambia el ratón a cuatro unidades", "set_quantity", "ratón", 4, None),
    ("cambia a 4 el ratón", "set_quantity", "ratón", 4, None),
    ("pon el teclado a 5", "set_quantity", "teclado", 5, None),
    ("quiero 4 ratones", "set_quantity", "ratones", 4, None),
    ("ratón inalámbrico a 4", "set_quantity", "ratón inalámbrico", 4, None),
    ("ratón: 4", "set_quantity", "ratón", 4, None),
    ("4 ratones", "set_quantity", "ratones", 4, None),
    ("déjalo en 3", "set_quantity", None, 3, None),
    ("cámbialo a una docena", "set_quantity", None, 12, None),
    ("cambia el ratón por un teclado", "unknown", "ratón", None, None),
    ("no quiero el teclado", "remove", "teclado", None, None),
    ("ya no quiero la grapadora", "remove", "grapadora", None, None),
    ("sin la webcam", "remove", "webcam", None, None),
    ("quitar", "remove", None, None, None),
    ("quita 2 teclados", "remove", "teclados", 2, None),
    ("¿puedes quitar el ratón?", "remove", "ratón", None, None),
    ("sí, pero quita el teclado", "remove", "teclado", None, None),
    ("y también una webcam", "add", "webcam", 1, None),
    ("añade otro teclado", "add", "teclado", 1, None),
    ("añade una docena de bolígrafos azules", "add", "bolígrafos azules", 12, None),
    ("el cliente es Umbrella Corp", "set_customer", None, None, "Umbrella Corp"),
    ("cliente: Stark Industries", "set_customer", None, None, "Stark Industries"),
    ("make it 5", "set_quantity", None, 5, None),
    ("set keyboards to 3", "set_quantity", "keyboards", 3, None),
    ("change the keyboard quantity to 3", "set_quantity", "keyboard", 3, None),
    ("delete the stapler", "remove", "stapler", None, None),
    ("add a webcam", "add", "webcam", 1, None),
    ("add two dozen pens", "add", "pens", 24, None),
    ("change the customer to Stark Industries", "set_customer", None, None, "Stark Industries"),
    ("4", "unknown", None, 4, None),
    ("teclado", "unknown", "teclado", None, None),
    ("", "unknown", None, None, None),
]


@pytest.mark.parametrize(("text", "action", "target", "quantity", "customer"), EDITS)
def test_parse_edit(text: str, action: str, target: str | None, quantity: int | None, customer: str | None) -> None:
    """Each reply at the confirmation is classified with exactly these fields."""
    assert parse_edit(text) == {"action": action, "target": target, "quantity": quantity, "customer": customer}


def test_there_are_many_edit_cases() -> None:
    """The edit parser is held to a broad table, not a handful of examples."""
    assert len(EDITS) >= 40


QUANTITIES = [
    ("4", 4),
    ("cuatro", 4),
    ("una docena", 12),
    ("media docena", 6),
    ("2 docenas", 24),
    ("a dozen", 12),
    ("half a dozen", 6),
    ("x3", 3),
    ("3 uds.", 3),
    ("dame 4", 4),
    ("pon un 4", 4),
    ("un par", 2),
    ("twelve", 12),
    ("ninguno", 0),
    ("nada", None),
    ("", None),
    ("-3", None),
    ("9" * 5000, None),
    ("99999999999", None),
    ("99999999999 unidades", None),
    ("2.5", None),
    ("2,5", None),
    ("1e9", None),
    ("dos y medio", None),
    ("x99999999999", None),
    ("0", 0),
    ("999999999", 999999999),
]


@pytest.mark.parametrize(("text", "expected"), QUANTITIES)
def test_parse_quantity(text: str, expected: int | None) -> None:
    """Digits win over words; text with no quantity (or an absurd digit run) gives None."""
    assert parse_quantity(text) == expected


CATALOG = [
    "Teclado mecánico",
    "Ratón inalámbrico",
    "Monitor 27 pulgadas",
    "Cable HDMI 2 m",
    "Papel A4 500 hojas",
    "Portátil 14 pulgadas",
    "Webcam HD",
    "Impresora láser",
    "Bolígrafo azul",
    "Grapadora",
]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 999), st.sampled_from(CATALOG)), min_size=1, max_size=6),
    st.sampled_from([", ", "; ", "\n", " y ", " and "]),
)
def test_generated_lists_round_trip(lines: list[tuple[int, str]], separator: str) -> None:
    """Any "N product" list of catalog names, joined by any separator, parses back to itself."""
    text = separator.join(f"{quantity} {name}" for quantity, name in lines)
    assert [(line["quantity"], line["text"]) for line in parse_order_lines(text)] == lines


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_parsers_never_raise_and_stay_well_typed(text: str) -> None:
    """Hostile text never raises; every result keeps its documented shape."""
    for line in parse_order_lines(text):
        assert line["text"].strip() and isinstance(line["quantity"], int) and line["quantity"] >= 0
    request = parse_order_request(text)
    assert set(request) == {"customer", "products"}
    edit = parse_edit(text)
    assert edit["action"] in {"set_quantity", "remove", "add", "set_customer", "confirm", "cancel", "unknown"}
    quantity = parse_quantity(text)
    assert quantity is None or quantity >= 0
    assert parse_edit(text) == edit  # deterministic

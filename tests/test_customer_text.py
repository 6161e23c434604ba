"""A known customer is found anywhere in a free-text order request, in any case, legal form optional."""

from __future__ import annotations

import pytest

from tools.catalog.demo_data import demo_customers
from tools.catalog.sql import SqlService
from tools.language.llm_tools import llm_toolset
from tools.orders.order_text import parse_order_request
from tools.registry import Services, ToolRegistry

CUSTOMERS = [customer["name"] for customer in demo_customers()]

ANYWHERE = [
    ("quiero pedir 2 grapadoras para globex", "Globex", "2 grapadoras"),
    ("Para Initech: 3 bolígrafos azules", "Initech", "3 bolígrafos azules"),
    ("para umbrella corp quiero 3 grapadoras", "Umbrella Corp", "3 grapadoras"),
    ("I'd like 2 headsets for Globex", "Globex", "2 headsets"),
    ("I want to order 3 keyboards for ACME", "ACME S.A.", "3 keyboards"),
    ("3 grapadoras para UMBRELLA", "Umbrella Corp", "3 grapadoras"),
    ("el cliente es globex, 3 teclados", "Globex", "3 teclados"),
    ("pedido para acme s.a. de 3 teclados", "ACME S.A.", "3 teclados"),
    ("3 grapadoras globex", "Globex", "3 grapadoras"),
    ("2 fundas para portátil para acme", "ACME S.A.", "2 fundas para portátil"),
    ("nuevo pedido para el hotel mirador del puerto: 2 sillas", "Hotel Mirador del Puerto", "2 sillas"),
    ("quiero 3 teclados para stark industries por favor", "Stark Industries", "3 teclados"),
    ("Initech quiere 2 webcams", "Initech", "quiere 2 webcams"),
    ("nuevo pedido para Umbrella Corp", "Umbrella Corp", None),
    ("pedido para gestoría lópez y asociados: 4 grapadoras", "Gestoría López y Asociados", "4 grapadoras"),
]


@pytest.mark.parametrize(("text", "customer", "products"), ANYWHERE)
def test_known_customer_anywhere(text: str, customer: str, products: str | None) -> None:
    """The catalog name comes out, and neither the name nor its marker stays in the product text."""
    assert parse_order_request(text, CUSTOMERS) == {"customer": customer, "products": products}


def test_unknown_customer_after_a_marker_is_kept_as_typed() -> None:
    """A name the catalog does not know is still split out after «para» / «cliente», as typed."""
    found = parse_order_request("quiero 3 teclados para Pepito Pérez", CUSTOMERS)
    assert found == {"customer": "Pepito Pérez", "products": "3 teclados"}


def test_the_customer_introduced_by_a_marker_wins() -> None:
    """Two known names: the one after «para» is the customer, the other stays in the text."""
    found = parse_order_request("3 grapadoras como las de Globex para Initech", CUSTOMERS)
    assert found["customer"] == "Initech"


def test_a_short_form_shared_by_two_customers_is_not_guessed() -> None:
    """«acme» names two customers: the typed text is kept, so the look-up asks which one."""
    found = parse_order_request("3 teclados para acme", ["ACME S.A.", "ACME S.L."])
    assert found == {"customer": "acme", "products": "3 teclados"}
    assert parse_order_request("3 teclados para acme s.l.", ["ACME S.A.", "ACME S.L."])["customer"] == "ACME S.L."


def test_no_customer_list_keeps_the_marker_rules() -> None:
    """Without known customers, a capitalised name after «para» is still the customer."""
    assert parse_order_request("quiero 3 teclados para Globex") == {"customer": "Globex", "products": "3 teclados"}


def test_the_tool_reads_the_customers_from_the_catalog(demo_sql: SqlService) -> None:
    """The `parse_order_request` tool kind uses the SQL service's customers when the step names none."""
    registry = ToolRegistry(Services(sql=demo_sql), [llm_toolset])
    found = registry.call("parse_order_request", {}, {"text": "para umbrella corp quiero 3 grapadoras"})
    assert found == {"customer": "Umbrella Corp", "products": "3 grapadoras"}
    alone = ToolRegistry(Services(), [llm_toolset]).call("parse_order_request", {}, {"text": "3 sillas para globex"})
    assert alone == {"customer": None, "products": "3 sillas para globex"}

"""The return dialog's tool kinds over a seeded catalog, and the dialog files' `return` expectation."""

from __future__ import annotations

from typing import Any

import pytest

from errors import ConflictError, ToolError
from graphs.testing.dialog_files import DialogFileError, parse_dialog
from tools.catalog.sql import SqlService
from tools.orders.order_tools import order_toolset
from tools.orders.return_tools import return_toolset
from tools.orders.sql_returns import SqlReturns
from tools.registry import Services, ToolRegistry


@pytest.fixture
def registry(demo_sql: SqlService) -> ToolRegistry:
    """The return tool kinds (and match_item, used by the confirmation) bound to the seeded service."""
    return ToolRegistry(Services(sql=demo_sql), [return_toolset, order_toolset])


@pytest.fixture
def orders(demo_sql: SqlService) -> list[int]:
    """Two orders of Initech (keyboards in both, a webcam in the second) and one of Globex."""
    made = [
        demo_sql.create_order("Initech", [{"sku": "TEC-MEC-01", "quantity": 2}], "o-1"),
        demo_sql.create_order(
            "Initech", [{"sku": "TEC-MEC-01", "quantity": 4}, {"sku": "WEB-HD-01", "quantity": 1}], "o-2"
        ),
        demo_sql.create_order("Globex", [{"sku": "GRA-01", "quantity": 1}], "o-3"),
    ]
    return [order["order_id"] for order in made]


def _order(registry: ToolRegistry, text: str, customer: str = "Initech") -> dict[str, Any]:
    return registry.call("resolve_order", {}, {"customer": customer, "text": text})


def test_resolve_order_by_number_last_or_products(registry: ToolRegistry, orders: list[int]) -> None:
    first, second, globex = orders
    assert _order(registry, str(first))["match"]["order_id"] == first
    assert _order(registry, f"Pedido {second}: 4 Teclado mecánico")["match"]["order_id"] == second
    assert _order(registry, "el último")["match"]["order_id"] == second
    assert _order(registry, "the last one")["match"]["order_id"] == second
    assert _order(registry, "el de la webcam")["match"]["order_id"] == second
    several = _order(registry, "los teclados")
    assert several["status"] == "several" and several["reason"] == "several"
    assert [c["order_id"] for c in several["candidates"]] == [first, second]  # oldest first: «el último» is newest
    assert several["candidates"][0]["name"] == f"Pedido {first}: 2 Teclado mecánico"
    not_theirs = _order(registry, str(globex))
    assert not_theirs["status"] == "several" and not_theirs["reason"] == "number"
    assert _order(registry, "el de ayer")["reason"] == "unknown"
    assert _order(registry, "el último", customer="Umbrella Corp") == {
        "status": "none",
        "match": None,
        "candidates": [],
        "reason": "no_orders",
    }


def test_read_return_lines_and_everything(registry: ToolRegistry, orders: list[int]) -> None:
    second = orders[1]
    read = registry.call("read_return_lines", {}, {"order_id": second, "text": "2 teclados y una webcam"})
    assert read["status"] == "exact" and [line["quantity"] for line in read["match"]] == [2, 1]
    everything = registry.call("read_return_lines", {}, {"order_id": second, "text": "todo el pedido"})
    assert everything["match"] == [{"text": "Teclado mecánico", "quantity": 4}, {"text": "Webcam HD", "quantity": 1}]
    assert registry.call("read_return_lines", {}, {"order_id": second, "text": "?"})["status"] == "none"


def test_products_are_found_only_among_the_order_lines(registry: ToolRegistry, orders: list[int]) -> None:
    first, second, _ = orders
    found = registry.call("resolve_return_line", {}, {"order_id": second, "text": "keyboard"})
    assert found["status"] == "exact" and found["match"]["sku"] == "TEC-MEC-01"
    assert found["match"]["available"] == 4
    assert registry.call("resolve_return_line", {}, {"order_id": first, "text": "webcam"})["status"] == "none"
    suggested = registry.call("suggest_return_line", {}, {"order_id": second, "text": "tecaldo"})
    assert suggested[0]["text"] == "Teclado mecánico"
    assert registry.call("suggest_return_line", {}, {"order_id": second, "text": "silla"}) == []


def test_check_return_line_counts_what_was_returned(registry: ToolRegistry, orders: list[int]) -> None:
    second = orders[1]
    args = {"order_id": second, "sku": "TEC-MEC-01"}
    assert registry.call("check_return_line", {}, {**args, "quantity": 4})["match"] == 4
    registry.call(
        "create_return", {}, {"order_id": second, "lines": [{"sku": "TEC-MEC-01", "quantity": 3}]}, effect_key="r:1"
    )
    refused = registry.call("check_return_line", {}, {**args, "quantity": 2})
    assert (refused["status"], refused["ordered"], refused["returned"], refused["available"]) == ("none", 4, 3, 1)
    assert registry.call("check_return_line", {}, {**args, "quantity": 0})["status"] == "none"
    with pytest.raises(ToolError, match="has no product"):
        registry.call("check_return_line", {}, {"order_id": orders[0], "sku": "WEB-HD-01", "quantity": 1})


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("está roto", "Producto defectuoso"),
        ("nos mandaron el modelo equivocado", "Producto equivocado"),
        ("Ya no lo necesita", "Ya no lo necesita"),
        ("it arrived late", "Llegó tarde"),
        ("otro", "Otro motivo"),
    ],
)
def test_reasons_by_their_words(registry: ToolRegistry, text: str, reason: str) -> None:
    assert registry.call("resolve_return_reason", {}, {"text": text})["match"] == {"name": reason}


def test_an_unknown_reason_offers_them_all(registry: ToolRegistry) -> None:
    found = registry.call("resolve_return_reason", {}, {"text": "porque sí"})
    assert found["status"] == "several" and len(found["candidates"]) == 5


def test_quote_and_create_return_once_per_run(registry: ToolRegistry, orders: list[int], demo_sql: SqlService) -> None:
    second = orders[1]
    lines = [{"sku": "TEC-MEC-01", "quantity": 1, "text": "teclado"}, {"sku": "TEC-MEC-01", "quantity": 1}]
    args = {"order_id": second, "lines": lines, "reason": "Otro motivo"}
    quote = registry.call("quote_return", {}, args)
    assert quote["customer"] == "Initech" and quote["total"] == 159.8
    assert [(line["product"], line["quantity"]) for line in quote["lines"]] == [("Teclado mecánico", 2)]
    with pytest.raises(ToolError, match="no run id"):
        registry.call("create_return", {}, args)
    key = "run-a:devolucion:registrar:1"
    first = registry.call("create_return", {}, args, run_id="invocation-1", step="registrar", effect_key=key)
    assert registry.call("create_return", {}, args, run_id="invocation-2", step="registrar", effect_key=key) == first
    assert first["lines"] == quote["lines"] and first["total"] == quote["total"]
    assert SqlReturns(demo_sql.engine).returns_of_run("run-a") == [first["return_id"]]
    other = {**args, "lines": [{"sku": "TEC-MEC-01", "quantity": 1}]}
    with pytest.raises(ConflictError, match=f"already wrote return {first['return_id']} \\(2 × TEC-MEC-01\\)"):
        registry.call("create_return", {}, other, run_id="run-a", step="registrar", effect_key=key)
    with pytest.raises(ConflictError):  # more than is left to return, under a key of its own
        registry.call("create_return", {}, {**args, "lines": [{"sku": "TEC-MEC-01", "quantity": 3}]}, effect_key="b:1")
    with pytest.raises(ToolError, match="has no product"):
        registry.call("quote_return", {}, {**args, "lines": [{"sku": "GRA-01", "quantity": 1}]})


def _dialog(expect: str) -> str:
    return f"turns:\n  - user: hola\n    expect: {expect}\n"


def test_the_return_expectation_is_checked_when_read() -> None:
    expect = "{return: {customer: Globex, order: last, lines: {Grapadora: 1}, reason: Otro motivo}, no_return: false}"
    turn = parse_dialog(_dialog(expect), file="d.yaml").turns[0]
    assert turn.expect["return"] == {
        "customer": "Globex",
        "order": "last",
        "lines": {"Grapadora": 1},
        "reason": "Otro motivo",
    }
    for bad in ("{return: {customer: Globex}}", "{return: {customer: X, lines: {}, order: tres}}", "{no_return: 1}"):
        with pytest.raises(DialogFileError) as error:
            parse_dialog(_dialog(bad), file="d.yaml")
        assert error.value.line == 3

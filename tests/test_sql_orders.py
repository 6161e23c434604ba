"""create_order / get_order on SQLite and PostgreSQL: one transaction, idempotent, all-or-nothing."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import sqlalchemy as sa

from errors import ConflictError, NotFoundError, ToolError
from tests.concurrency import race
from tools.catalog.sql import SqlService
from tools.catalog.sql_schema import SQLITE_IMMEDIATE, orders

TWO_LINES = [{"sku": "TEC-MEC-01", "quantity": 2}, {"sku": "RAT-INA-01", "quantity": 3}]


def test_order_has_the_contract_shape_and_takes_the_stock(demo_sql: SqlService) -> None:
    order = demo_sql.create_order("ACME S.A.", TWO_LINES, idempotency_key="run-1")
    assert order == {
        "order_id": order["order_id"],
        "customer": "ACME S.A.",
        "lines": [
            {"sku": "TEC-MEC-01", "product": "Teclado mecánico", "quantity": 2, "unit_price": 79.9, "subtotal": 159.8},
            {"sku": "RAT-INA-01", "product": "Ratón inalámbrico", "quantity": 3, "unit_price": 19.9, "subtotal": 59.7},
        ],
        "total": 219.5,
    }
    assert isinstance(order["order_id"], int)
    assert demo_sql.get_order(order["order_id"]) == order
    assert demo_sql.check_stock("TEC-MEC-01", 1)["available"] == 118
    assert demo_sql.check_stock("RAT-INA-01", 1)["available"] == 197
    assert demo_sql.orders_for_key("run-1") == [order["order_id"]]


def test_customer_by_id_or_loose_name(demo_sql: SqlService) -> None:
    globex = next(c for c in demo_sql.list_customers() if c["name"] == "Globex")
    by_id = demo_sql.create_order(globex["id"], [{"sku": "GRA-01", "quantity": 1}], "by-id")
    by_name = demo_sql.create_order("acme sa", [{"sku": "GRA-01", "quantity": 1}], "by-name")
    assert (by_id["customer"], by_name["customer"]) == ("Globex", "ACME S.A.")


def test_same_sku_twice_becomes_one_line(demo_sql: SqlService) -> None:
    order = demo_sql.create_order("Initech", [{"sku": "GRA-01", "quantity": 1}, {"sku": "GRA-01", "quantity": 4}], "k")
    assert [(line["sku"], line["quantity"]) for line in order["lines"]] == [("GRA-01", 5)]


def test_replaying_the_key_returns_the_first_order_and_writes_nothing(demo_sql: SqlService) -> None:
    first = demo_sql.create_order("ACME S.A.", TWO_LINES, idempotency_key="run-replay")
    again = demo_sql.create_order("acme sa", list(reversed(TWO_LINES)), idempotency_key="run-replay")
    assert again == first  # the same customer and lines, in any order and spelling: the same order
    assert demo_sql.count_orders() == 1
    assert demo_sql.check_stock("TEC-MEC-01", 1)["available"] == 118


@pytest.mark.parametrize(
    ("customer", "lines", "asked"),
    [
        ("Globex", [{"sku": "GRA-01", "quantity": 9}], "9 × GRA-01"),
        ("ACME S.A.", [{"sku": "TEC-MEC-01", "quantity": 5}, {"sku": "RAT-INA-01", "quantity": 3}], "5 × TEC-MEC-01"),
        ("Globex", TWO_LINES, "2 × TEC-MEC-01, 3 × RAT-INA-01"),
    ],
)
def test_a_key_met_again_with_other_content_is_a_conflict_naming_both(
    demo_sql: SqlService, customer: str, lines: list[dict[str, Any]], asked: str
) -> None:
    first = demo_sql.create_order("ACME S.A.", TWO_LINES, idempotency_key="run-replay")
    with pytest.raises(ConflictError) as caught:
        demo_sql.create_order(customer, lines, idempotency_key="run-replay")
    assert caught.value.reason == "key_reused"
    assert f"order {first['order_id']} (2 × TEC-MEC-01, 3 × RAT-INA-01)" in str(caught.value)
    assert asked in str(caught.value)
    assert demo_sql.count_orders() == 1
    assert demo_sql.check_stock("TEC-MEC-01", 1)["available"] == 118
    assert demo_sql.check_stock("GRA-01", 1)["available"] == 150


@pytest.mark.parametrize("threads", [2, 8])
def test_concurrent_calls_with_one_key_write_one_order(demo_sql: SqlService, threads: int) -> None:
    results, errors = race(
        threads, lambda _: demo_sql.create_order("Umbrella Corp", TWO_LINES, idempotency_key="run-race")
    )
    assert errors == []
    assert len(results) == threads and all(result == results[0] for result in results)
    assert demo_sql.count_orders() == 1
    assert demo_sql.check_stock("TEC-MEC-01", 1)["available"] == 118


def test_concurrent_orders_never_oversell(demo_sql: SqlService) -> None:
    printer = [{"sku": "IMP-LAS-01", "quantity": 1}]
    placed, errors = race(4, lambda i: demo_sql.create_order("Globex", printer, f"printer-{i}"))
    assert all(isinstance(error, ToolError) for error in errors)
    outcomes = ["ok"] * len(placed) + ["short"] * len(errors)
    assert sorted(outcomes) == ["ok", "ok", "short", "short"]
    assert demo_sql.check_stock("IMP-LAS-01", 1)["available"] == 0


@pytest.mark.parametrize(
    ("customer", "lines", "message"),
    [
        ("ACME S.A.", [*TWO_LINES, {"sku": "NOPE-1", "quantity": 1}], "unknown or discontinued product"),
        ("ACME S.A.", [*TWO_LINES, {"sku": "DIS-OLD-01", "quantity": 1}], "unknown or discontinued product"),
        ("ACME S.A.", [*TWO_LINES, {"sku": "IMP-LAS-01", "quantity": 3}], "not enough stock"),
        ("ACME S.A.", [*TWO_LINES, {"sku": "GRA-01", "quantity": 0}], "whole quantity"),
        ("ACME S.A.", [*TWO_LINES, {"sku": "GRA-01", "quantity": -2}], "whole quantity"),
        ("ACME S.A.", [*TWO_LINES, {"sku": "GRA-01", "quantity": 1.5}], "whole quantity"),
        ("ACME S.A.", [*TWO_LINES, {"sku": "GRA-01", "quantity": True}], "whole quantity"),
        ("ACME S.A.", [*TWO_LINES, {"quantity": 1}], "no sku"),
        ("ACME S.A.", [*TWO_LINES, "GRA-01"], "must be an object"),
        ("ACME S.A.", [], "at least one line"),
        ("ACME S.A.", "GRA-01", "at least one line"),
        ("Nadie S.L.", TWO_LINES, "unknown customer"),
        ("X' OR '1'='1", TWO_LINES, "unknown customer"),
        (None, TWO_LINES, "customer name or id"),
        ("ACME S.A.", [{"sku": "'; DROP TABLE products; --", "quantity": 1}], "unknown or discontinued"),
    ],
)
def test_a_bad_order_writes_nothing(demo_sql: SqlService, customer: Any, lines: Any, message: str) -> None:
    stock_before = {p["sku"]: p["stock"] for p in demo_sql.list_products(active_only=False)}
    with pytest.raises(ToolError, match=message):
        demo_sql.create_order(customer, lines, idempotency_key="run-bad")
    assert demo_sql.count_orders() == 0
    assert demo_sql.orders_for_key("run-bad") == []
    assert {p["sku"]: p["stock"] for p in demo_sql.list_products(active_only=False)} == stock_before
    # the key was not burnt: a corrected order under the same key goes through
    assert demo_sql.create_order("ACME S.A.", TWO_LINES, idempotency_key="run-bad")["total"] == 219.5


def test_stock_error_carries_the_numbers(demo_sql: SqlService) -> None:
    with pytest.raises(ToolError) as caught:
        demo_sql.create_order("Globex", [{"sku": "IMP-LAS-01", "quantity": 5}], "run-short")
    assert caught.value.details == {
        "sku": "IMP-LAS-01",
        "product": "Impresora láser",
        "available": 2,
        "requested": 5,
    }
    assert caught.value.reason == "out_of_stock"


@pytest.mark.parametrize("key", [None, "", "   ", "k" * 201, 12])
def test_the_idempotency_key_is_required(demo_sql: SqlService, key: Any) -> None:
    with pytest.raises(ToolError, match="idempotency key"):
        demo_sql.create_order("ACME S.A.", TWO_LINES, idempotency_key=key)


def test_orders_keep_their_prices_when_the_catalog_changes(demo_sql: SqlService) -> None:
    order = demo_sql.create_order("Globex", [{"sku": "WEB-HD-01", "quantity": 1}], "price-key")
    demo_sql.set_product_active("WEB-HD-01", False)
    assert demo_sql.get_order(order["order_id"]) == order


def test_unknown_order(demo_sql: SqlService) -> None:
    with pytest.raises(NotFoundError):
        demo_sql.get_order(424242)


def test_a_key_claimed_by_an_open_transaction_waits_then_compares_with_that_order(demo_sql: SqlService) -> None:
    """The ON CONFLICT path: the second writer blocks on the first, then finds its order, compares what it holds
    (a Globex order with no lines, not ACME's two) and writes nothing."""
    globex = next(c["id"] for c in demo_sql.list_customers() if c["name"] == "Globex")
    results: list[Any] = []
    with demo_sql.engine.connect() as conn:
        conn.execution_options(**{SQLITE_IMMEDIATE: True})
        with conn.begin():
            held = conn.execute(
                sa.insert(orders).values(customer_id=globex, idempotency_key="held", total=0).returning(orders.c.id)
            ).scalar_one()
            worker = threading.Thread(
                target=lambda: results.append(_outcome(lambda: demo_sql.create_order("ACME S.A.", TWO_LINES, "held")))
            )
            worker.start()
            worker.join(0.5)
            assert worker.is_alive()  # blocked behind the open transaction
        worker.join(30)
    assert len(results) == 1 and isinstance(results[0], ConflictError)
    assert f"order {held} (no lines)" in str(results[0])
    assert demo_sql.count_orders() == 1
    assert demo_sql.check_stock("TEC-MEC-01", 1)["available"] == 120


def _outcome(call: Any) -> Any:
    """What a call returned, or the exception it raised."""
    try:
        return call()
    except Exception as error:
        return error

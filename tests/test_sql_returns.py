"""Returns on SQLite and PostgreSQL: one transaction, idempotent on the run key, never more than was ordered."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from errors import ConflictError, NotFoundError, ToolError
from tests.concurrency import race
from tools.catalog.sql import SqlService
from tools.catalog.sql_schema import return_lines, returns
from tools.orders.sql_returns import SqlReturns

LINES = [{"sku": "TEC-MEC-01", "quantity": 3}, {"sku": "GRA-01", "quantity": 2}]


@pytest.fixture
def order_id(demo_sql: SqlService) -> int:
    """An order of Globex: 3 mechanical keyboards and 2 staplers."""
    return demo_sql.create_order("Globex", LINES, idempotency_key="order-1")["order_id"]


def _count(sql: SqlService) -> tuple[int, int]:
    with sql.engine.connect() as conn:
        heads = conn.execute(sa.select(sa.func.count()).select_from(returns)).scalar_one()
        lines = conn.execute(sa.select(sa.func.count()).select_from(return_lines)).scalar_one()
    return int(heads), int(lines)


def test_a_return_has_its_lines_at_the_price_paid(demo_sql: SqlService, order_id: int) -> None:
    book = SqlReturns(demo_sql.engine)
    written = book.create_return(order_id, [{"sku": "TEC-MEC-01", "quantity": 2}], "Producto defectuoso", "run-1")
    assert written == {
        "return_id": written["return_id"],
        "order_id": order_id,
        "customer": "Globex",
        "reason": "Producto defectuoso",
        "lines": [
            {"sku": "TEC-MEC-01", "product": "Teclado mecánico", "quantity": 2, "unit_price": 79.9, "subtotal": 159.8}
        ],
        "total": 159.8,
    }
    assert book.returns_for_key("run-1") == [written["return_id"]]
    left = {line["sku"]: (line["ordered"], line["returned"], line["available"]) for line in book.returnable(order_id)}
    assert left == {"TEC-MEC-01": (3, 2, 1), "GRA-01": (2, 0, 2)}


def test_more_than_ordered_minus_returned_is_refused_and_writes_nothing(demo_sql: SqlService, order_id: int) -> None:
    book = SqlReturns(demo_sql.engine)
    with pytest.raises(ConflictError) as refused:
        book.create_return(order_id, [{"sku": "GRA-01", "quantity": 3}], "x", "run-big")
    assert refused.value.details["available"] == 2 and refused.value.details["requested"] == 3
    assert "at most 2 left" in refused.value.message
    book.create_return(order_id, [{"sku": "GRA-01", "quantity": 1}], "x", "run-a")
    # Two lines of one product count together: 1 + 1 is over the one staple left.
    with pytest.raises(ConflictError, match="1 already returned, at most 1 left"):
        book.create_return(order_id, [{"sku": "GRA-01", "quantity": 1}] * 2, "x", "run-b")
    assert _count(demo_sql) == (1, 1)
    assert book.returns_for_key("run-b") == []


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([], "at least one line"),
        ([{"sku": "GRA-01", "quantity": 0}], "whole quantity"),
        ([{"sku": "GRA-01", "quantity": True}], "whole quantity"),
        ([{"quantity": 1}], "no sku"),
        ([{"sku": "WEB-HD-01", "quantity": 1}], "has no product WEB-HD-01"),
    ],
)
def test_bad_lines_write_nothing(demo_sql: SqlService, order_id: int, lines: Any, message: str) -> None:
    with pytest.raises(ToolError, match=message):
        SqlReturns(demo_sql.engine).create_return(order_id, lines, "x", "run-bad")
    assert _count(demo_sql) == (0, 0)


def test_unknown_order_and_missing_key(demo_sql: SqlService, order_id: int) -> None:
    book = SqlReturns(demo_sql.engine)
    with pytest.raises(NotFoundError):
        book.create_return(order_id + 1, [{"sku": "GRA-01", "quantity": 1}], "x", "run-x")
    with pytest.raises(ToolError, match="idempotency key"):
        book.create_return(order_id, [{"sku": "GRA-01", "quantity": 1}], "x", " ")
    with pytest.raises(NotFoundError):
        book.get_return(12345)


def test_replaying_the_key_returns_the_first_return(demo_sql: SqlService, order_id: int) -> None:
    book = SqlReturns(demo_sql.engine)
    first = book.create_return(order_id, [{"sku": "GRA-01", "quantity": 2}], "x", "run-1")
    # The replay asks for what would now be refused (nothing left): the key wins, nothing is checked or written.
    assert book.create_return(order_id, [{"sku": "GRA-01", "quantity": 2}], "x", "run-1") == first
    assert _count(demo_sql) == (1, 1)


@pytest.mark.parametrize("threads", [2, 8])
def test_concurrent_calls_with_one_key_write_one_return(demo_sql: SqlService, order_id: int, threads: int) -> None:
    lines = [{"sku": "TEC-MEC-01", "quantity": 3}]
    results, errors = race(
        threads, lambda _: SqlReturns(demo_sql.engine).create_return(order_id, lines, "x", "run-race")
    )
    assert errors == []
    assert len(results) == threads and all(result == results[0] for result in results)
    assert _count(demo_sql) == (1, 1)


def test_concurrent_returns_never_take_more_than_was_ordered(demo_sql: SqlService, order_id: int) -> None:
    one = [{"sku": "GRA-01", "quantity": 1}]
    done, errors = race(4, lambda i: SqlReturns(demo_sql.engine).create_return(order_id, one, "x", f"r-{i}"))
    assert all(isinstance(error, ConflictError) for error in errors)
    outcomes = ["ok"] * len(done) + ["refused"] * len(errors)
    assert sorted(outcomes) == ["ok", "ok", "refused", "refused"]
    assert SqlReturns(demo_sql.engine).returnable(order_id)[1]["available"] == 0


def test_customer_orders_oldest_first(demo_sql: SqlService, order_id: int) -> None:
    second = demo_sql.create_order("Globex", [{"sku": "WEB-HD-01", "quantity": 1}], "order-2")["order_id"]
    demo_sql.create_order("Initech", [{"sku": "WEB-HD-01", "quantity": 1}], "order-3")
    book = SqlReturns(demo_sql.engine)
    assert [o["order_id"] for o in book.customer_orders("globex")] == [order_id, second]
    assert book.last_order_of("Globex") == second and book.last_order_of("Umbrella Corp") is None
    with pytest.raises(ToolError, match="unknown customer"):
        book.customer_orders("Nadie SL")

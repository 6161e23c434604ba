"""Writing and reading orders: one transaction per order, idempotent on the run's key."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

import textnorm
from errors import ToolError
from tools.catalog.sql_schema import customers, order_lines, orders, products, utcnow
from tools.orders.keyed_write import check_key, claim, claimed, write_once

MAX_LINES = 100
MAX_QUANTITY = 100_000
CENT = Decimal("0.01")


def money(value: Any) -> float:
    """A money amount as a float rounded to cents (state must stay JSON-like)."""
    return float(Decimal(value).quantize(CENT))


def _merge_lines(lines: Any) -> dict[str, int]:
    """SKU → total quantity; a SKU listed twice becomes one line. Bad shapes raise ToolError."""
    if not isinstance(lines, Sequence) or isinstance(lines, str | bytes) or not lines:
        raise ToolError("an order needs at least one line of {sku, quantity}")
    if len(lines) > MAX_LINES:
        raise ToolError(f"an order may have at most {MAX_LINES} lines")
    merged: dict[str, int] = {}
    for index, line in enumerate(lines, start=1):
        if not isinstance(line, Mapping):
            raise ToolError(f"order line {index} must be an object with sku and quantity", details={"line": index})
        sku, quantity = line.get("sku"), line.get("quantity")
        if not isinstance(sku, str) or not sku.strip():
            raise ToolError(f"order line {index} has no sku", details={"line": index})
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 < quantity <= MAX_QUANTITY:
            raise ToolError(
                f"order line {index} ({sku}) needs a whole quantity between 1 and {MAX_QUANTITY}",
                details={"line": index, "sku": sku, "quantity": quantity},
            )
        merged[sku] = merged.get(sku, 0) + quantity
    if any(total > MAX_QUANTITY for total in merged.values()):
        raise ToolError(f"a product's total quantity may not exceed {MAX_QUANTITY}")
    return merged


def customer_id_by_name(conn: sa.Connection, customer: str) -> int | None:
    """The id of a customer named exactly, or equal after normalisation (one only)."""
    found = conn.execute(sa.select(customers.c.id).where(customers.c.name == customer.strip())).scalar()
    if found is None:
        ids = (
            conn.execute(
                sa.select(customers.c.id).where(customers.c.normalized_name == textnorm.key(customer)).limit(2)
            )
            .scalars()
            .all()
        )
        found = ids[0] if len(ids) == 1 else None
    return None if found is None else int(found)


def find_customer_id(conn: sa.Connection, customer: Any) -> int:
    """The id of a customer given by id, exact name, or a name equal after normalisation."""
    if isinstance(customer, int) and not isinstance(customer, bool):
        found = conn.execute(sa.select(customers.c.id).where(customers.c.id == customer)).scalar()
    elif isinstance(customer, str) and customer.strip():
        found = customer_id_by_name(conn, customer)
    else:
        raise ToolError("create_order needs a customer name or id")
    if found is None:
        raise ToolError(f"unknown customer '{customer}'", details={"customer": customer})
    return int(found)


def order_id_for_key(conn: sa.Connection, key: str) -> int | None:
    """The order written under `key`, if any."""
    return claimed(conn, orders, key)


def _written(conn: sa.Connection, order_id: int) -> dict[str, Any]:
    """What an order holds, to compare with what a key met again asks for: its customer and SKU → quantity."""
    customer = conn.execute(sa.select(orders.c.customer_id).where(orders.c.id == order_id)).scalar()
    lines = conn.execute(
        sa.select(order_lines.c.sku, order_lines.c.quantity).where(order_lines.c.order_id == order_id)
    ).all()
    return {"customer": customer, "lines": {sku: int(quantity) for sku, quantity in lines}}


def _write_lines(conn: sa.Connection, order_id: int, wanted: dict[str, int]) -> Decimal:
    """Re-read prices and stock inside the transaction, take the stock, insert the lines; the order total."""
    rows = (
        conn.execute(
            sa.select(
                products.c.id, products.c.sku, products.c.name, products.c.price, products.c.stock, products.c.active
            )
            .where(products.c.sku.in_(sorted(wanted)))
            .order_by(products.c.sku)
            .with_for_update()
        )
        .mappings()
        .all()
    )
    by_sku = {row["sku"]: row for row in rows}
    unknown = [sku for sku in wanted if sku not in by_sku or not by_sku[sku]["active"]]
    if unknown:
        raise ToolError(f"unknown or discontinued product: {', '.join(unknown)}", details={"skus": unknown})
    # Stock is taken in SKU order so concurrent orders lock product rows alike and cannot deadlock.
    for sku in sorted(wanted):
        row, quantity = by_sku[sku], wanted[sku]
        taken = conn.execute(
            sa.update(products)
            .where(products.c.id == row["id"], products.c.stock >= quantity)
            .values(stock=products.c.stock - quantity, updated_at=utcnow())
        ).rowcount
        if taken != 1:
            available = conn.execute(sa.select(products.c.stock).where(products.c.id == row["id"])).scalar()
            raise ToolError(
                f"not enough stock of {row['name']} ({sku}): {available} available, {quantity} requested",
                details={"sku": sku, "product": row["name"], "available": available, "requested": quantity},
                reason="out_of_stock",
            )
    total = Decimal(0)
    for line_no, (sku, quantity) in enumerate(wanted.items(), start=1):  # lines keep the order given
        row = by_sku[sku]
        unit_price = Decimal(row["price"]).quantize(CENT)
        subtotal = (unit_price * quantity).quantize(CENT)
        total += subtotal
        conn.execute(
            sa.insert(order_lines).values(
                order_id=order_id,
                line_no=line_no,
                product_id=row["id"],
                sku=sku,
                product_name=row["name"],
                quantity=quantity,
                unit_price=unit_price,
                subtotal=subtotal,
            )
        )
    conn.execute(sa.update(orders).where(orders.c.id == order_id).values(total=total))
    return total


def write_order(engine: sa.Engine, customer: Any, lines: Any, key: Any) -> int:
    """Write an order and its lines in one transaction, or find the one already written under `key` — which must
    be for the same customer and lines, else a ConflictError names both."""
    key = check_key(key, "create_order")
    wanted = _merge_lines(lines)
    with engine.connect() as conn:
        customer_id = find_customer_id(conn, customer)

        def write(conn: sa.Connection) -> int | None:
            order_id = claim(conn, orders, key, {"customer_id": customer_id, "created_at": utcnow(), "total": 0})
            if order_id is not None:
                _write_lines(conn, order_id, wanted)
            return order_id

        content = {"customer": customer_id, "lines": wanted}
        return write_once(conn, orders, "order", key, content, written=_written, write=write)


def read_order(conn: sa.Connection, order_id: int) -> dict[str, Any] | None:
    """The order in the shape of CONTRACT.md (`order_id`, `customer`, `lines`, `total`), or None."""
    head = conn.execute(
        sa.select(orders.c.id, orders.c.total, customers.c.name)
        .join(customers, customers.c.id == orders.c.customer_id)
        .where(orders.c.id == order_id)
    ).first()
    if head is None:
        return None
    lines = conn.execute(
        sa.select(order_lines).where(order_lines.c.order_id == order_id).order_by(order_lines.c.line_no)
    ).mappings()
    return {
        "order_id": int(head.id),
        "customer": head.name,
        "lines": [line_dict(line) for line in lines],
        "total": money(head.total),
    }


def line_dict(row: Any) -> dict[str, Any]:
    """One stored order or return line as the API shows it: sku, product, quantity, unit price and subtotal."""
    return {
        "sku": row["sku"],
        "product": row["product_name"],
        "quantity": int(row["quantity"]),
        "unit_price": money(row["unit_price"]),
        "subtotal": money(row["subtotal"]),
    }

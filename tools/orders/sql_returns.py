"""Returns of order lines: one transaction per return, idempotent on the run's key, never more than was ordered."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from errors import ConflictError, NotFoundError, ToolError
from tools.catalog.sql_schema import (
    customers,
    order_lines,
    orders,
    return_lines,
    returns,
    utcnow,
)
from tools.orders.keyed_write import check_key, claim, claimed, of_run, write_once
from tools.orders.sql_orders import CENT, MAX_LINES, MAX_QUANTITY, customer_id_by_name, line_dict, money

MAX_ORDERS_LISTED = 50
MAX_REASON = 200


def _returned(conn: sa.Connection, order_id: int) -> dict[str, int]:
    """SKU → units of this order already returned."""
    rows = conn.execute(
        sa.select(return_lines.c.sku, sa.func.sum(return_lines.c.quantity))
        .join(returns, returns.c.id == return_lines.c.return_id)
        .where(returns.c.order_id == order_id)
        .group_by(return_lines.c.sku)
    )
    return {sku: int(total or 0) for sku, total in rows}


def returnable_lines(conn: sa.Connection, order_id: int) -> list[dict[str, Any]]:
    """The order's products (one per SKU, in line order): {sku, product, ordered, returned, available, unit_price}."""
    rows = conn.execute(
        sa.select(order_lines).where(order_lines.c.order_id == order_id).order_by(order_lines.c.line_no)
    ).mappings()
    done = _returned(conn, order_id)
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        line = found.setdefault(
            row["sku"],
            {"sku": row["sku"], "product": row["product_name"], "ordered": 0, "unit_price": money(row["unit_price"])},
        )
        line["ordered"] += int(row["quantity"])
    for line in found.values():
        line["returned"] = done.get(line["sku"], 0)
        line["available"] = max(line["ordered"] - line["returned"], 0)
    return list(found.values())


def customer_orders(conn: sa.Connection, customer: str) -> list[dict[str, Any]]:
    """A customer's latest orders, oldest first: {order_id, customer, total, lines[{sku, product, ordered, …}]}."""
    customer_id = customer_id_by_name(conn, customer)
    if customer_id is None:
        raise ToolError(f"unknown customer '{customer}'", details={"customer": customer})
    ids = conn.execute(
        sa.select(orders.c.id, orders.c.total)
        .where(orders.c.customer_id == customer_id)
        .order_by(orders.c.id.desc())
        .limit(MAX_ORDERS_LISTED)
    ).all()
    name = conn.execute(sa.select(customers.c.name).where(customers.c.id == customer_id)).scalar_one()
    return [
        {"order_id": int(row.id), "customer": name, "total": money(row.total), "lines": returnable_lines(conn, row.id)}
        for row in reversed(ids)
    ]


def _merge(lines: Any) -> dict[str, int]:
    """SKU → total quantity to return; bad shapes raise ToolError."""
    if not isinstance(lines, Sequence) or isinstance(lines, str | bytes) or not lines:
        raise ToolError("a return needs at least one line of {sku, quantity}")
    if len(lines) > MAX_LINES:
        raise ToolError(f"a return may have at most {MAX_LINES} lines")
    merged: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        sku = line.get("sku") if isinstance(line, Mapping) else None
        quantity = line.get("quantity") if isinstance(line, Mapping) else None
        if not isinstance(sku, str) or not sku.strip():
            raise ToolError(f"return line {number} has no sku", details={"line": number})
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 < quantity <= MAX_QUANTITY:
            raise ToolError(
                f"return line {number} ({sku}) needs a whole quantity between 1 and {MAX_QUANTITY}",
                details={"line": number, "quantity": quantity},
            )
        merged[sku] = merged.get(sku, 0) + quantity
    return merged


def return_id_for_key(conn: sa.Connection, key: str) -> int | None:
    """The return written under `key`, if any."""
    return claimed(conn, returns, key)


def _written(conn: sa.Connection, return_id: int) -> dict[str, Any]:
    """What a return holds, to compare with what a key met again asks for: its order, reason and SKU → quantity."""
    head = conn.execute(sa.select(returns.c.order_id, returns.c.reason).where(returns.c.id == return_id)).first()
    lines = conn.execute(
        sa.select(return_lines.c.sku, return_lines.c.quantity).where(return_lines.c.return_id == return_id)
    ).all()
    order_id, reason = (int(head.order_id), head.reason) if head else (None, None)
    return {"order": order_id, "reason": reason, "lines": {sku: int(quantity) for sku, quantity in lines}}


def _write_lines(conn: sa.Connection, return_id: int, order_id: int, wanted: dict[str, int]) -> None:
    """Check every quantity against what is left to return (read inside the transaction), then insert the lines."""
    left = {line["sku"]: line for line in returnable_lines(conn, order_id)}
    total = Decimal(0)
    for line_no, (sku, quantity) in enumerate(wanted.items(), start=1):
        line = left.get(sku)
        if line is None:
            raise ToolError(f"order {order_id} has no product {sku}", details={"order_id": order_id, "product": sku})
        if quantity > line["available"]:
            raise ConflictError(
                f"cannot return {quantity} of {line['product']} from order {order_id}: {line['ordered']} ordered, "
                f"{line['returned']} already returned, at most {line['available']} left",
                details={"order_id": order_id, "product": line["product"], "requested": quantity, **line},
                reason="over_return",
            )
        unit_price = Decimal(str(line["unit_price"])).quantize(CENT)
        subtotal = (unit_price * quantity).quantize(CENT)
        total += subtotal
        conn.execute(
            sa.insert(return_lines).values(
                return_id=return_id,
                line_no=line_no,
                sku=sku,
                product_name=line["product"],
                quantity=quantity,
                unit_price=unit_price,
                subtotal=subtotal,
            )
        )
    conn.execute(sa.update(returns).where(returns.c.id == return_id).values(total=total))


def write_return(engine: sa.Engine, order_id: int, lines: Any, reason: str, key: Any) -> int:
    """Write a return and its lines in one transaction, or find the one already written under `key` — which must
    be of the same order, reason and lines, else a ConflictError names both."""
    key = check_key(key, "create_return")
    wanted = _merge(lines)
    reason = (reason or "").strip()[:MAX_REASON] or "Sin motivo"
    content = {"order": order_id, "reason": reason, "lines": wanted}

    def write(conn: sa.Connection) -> int | None:
        # Locking the order row serialises the returns of one order, so two cannot both take the last units.
        locked = conn.execute(sa.select(orders.c.id).where(orders.c.id == order_id).with_for_update()).scalar()
        if locked is None:
            raise NotFoundError(f"no order with id {order_id}", details={"order_id": order_id})
        values = {"order_id": order_id, "reason": reason, "created_at": utcnow(), "total": 0}
        return_id = claim(conn, returns, key, values)
        if return_id is not None:
            _write_lines(conn, return_id, order_id, wanted)
        return return_id

    with engine.connect() as conn:
        return write_once(conn, returns, "return", key, content, written=_written, write=write)


def read_return(conn: sa.Connection, return_id: int) -> dict[str, Any] | None:
    """{return_id, order_id, customer, reason, lines[{sku, product, quantity, unit_price, subtotal}], total}."""
    head = conn.execute(
        sa.select(returns.c.id, returns.c.order_id, returns.c.reason, returns.c.total, customers.c.name)
        .join(orders, orders.c.id == returns.c.order_id)
        .join(customers, customers.c.id == orders.c.customer_id)
        .where(returns.c.id == return_id)
    ).first()
    if head is None:
        return None
    lines = conn.execute(
        sa.select(return_lines).where(return_lines.c.return_id == return_id).order_by(return_lines.c.line_no)
    ).mappings()
    return {
        "return_id": int(head.id),
        "order_id": int(head.order_id),
        "customer": head.name,
        "reason": head.reason,
        "lines": [line_dict(line) for line in lines],
        "total": money(head.total),
    }


class SqlReturns:
    """Returns over a business database engine (the SqlService's): what the tools and dialog checks use."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def customer_orders(self, customer: str) -> list[dict[str, Any]]:
        """The customer's latest orders, oldest first, each with what is left to return of every product."""
        with self.engine.connect() as conn:
            return customer_orders(conn, customer)

    def returnable(self, order_id: int) -> list[dict[str, Any]]:
        """The products of an order with ordered, returned and available quantities (empty for no order)."""
        with self.engine.connect() as conn:
            return returnable_lines(conn, order_id)

    def create_return(self, order_id: int, lines: Any, reason: str, key: str) -> dict[str, Any]:
        """Write a return once per key and read it back."""
        return self.get_return(write_return(self.engine, order_id, lines, reason, key))

    def get_return(self, return_id: int) -> dict[str, Any]:
        """One return with its lines; NotFoundError when missing."""
        with self.engine.connect() as conn:
            found = read_return(conn, return_id)
        if found is None:
            raise NotFoundError(f"no return with id {return_id}", details={"return_id": return_id})
        return found

    def returns_for_key(self, key: str) -> list[int]:
        """Ids of the returns written under an idempotency key (zero or one)."""
        with self.engine.connect() as conn:
            found = return_id_for_key(conn, key)
        return [] if found is None else [found]

    def returns_of_run(self, run_id: str) -> list[int]:
        """Ids of the returns a run wrote (whatever step or visit wrote them), oldest first."""
        with self.engine.connect() as conn:
            return of_run(conn, returns, run_id)

    def last_order_of(self, customer: str) -> int | None:
        """The id of the customer's latest order, or None."""
        listed = self.customer_orders(customer)
        return listed[-1]["order_id"] if listed else None

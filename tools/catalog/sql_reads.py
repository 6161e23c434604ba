"""Read helpers of the SqlService: catalog matching and declared read-only queries."""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from errors import ToolError
from tools.orders.sql_orders import money


def product_dict(row: Mapping[str, Any]) -> dict[str, Any]:
    """A product row as a candidate: sku, name, price (float) and stock."""
    return {"sku": row["sku"], "name": row["name"], "price": money(row["price"]), "stock": int(row["stock"])}


def resolution(found: list[dict[str, Any]], limit: int) -> dict[str, Any]:
    """{status, match, candidates}: one row is exact, several are a choice, none is none."""
    status = "exact" if len(found) == 1 else "several" if found else "none"
    return {"status": status, "match": found[0] if status == "exact" else None, "candidates": found[:limit]}


def _padded(column: sa.ColumnElement[str]) -> sa.ColumnElement[str]:
    """A normalised text between spaces, so LIKE '% word %' finds whole words only."""
    return sa.literal(" ") + column + sa.literal(" ")


@functools.cache
def _matching_statement(
    table: sa.Table, active_only: bool, words: int, by_sku: bool, aliases: sa.Table | None
) -> sa.Select:
    """SELECT (active) rows with `words` bound words (:w0, :w1…) in their padded normalised name or one of
    their aliases, or SKU :sku; with aliases, `alias_exact` tells whether an alias equals the whole key :key.

    Built once per shape: building SQLAlchemy expressions costs more than running the query."""

    def has_word(i: int) -> sa.ColumnElement[bool]:
        word = sa.bindparam(f"w{i}")
        in_name = _padded(table.c.normalized_name).like(word)
        if aliases is None:
            return in_name
        in_alias = sa.exists().where(aliases.c.sku == table.c.sku, _padded(aliases.c.normalized_alias).like(word))
        return sa.or_(in_name, in_alias)

    each_word = sa.and_(*(has_word(i) for i in range(words)))
    wanted = sa.or_(sa.func.upper(table.c.sku) == sa.bindparam("sku"), each_word) if by_sku else each_word
    columns: list[Any] = [table]
    if aliases is not None:
        exact = sa.exists().where(aliases.c.sku == table.c.sku, aliases.c.normalized_alias == sa.bindparam("key"))
        columns.append(exact.label("alias_exact"))
    statement = sa.select(*columns).where(wanted)
    return statement.where(table.c.active.is_(True)) if active_only else statement


def matching_rows(
    conn: sa.Connection,
    table: sa.Table,
    words: list[str],
    active_only: bool,
    sku: str | None = None,
    aliases: sa.Table | None = None,
) -> list[Mapping[str, Any]]:
    """In one query: the row whose SKU is `sku`, else rows whose normalised name (or an alias) equals the
    words, else rows having every word as a whole word of their normalised name or of their aliases."""
    distinct = list(dict.fromkeys(words))
    key = " ".join(words)
    # Words hold only [a-z0-9] after normalisation, so they never carry LIKE wildcards.
    values: dict[str, Any] = {f"w{i}": f"% {word} %" for i, word in enumerate(distinct)}
    if sku is not None:
        values["sku"] = sku.upper()
    if aliases is not None:
        values["key"] = key
    statement = _matching_statement(table, active_only, len(distinct), sku is not None, aliases)
    rows = list(conn.execute(statement, values).mappings().all())
    by_sku = [row for row in rows if sku is not None and row["sku"].upper() == values["sku"]]
    # Word order does not matter to an exact match: "27 inch monitor" is "Monitor 27 pulgadas".
    same = sorted(words)
    exact = [row for row in rows if sorted(row["normalized_name"].split()) == same or row.get("alias_exact")]
    return by_sku or exact or rows


def read_only_rows(
    engine: sa.Engine, query: str, params: Mapping[str, Any], max_rows: int, timeout: float
) -> list[dict[str, Any]]:
    """Run one SELECT in a read-only transaction; at most `max_rows` rows as dicts."""
    with engine.connect() as conn, _read_only(conn, timeout):
        result = conn.execute(sa.text(query), dict(params))
        rows = [dict(row) for row in result.mappings().fetchmany(max_rows)]
        conn.rollback()
    return rows


@contextmanager
def _read_only(conn: sa.Connection, timeout: float) -> Iterator[None]:
    """Make writes impossible on `conn` for the duration, and stop queries running over `timeout`."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(timeout * 1000)}")
        yield
        return
    raw = conn.connection.driver_connection
    deadline = time.monotonic() + timeout
    raw.execute("PRAGMA query_only = ON")
    raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)
        raw.execute("PRAGMA query_only = OFF")


def stock_of(conn: sa.Connection, table: sa.Table, sku: str, quantity: int) -> dict[str, Any]:
    """{ok, sku, name, available, requested, price} of an active product; an unknown or inactive SKU: ToolError."""
    statement = sa.select(table).where(table.c.sku == sku, table.c.active.is_(True))
    row = conn.execute(statement).mappings().first()
    if row is None:
        raise ToolError(f"unknown or discontinued product '{sku}'", details={"sku": sku})
    available = int(row["stock"])
    return {
        "ok": available >= quantity,
        "sku": row["sku"],
        "name": row["name"],
        "available": available,
        "requested": quantity,
        "price": money(row["price"]),
    }

"""Read helpers of the SqlService: catalog matching and declared read-only queries."""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from tools.sql_orders import money


def product_dict(row: Mapping[str, Any]) -> dict[str, Any]:
    """A product row as a candidate: sku, name, price (float) and stock."""
    return {"sku": row["sku"], "name": row["name"], "price": money(row["price"]), "stock": int(row["stock"])}


def resolution(found: list[dict[str, Any]], limit: int) -> dict[str, Any]:
    """{status, match, candidates}: one row is exact, several are a choice, none is none."""
    status = "exact" if len(found) == 1 else "several" if found else "none"
    return {"status": status, "match": found[0] if status == "exact" else None, "candidates": found[:limit]}


@functools.cache
def _matching_statement(table: sa.Table, active_only: bool, words: int, by_sku: bool) -> sa.Select:
    """SELECT (active) rows with `words` bound words (:w0, :w1…) in their padded normalised name, or SKU :sku.

    Built once per shape: building SQLAlchemy expressions costs more than running the query."""
    padded = sa.literal(" ") + table.c.normalized_name + sa.literal(" ")
    each_word = sa.and_(*(padded.like(sa.bindparam(f"w{i}")) for i in range(words)))
    wanted = sa.or_(sa.func.upper(table.c.sku) == sa.bindparam("sku"), each_word) if by_sku else each_word
    statement = sa.select(table).where(wanted)
    return statement.where(table.c.active.is_(True)) if active_only else statement


def matching_rows(
    conn: sa.Connection, table: sa.Table, words: list[str], active_only: bool, sku: str | None = None
) -> list[Mapping[str, Any]]:
    """In one query: the row whose SKU is `sku`, else rows whose normalised name equals the words, else
    rows having every word as a whole word of their normalised name."""
    distinct = list(dict.fromkeys(words))
    # Words hold only [a-z0-9] after normalisation, so they never carry LIKE wildcards.
    values: dict[str, Any] = {f"w{i}": f"% {word} %" for i, word in enumerate(distinct)}
    if sku is not None:
        values["sku"] = sku.upper()
    statement = _matching_statement(table, active_only, len(distinct), sku is not None)
    rows = list(conn.execute(statement, values).mappings().all())
    key = " ".join(words)
    by_sku = [row for row in rows if sku is not None and row["sku"].upper() == values["sku"]]
    exact = [row for row in rows if row["normalized_name"] == key]
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

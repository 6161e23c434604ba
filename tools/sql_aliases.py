"""Product aliases in the business database: the demo ones seeded once (also into an older database), listed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from tools.demo_data import demo_aliases
from tools.sql_meta import SEEDED_KEY, read_meta, set_meta
from tools.sql_reads import lookup_key
from tools.sql_schema import product_aliases, products

ALIASES_KEY = "demo_aliases_seeded"


def alias_rows(pairs: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    """(sku, alias) pairs as rows to insert, one per SKU and comparison key; aliases with no words are skipped."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for sku, alias in pairs:
        key = lookup_key(alias)
        if key:
            rows.setdefault((sku, key), {"sku": sku, "alias": alias.strip(), "normalized_alias": key})
    return list(rows.values())


def seed_demo_aliases(conn: sa.Connection) -> bool:
    """Insert the demo aliases once, when the demo catalog was seeded; True when rows were written now.

    Runs on every start, so a database seeded before aliases existed gets them too."""
    if read_meta(conn, ALIASES_KEY) or not read_meta(conn, SEEDED_KEY):
        return False
    existing = set(conn.execute(sa.select(products.c.sku)).scalars())
    rows = [row for row in alias_rows(demo_aliases()) if row["sku"] in existing]
    if rows:
        conn.execute(sa.insert(product_aliases), rows)
    set_meta(conn, ALIASES_KEY, 1)
    return bool(rows)


def read_aliases(conn: sa.Connection, active_only: bool = True) -> list[dict[str, str]]:
    """Every alias as {sku, alias}, ordered by SKU then alias; only of active products unless told otherwise."""
    query = (
        sa.select(product_aliases.c.sku, product_aliases.c.alias)
        .join(products, products.c.sku == product_aliases.c.sku)
        .order_by(product_aliases.c.sku, product_aliases.c.normalized_alias)
    )
    if active_only:
        query = query.where(products.c.active.is_(True))
    return [{"sku": row.sku, "alias": row.alias} for row in conn.execute(query)]

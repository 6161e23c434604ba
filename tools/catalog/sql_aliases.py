"""Product aliases in the business database: the demo ones seeded once (also into an older database), listed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from tools.catalog.demo_data import demo_aliases
from tools.catalog.sql_meta import SEEDED_KEY, read_meta, set_meta
from tools.catalog.sql_reads import lookup_key
from tools.catalog.sql_schema import product_aliases, products

ALIASES_KEY = "demo_aliases_seeded"
# Raise when DEMO_ALIASES grows: a database holding an older set gets the new aliases on its next start.
DEMO_ALIASES_VERSION = 2


def alias_rows(pairs: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    """(sku, alias) pairs as rows to insert, one per SKU and comparison key; aliases with no words are skipped."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for sku, alias in pairs:
        key = lookup_key(alias)
        if key:
            rows.setdefault((sku, key), {"sku": sku, "alias": alias.strip(), "normalized_alias": key})
    return list(rows.values())


def seed_demo_aliases(conn: sa.Connection) -> bool:
    """Insert the demo aliases a demo catalog lacks (once per DEMO_ALIASES_VERSION); True when rows were written.

    Runs on every start, so a database seeded before aliases existed (or before the last ones) gets them too."""
    if read_meta(conn, ALIASES_KEY) >= DEMO_ALIASES_VERSION or not read_meta(conn, SEEDED_KEY):
        return False
    skus = set(conn.execute(sa.select(products.c.sku)).scalars())
    present = {
        (sku, key) for sku, key in conn.execute(sa.select(product_aliases.c.sku, product_aliases.c.normalized_alias))
    }
    rows = [
        row
        for row in alias_rows(demo_aliases())
        if row["sku"] in skus and (row["sku"], row["normalized_alias"]) not in present
    ]
    if rows:
        conn.execute(sa.insert(product_aliases), rows)
    set_meta(conn, ALIASES_KEY, DEMO_ALIASES_VERSION)
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

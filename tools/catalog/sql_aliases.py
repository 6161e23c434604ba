"""Other names of products in the business database: aliases (a whole product's other name) and synonyms (a
word for the words of names), the demo ones seeded once (also into an older database), and read."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from tools.catalog.demo_data import demo_aliases
from tools.catalog.demo_synonyms import DEMO_SYNONYMS
from tools.catalog.lookup_text import Synonyms, lookup_key, lookup_words
from tools.catalog.sql_meta import SEEDED_KEY, read_meta, set_meta
from tools.catalog.sql_schema import product_aliases, product_synonyms, products

ALIASES_KEY = "demo_aliases_seeded"
SYNONYMS_KEY = "demo_synonyms_seeded"
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


def seed_demo_synonyms(conn: sa.Connection) -> bool:
    """Insert the demo synonyms into a demo catalog that lacks them (once); True when rows were written."""
    if read_meta(conn, SYNONYMS_KEY) or not read_meta(conn, SEEDED_KEY):
        return False
    present = set(conn.execute(sa.select(product_synonyms.c.normalized_word)).scalars())
    rows: dict[str, dict[str, str]] = {}
    for word, means in DEMO_SYNONYMS.items():
        key = lookup_key(word)
        if key and key not in present:
            rows.setdefault(key, {"normalized_word": key, "word": word, "means": means})
    if rows:
        conn.execute(sa.insert(product_synonyms), list(rows.values()))
    set_meta(conn, SYNONYMS_KEY, 1)
    return bool(rows)


def read_synonyms(conn: sa.Connection, vocabulary: frozenset[str]) -> Synonyms:
    """Every synonym as look-up words -> the catalog's words; a single word the catalog's names use themselves is
    left out (it must keep meaning what the names say)."""
    found: dict[tuple[str, ...], tuple[str, ...]] = {}
    for key, means in conn.execute(sa.select(product_synonyms.c.normalized_word, product_synonyms.c.means)):
        words = tuple(key.split())
        if len(words) == 1 and words[0] in vocabulary:
            continue
        found[words] = tuple(lookup_words(means))
    return found

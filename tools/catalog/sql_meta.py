"""Small counters kept in the `app_meta` table: the catalog version and the demo-seeded flag."""

from __future__ import annotations

import sqlalchemy as sa

from tools.catalog.sql_schema import app_meta, products

VERSION_KEY, SEEDED_KEY = "catalog_version", "demo_seeded"


def read_meta(conn: sa.Connection, key: str) -> int:
    """The stored number for `key`, 0 when unset."""
    return int(conn.execute(sa.select(app_meta.c.value).where(app_meta.c.key == key)).scalar() or 0)


def set_meta(conn: sa.Connection, key: str, value: int) -> None:
    """Store `value` under `key`."""
    if not conn.execute(sa.update(app_meta).where(app_meta.c.key == key).values(value=value)).rowcount:
        conn.execute(sa.insert(app_meta).values(key=key, value=value))


def bump_version(conn: sa.Connection) -> int:
    """Add one to the catalog version inside the caller's transaction; the new version."""
    bumped = conn.execute(
        sa.update(app_meta).where(app_meta.c.key == VERSION_KEY).values(value=app_meta.c.value + 1)
    ).rowcount
    if not bumped:
        conn.execute(sa.insert(app_meta).values(key=VERSION_KEY, value=1))
    return read_meta(conn, VERSION_KEY)


def is_seeded(conn: sa.Connection) -> bool:
    """True when the demo data was seeded, or the catalog already holds products of its own."""
    return bool(read_meta(conn, SEEDED_KEY)) or conn.execute(sa.select(products.c.id).limit(1)).first() is not None

"""Business tables (SQLAlchemy Core) and an engine factory tuned for SQLite files and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

metadata = sa.MetaData()


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


customers = sa.Table(
    "customers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("normalized_name", sa.String(200), nullable=False, index=True),
    sa.Column("tax_id", sa.String(20)),
    sa.Column("city", sa.String(100)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, default=utcnow),
)

products = sa.Table(
    "products",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sku", sa.String(40), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("normalized_name", sa.String(200), nullable=False, index=True),
    sa.Column("price", sa.Numeric(10, 2), nullable=False),
    sa.Column("stock", sa.Integer, nullable=False, default=0),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow),
    sa.CheckConstraint("stock >= 0", name="ck_products_stock_not_negative"),
    sa.CheckConstraint("price >= 0", name="ck_products_price_not_negative"),
)

# Other names a product is known by (English names, short forms): found by the same look-ups as its name.
product_aliases = sa.Table(
    "product_aliases",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sku", sa.String(40), sa.ForeignKey("products.sku", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("alias", sa.String(200), nullable=False),
    sa.Column("normalized_alias", sa.String(200), nullable=False, index=True),
    sa.UniqueConstraint("sku", "normalized_alias", name="uq_product_aliases_sku_alias"),
)

# Words salespeople use for products that the names do not hold («engrapadora» → grapadora), as look-up keys.
product_synonyms = sa.Table(
    "product_synonyms",
    metadata,
    sa.Column("normalized_word", sa.String(200), primary_key=True),
    sa.Column("word", sa.String(200), nullable=False),
    sa.Column("means", sa.String(200), nullable=False),
)

orders = sa.Table(
    "orders",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("customer_id", sa.Integer, sa.ForeignKey("customers.id"), nullable=False, index=True),
    # The run id of the pipeline run that wrote the order: a replayed node finds it instead of writing again.
    sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, default=utcnow),
    sa.Column("total", sa.Numeric(12, 2), nullable=False, default=0),
)

order_lines = sa.Table(
    "order_lines",
    metadata,
    sa.Column("order_id", sa.Integer, sa.ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("line_no", sa.Integer, primary_key=True),
    sa.Column("product_id", sa.Integer, sa.ForeignKey("products.id"), nullable=False),
    # Name and price are copied so an order reads the same after the catalog changes.
    sa.Column("sku", sa.String(40), nullable=False),
    sa.Column("product_name", sa.String(200), nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("unit_price", sa.Numeric(10, 2), nullable=False),
    sa.Column("subtotal", sa.Numeric(12, 2), nullable=False),
    sa.CheckConstraint("quantity > 0", name="ck_order_lines_quantity_positive"),
)

returns = sa.Table(
    "returns",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("order_id", sa.Integer, sa.ForeignKey("orders.id"), nullable=False, index=True),
    # The run id of the pipeline run that wrote the return: a replayed node finds it instead of writing again.
    sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
    sa.Column("reason", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, default=utcnow),
    sa.Column("total", sa.Numeric(12, 2), nullable=False, default=0),
)

return_lines = sa.Table(
    "return_lines",
    metadata,
    sa.Column("return_id", sa.Integer, sa.ForeignKey("returns.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("line_no", sa.Integer, primary_key=True),
    sa.Column("sku", sa.String(40), nullable=False),
    sa.Column("product_name", sa.String(200), nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("unit_price", sa.Numeric(10, 2), nullable=False),
    sa.Column("subtotal", sa.Numeric(12, 2), nullable=False),
    sa.CheckConstraint("quantity > 0", name="ck_return_lines_quantity_positive"),
)

app_meta = sa.Table(
    "app_meta",
    metadata,
    sa.Column("key", sa.String(50), primary_key=True),
    sa.Column("value", sa.Integer, nullable=False),
)

# Execution option asking the SQLite "begin" hook for `BEGIN IMMEDIATE` (take the write lock up front).
SQLITE_IMMEDIATE = "sqlite_immediate"


def make_engine(url: str, **options: Any) -> Engine:
    """An engine for `url`; SQLite connections get WAL, foreign keys, a busy timeout and explicit BEGINs."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        options.setdefault("pool_pre_ping", True)
        return sa.create_engine(parsed, **options)
    connect_args = {"timeout": 30.0, "check_same_thread": False, **options.pop("connect_args", {})}
    engine = sa.create_engine(parsed, connect_args=connect_args, **options)
    sa.event.listen(engine, "connect", _on_sqlite_connect)
    sa.event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own implicit transactions defer BEGIN and break BEGIN IMMEDIATE; we emit BEGIN ourselves.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _on_sqlite_begin(connection: sa.Connection) -> None:
    immediate = connection.get_execution_options().get(SQLITE_IMMEDIATE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

"""SqlService: the business database (customers, products, orders) over SQLAlchemy Core, parameterised only."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

import textnorm
from errors import ConflictError, NotFoundError, ToolError
from tools.catalog.customer_text import find_customer
from tools.catalog.demo_data import demo_customers, demo_products
from tools.catalog.lookup_text import lookup_words
from tools.catalog.sql_aliases import read_aliases, read_synonyms, seed_demo_aliases, seed_demo_synonyms
from tools.catalog.sql_events import CatalogChange, CatalogListener, CatalogListeners
from tools.catalog.sql_meta import SEEDED_KEY, VERSION_KEY, bump_version, is_seeded, read_meta, set_meta
from tools.catalog.sql_reads import matching_rows, product_dict, read_only_rows, resolution, stock_of
from tools.catalog.sql_schema import (
    SQLITE_IMMEDIATE,
    app_meta,
    customers,
    make_engine,
    metadata,
    orders,
    product_aliases,
    products,
    utcnow,
)
from tools.catalog.version_memo import VersionMemo
from tools.orders.keyed_write import of_run
from tools.orders.order_words import tokens as order_tokens
from tools.orders.sql_orders import order_id_for_key, read_order, write_order

__all__ = ["MAX_ORDER_ID", "CatalogChange", "CatalogListener", "SqlService"]

MAX_LOOKUP_TEXT = 500
SUPPORTED_BACKENDS = ("sqlite", "postgresql")


MAX_ORDER_ID = 2**31 - 1  # orders.id is a 32-bit INTEGER on PostgreSQL


class SqlService:
    """The business database: schema, demo seed, catalog look-ups, stock and idempotent orders."""

    def __init__(self, url: str, *, engine_options: Mapping[str, Any] | None = None) -> None:
        backend = sa.make_url(url).get_backend_name()
        if backend not in SUPPORTED_BACKENDS:
            raise ValueError(f"unsupported database '{backend}': use sqlite:/// or postgresql+psycopg://")
        self.url = url
        self.engine = make_engine(url, **dict(engine_options or {}))
        self._events = CatalogListeners()
        self._memos = VersionMemo(self.catalog_version)

    @property
    def backend(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        """A write transaction; on SQLite it takes the write lock up front (no mid-transaction upgrade)."""
        with self.engine.connect() as conn:
            conn.execution_options(**{SQLITE_IMMEDIATE: True})
            with conn.begin():
                yield conn

    # --- lifecycle ---------------------------------------------------------------------------------

    def create_schema(self) -> None:
        """Create the tables that do not exist yet (safe on every start)."""
        metadata.create_all(self.engine)

    def is_seeded(self) -> bool:
        """True when the demo data was seeded, or the catalog already holds products of its own."""
        with self.engine.connect() as conn:
            return is_seeded(conn)

    def seed_demo(self) -> bool:
        """Insert the demo customers and products once; False (nothing written) when already seeded."""
        with self._write() as conn:
            if is_seeded(conn):
                return False
            conn.execute(
                sa.insert(customers), [{**c, "normalized_name": textnorm.key(c["name"])} for c in demo_customers()]
            )
            conn.execute(
                sa.insert(products), [{**p, "normalized_name": textnorm.key(p["name"])} for p in demo_products()]
            )
            set_meta(conn, SEEDED_KEY, 1)
            seed_demo_aliases(conn)
            seed_demo_synonyms(conn)
            version = bump_version(conn)
        self._notify(version, "seeded", [])
        return True

    def ensure_ready(self, seed: bool = True) -> bool:
        """Create the schema and, when `seed`, the demo data on first start; True when it seeded now."""
        self.create_schema()
        if not seed:
            return False
        if self.seed_demo():
            return True
        with self._write() as conn:  # a database seeded before aliases or synonyms existed gets the demo ones now
            added = [seed_demo_aliases(conn), seed_demo_synonyms(conn)]
            version = bump_version(conn) if any(added) else 0
        if version:
            self._notify(version, "aliases", [])
        return False

    def reset(self, seed: bool = True) -> None:
        """Drop and recreate every business table (all data is lost), then seed the demo data."""
        previous = self.catalog_version() if sa.inspect(self.engine).has_table(app_meta.name) else 0
        metadata.drop_all(self.engine)
        metadata.create_all(self.engine)
        with self._write() as conn:
            set_meta(conn, VERSION_KEY, previous)  # keep versions increasing across resets
            version = bump_version(conn)
        self._notify(version, "reset", [])
        if seed:
            self.seed_demo()

    # --- catalog version and listeners -------------------------------------------------------------

    def catalog_version(self) -> int:
        """A number that grows whenever product names or active flags change (shared by all processes)."""
        with self.engine.connect() as conn:
            return read_meta(conn, VERSION_KEY)

    def on_change(self, listener: CatalogListener) -> Callable[[], None]:
        """Call `listener` after every committed catalog change in this process; returns an unsubscribe."""
        return self._events.add(listener)

    def _notify(self, version: int, action: str, skus: list[str]) -> None:
        self._memos.clear()
        self._events.notify(version, action, skus)

    # --- products and customers --------------------------------------------------------------------

    def list_products(self, active_only: bool = True) -> list[dict[str, Any]]:
        """Every product (sku, name, price, stock, active), ordered by SKU."""
        query = sa.select(products).order_by(products.c.sku)
        if active_only:
            query = query.where(products.c.active.is_(True))
        with self.engine.connect() as conn:
            return [{**product_dict(row), "active": bool(row["active"])} for row in conn.execute(query).mappings()]

    def list_aliases(self) -> list[dict[str, str]]:
        """Every alias of an active product as {sku, alias}, ordered by SKU."""
        with self.engine.connect() as conn:
            return read_aliases(conn)

    def aliases_by_sku(self) -> dict[str, tuple[str, ...]]:
        """SKU -> the aliases of that active product, read once per catalog version."""

        def build() -> dict[str, tuple[str, ...]]:
            found: dict[str, list[str]] = {}
            for row in self.list_aliases():
                found.setdefault(row["sku"], []).append(row["alias"])
            return {sku: tuple(names) for sku, names in found.items()}

        return self._memos.get("aliases", build)

    def aliases_by_name(self) -> dict[str, tuple[str, ...]]:
        """Product name -> the aliases of that active product («Teclado inalámbrico» → «wireless keyboard», …)."""

        def build() -> dict[str, tuple[str, ...]]:
            by_sku = self.aliases_by_sku()
            return {row["name"]: by_sku[row["sku"]] for row in self.list_products() if row["sku"] in by_sku}

        return self._memos.get("aliases_by_name", build)

    def memo(self, key: str, build: Callable[[], Any]) -> Any:
        """A value derived from the catalog, built once per catalog version (`build()` when it changed)."""
        return self._memos.get(key, build)

    def product_names(self) -> tuple[str, ...]:
        """The active products' names and aliases, read once per catalog version (the message reader's words)."""

        def build() -> tuple[str, ...]:
            names = [row["name"] for row in self.list_products()]
            return tuple(dict.fromkeys([*names, *(row["alias"] for row in self.list_aliases())]))

        return self._memos.get("product_names", build)

    def customer_names(self) -> tuple[str, ...]:
        """The customers' names, read once per catalog version (customers change only with seeds and resets)."""
        return self._memos.get("customers", lambda: tuple(c["name"] for c in self.list_customers()))

    def list_customers(self) -> list[dict[str, Any]]:
        """Every customer as {id, name}, ordered by name."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(customers.c.id, customers.c.name).order_by(customers.c.name))
            return [{"id": int(row.id), "name": row.name} for row in rows]

    def get_product(self, sku: str) -> dict[str, Any] | None:
        """One product by SKU (active or not) with its `active` flag, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(products).where(products.c.sku == sku)).mappings().first()
        return None if row is None else {**product_dict(row), "active": bool(row["active"])}

    def add_product(
        self, sku: str, name: str, price: Decimal | float | str, stock: int = 0, active: bool = True
    ) -> dict[str, Any]:
        """Add a product; a SKU that exists already raises ConflictError."""
        if not sku.strip() or not name.strip() or not textnorm.words(name):
            raise ToolError("a product needs a SKU and a name with at least one word")
        row = {
            "sku": sku.strip(),
            "name": name.strip(),
            "normalized_name": textnorm.key(name),
            "price": Decimal(str(price)),
            "stock": int(stock),
            "active": bool(active),
        }
        try:
            with self._write() as conn:
                conn.execute(sa.insert(products).values(**row))
                version = bump_version(conn)
        except sa.exc.IntegrityError as exc:
            message = f"a product with SKU '{sku}' already exists"
            raise ConflictError(message, details={"sku": sku}, reason="duplicate") from exc
        self._notify(version, "added", [row["sku"]])
        return self.get_product(row["sku"]) or {}

    def set_product_active(self, sku: str, active: bool) -> dict[str, Any]:
        """Activate or discontinue a product; an unknown SKU raises NotFoundError."""
        with self._write() as conn:
            changed = conn.execute(
                sa.update(products).where(products.c.sku == sku).values(active=bool(active))
            ).rowcount
            if not changed:
                raise NotFoundError(f"no product with SKU '{sku}'", details={"sku": sku})
            version = bump_version(conn)
        self._notify(version, "activated" if active else "deactivated", [sku])
        return self.get_product(sku) or {}

    def set_stock(self, sku: str, stock: int) -> dict[str, Any]:
        """Set a product's units in stock (a delivery, a count, another sale); an unknown SKU raises NotFoundError."""
        if isinstance(stock, bool) or not isinstance(stock, int) or stock < 0:
            raise ToolError("the stock must be a whole number of at least 0")
        with self._write() as conn:
            changed = conn.execute(
                sa.update(products).where(products.c.sku == sku).values(stock=stock, updated_at=utcnow())
            ).rowcount
        if not changed:
            raise NotFoundError(f"no product with SKU '{sku}'", details={"sku": sku})
        return self.get_product(sku) or {}

    # --- look-ups used by the order dialog ---------------------------------------------------------

    def vocabulary(self) -> frozenset[str]:
        """Every look-up word of an active product's name or alias, read once per catalog version."""
        return self.memo(
            "vocabulary", lambda: frozenset(w for name in self.product_names() for w in lookup_words(name))
        )

    def synonyms(self) -> dict[tuple[str, ...], tuple[str, ...]]:
        """The synonyms of the catalog's words (look-up words -> catalog words), read once per catalog version."""

        def build() -> dict[tuple[str, ...], tuple[str, ...]]:
            with self.engine.connect() as conn:
                return dict(read_synonyms(conn, self.vocabulary()))

        return self.memo("synonyms", build)

    def lookup_text(self, text: str) -> str:
        """What a product look-up compares for `text`, as text (synonyms, measures and slips resolved)."""
        return " ".join(self._words(text))

    def _words(self, text: Any, *, products: bool = True) -> list[str]:
        """The look-up words of a text; a product look-up also resolves synonyms and slips (customers' don't)."""
        if not isinstance(text, str):
            raise ToolError("the text to look up must be a string")
        if len(text) > MAX_LOOKUP_TEXT:
            raise ToolError(f"the text to look up is longer than {MAX_LOOKUP_TEXT} characters")
        return lookup_words(text, self.synonyms(), self.vocabulary()) if products else lookup_words(text)

    def resolve_product(self, text: str, limit: int = 10) -> dict[str, Any]:
        """Text → {status: exact|several|none, match, candidates[{sku,name,price,stock}]} over active products,
        by name, alias ("keyboard", "boli") or SKU; `retired` names a withdrawn product the text matches instead."""
        words = self._words(text)
        if not words:
            return {**resolution([], limit), "retired": None}
        with self.engine.connect() as conn:
            rows = matching_rows(conn, products, words, True, sku=text.strip(), aliases=product_aliases)
            if not rows and len(words) > 1 and words[0].isdigit():
                # "2 teclados" typed where only a product is expected: the leading number is a quantity.
                rows = matching_rows(conn, products, words[1:], True, aliases=product_aliases)
            retired = None if rows else matching_rows(conn, products, words, False, sku=text.strip())
        found = sorted(rows, key=lambda row: (row["normalized_name"], row["name"], row["sku"]))
        # When only withdrawn products carry these words, `retired` says so («ya no está disponible»).
        return {
            **resolution([product_dict(row) for row in found], limit),
            "retired": min(row["name"] for row in retired) if retired else None,
        }

    def resolve_customer(self, text: str, limit: int = 10) -> dict[str, Any]:
        """Text → {status: exact|several|none, match, candidates[{id,name}]} over customers."""
        words = self._words(text, products=False)
        if not words:
            return resolution([], limit)
        with self.engine.connect() as conn:
            rows = matching_rows(conn, customers, words, False)
        if not rows and len(words) > 1:
            # «es para Globex», «I want to order for Globex»: a known customer named inside a sentence.
            mention = find_customer(tuple(order_tokens(text)), self.customer_names())
            if mention is not None:
                return self.resolve_customer(mention.name, limit)
        found = sorted(rows, key=lambda row: (row["normalized_name"], row["name"]))
        return resolution([{"id": int(row["id"]), "name": row["name"]} for row in found], limit)

    def check_stock(self, sku: str, quantity: int) -> dict[str, Any]:
        """{ok, sku, name, available, requested, price}; an unknown or inactive SKU raises ToolError."""
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise ToolError("the quantity to check must be a whole number of at least 1")
        with self.engine.connect() as conn:
            return stock_of(conn, products, sku, quantity)

    def create_order(self, customer: str | int, lines: list[Mapping[str, Any]], idempotency_key: str) -> dict[str, Any]:
        """Write an order in one transaction; a replay with the same key returns the first order unchanged."""
        order_id = write_order(self.engine, customer, lines, idempotency_key)
        return self.get_order(order_id)

    def get_order(self, order_id: int) -> dict[str, Any]:
        """{order_id, customer, lines[{sku, product, quantity, unit_price, subtotal}], total}; NotFoundError."""
        if not 1 <= int(order_id) <= MAX_ORDER_ID:  # beyond the column's range no order can exist
            raise NotFoundError(f"no order with id {order_id}", details={"order_id": order_id})
        with self.engine.connect() as conn:
            order = read_order(conn, int(order_id))
        if order is None:
            raise NotFoundError(f"no order with id {order_id}", details={"order_id": order_id})
        return order

    def orders_for_key(self, key: str) -> list[int]:
        """Ids of the orders written under an idempotency key (zero or one)."""
        with self.engine.connect() as conn:
            found = order_id_for_key(conn, key)
        return [] if found is None else [found]

    def orders_of_run(self, run_id: str) -> list[int]:
        """Ids of the orders a run wrote (whatever step or visit wrote them), oldest first."""
        with self.engine.connect() as conn:
            return of_run(conn, orders, run_id)

    def count_orders(self) -> int:
        """How many orders exist."""
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(orders)).scalar_one())

    # --- declared read queries ---------------------------------------------------------------------

    def run_read_query(
        self, query: str, params: Mapping[str, Any], max_rows: int = 100, timeout: float = 5.0
    ) -> list[dict[str, Any]]:
        """Run an already-validated SELECT in a read-only transaction; at most `max_rows` rows as dicts."""
        return read_only_rows(self.engine, query, params, max_rows, timeout)

"""Keeping the products and customers collections in step with the business database."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Protocol

from vector_memory.store import VectorMemory

PRODUCTS = "products"
CUSTOMERS = "customers"
PIPELINE_EXAMPLES = "pipeline_examples"

_SCALARS = (str, int, float, bool, Decimal, type(None))
ALIAS_MARK = "#"  # between a product's SKU and its alias in an alias item's key


class CatalogSource(Protocol):
    """What the vector memory needs from the catalog (the SQL service satisfies it).

    A source may also have `list_aliases() -> [{sku, alias}]`: each alias becomes an item of its product."""

    def catalog_version(self) -> object:
        """A value that changes whenever a product is added, renamed, (de)activated or removed."""
        ...

    def list_products(self, active_only: bool = True) -> list[Mapping[str, Any]]:
        """Products as dicts with sku, name, price, stock, active."""
        ...

    def list_customers(self) -> list[Mapping[str, Any]]:
        """Customers as dicts with at least a name (and usually an id)."""
        ...


def product_items(source: CatalogSource) -> list[dict[str, Any]]:
    """Active products as vector-memory items keyed by SKU, with sku/name/price/stock as metadata, plus one
    item per alias keyed "<sku>#<alias>" whose metadata is its product's with the `alias` added."""
    items = []
    metas: dict[str, dict[str, Any]] = {}
    for product in source.list_products(active_only=True):
        if not product.get("active", True):
            continue
        meta = {"sku": str(product["sku"]), "name": str(product["name"])}
        if product.get("price") is not None:
            meta["price"] = float(product["price"])
        if product.get("stock") is not None:
            meta["stock"] = int(product["stock"])
        items.append({"key": meta["sku"], "text": meta["name"], "meta": meta})
        metas[meta["sku"]] = meta
    list_aliases = getattr(source, "list_aliases", None)
    for alias in list_aliases() if callable(list_aliases) else []:
        meta = metas.get(str(alias["sku"]))
        if meta is not None:
            text = str(alias["alias"])
            items.append({"key": f"{meta['sku']}{ALIAS_MARK}{text}", "text": text, "meta": {**meta, "alias": text}})
    return items


def as_product(hit: Mapping[str, Any]) -> dict[str, Any]:
    """A hit on an alias item as a hit on its product (key = SKU, text = product name); other hits unchanged."""
    meta = hit.get("meta") or {}
    if "alias" not in meta or "sku" not in meta or "name" not in meta:
        return dict(hit)
    product_meta = {key: value for key, value in meta.items() if key != "alias"}
    return {**hit, "key": str(meta["sku"]), "text": str(meta["name"]), "meta": product_meta}


def customer_items(source: CatalogSource) -> list[dict[str, Any]]:
    """Customers as items keyed by id (or name when there is no id), their plain fields as metadata."""
    items = []
    for customer in source.list_customers():
        meta = {k: v for k, v in customer.items() if isinstance(k, str) and isinstance(v, _SCALARS)}
        key = customer.get("id")
        items.append(
            {"key": str(customer["name"] if key is None else key), "text": str(customer["name"]), "meta": meta}
        )
    return items


def content_version(items: list[dict[str, Any]]) -> str:
    """A hash of the items' keys and texts: a version for sources that have none."""
    pairs = sorted((item["key"], item["text"]) for item in items)
    return hashlib.sha256(json.dumps(pairs, ensure_ascii=False).encode("utf-8")).hexdigest()[:32]


def attach_catalog(
    memory: VectorMemory, source: CatalogSource, *, products: str = PRODUCTS, customers: str = CUSTOMERS
) -> None:
    """Bind the products and customers collections to `source`, so searches never see a stale catalog.

    Products are re-synced when `catalog_version()` changes; customers (a short list) whenever their
    names change, because the catalog version is only promised to follow products.
    """
    memory.bind(products, lambda: product_items(source), source.catalog_version)
    memory.bind(customers, lambda: customer_items(source), lambda: content_version(customer_items(source)))

"""Catalog sync (no stale suggestions after a product changes) and concurrent use of one store."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from vector_memory import CUSTOMERS, PRODUCTS, CatalogSource, VectorMemory, attach_catalog, product_items
from vector_memory.samples import CONTRACT_CUSTOMERS, demo_products


class TinyCatalog:
    """An in-memory catalog with the SqlService methods the vector memory relies on."""

    def __init__(self) -> None:
        self.products = {
            f"P{i:03d}": {"sku": f"P{i:03d}", "name": n, "price": 10.5, "stock": 50, "active": True}
            for i, n in enumerate(demo_products())
        }
        self.customers = [{"id": i + 1, "name": name} for i, name in enumerate(CONTRACT_CUSTOMERS)]
        self.version = 1
        self.listings = 0

    def catalog_version(self) -> int:
        """Bumped by every add/deactivate."""
        return self.version

    def list_products(self, active_only: bool = True) -> list[dict[str, Any]]:
        """Product rows (copies), counting how often the catalog is listed."""
        self.listings += 1
        return [dict(p) for p in self.products.values() if p["active"] or not active_only]

    def list_customers(self) -> list[dict[str, Any]]:
        """Customer rows (copies)."""
        return [dict(c) for c in self.customers]

    def add(self, sku: str, name: str) -> None:
        """Add an active product."""
        self.products[sku] = {"sku": sku, "name": name, "price": 99.0, "stock": 5, "active": True}
        self.version += 1

    def deactivate(self, sku: str) -> None:
        """Mark a product inactive."""
        self.products[sku]["active"] = False
        self.version += 1


def test_tiny_catalog_satisfies_the_protocol() -> None:
    source: CatalogSource = TinyCatalog()
    assert len(product_items(source)) == len(demo_products())


def test_sync_skips_same_version_and_applies_differences(tmp_path: Path) -> None:
    catalog = TinyCatalog()
    memory = VectorMemory(tmp_path)
    assert memory.sync(PRODUCTS, lambda: product_items(catalog), catalog.catalog_version()) is True
    assert memory.sync(PRODUCTS, lambda: product_items(catalog), catalog.catalog_version()) is False
    assert catalog.listings == 1  # same version: the catalog was not even listed again
    catalog.add("P900", "Trituradora de papel silenciosa")
    catalog.deactivate("P000")  # Teclado mecánico
    assert memory.sync(PRODUCTS, lambda: product_items(catalog), catalog.catalog_version()) is True
    assert memory.suggest(PRODUCTS, "trituradora de papel")[0]["key"] == "P900"
    assert "P000" not in [h["key"] for h in memory.search(PRODUCTS, "teclado mecanico", k=10)]
    assert VectorMemory(tmp_path).version(PRODUCTS) == "3"


def test_attached_catalog_never_serves_stale_suggestions(tmp_path: Path) -> None:
    catalog = TinyCatalog()
    memory = VectorMemory(tmp_path)
    attach_catalog(memory, catalog)
    first = memory.suggest(PRODUCTS, "monitr 27 pulgadas")[0]
    assert first["text"] == "Monitor 27 pulgadas"
    assert first["meta"] == {"sku": "P005", "name": "Monitor 27 pulgadas", "price": 10.5, "stock": 50}
    catalog.deactivate("P005")
    assert memory.suggest(PRODUCTS, "monitr 27 pulgadas")[0]["text"] == "Monitor 24 pulgadas"
    catalog.add("P777", "Monitor 27 pulgadas")  # re-listed under a new SKU
    assert memory.suggest(PRODUCTS, "monitr 27 pulgadas")[0]["key"] == "P777"
    catalog.customers.append({"id": 99, "name": "Wayne Enterprises"})  # no version bump needed for customers
    hit = memory.suggest(CUSTOMERS, "wayne enterprise")[0]
    assert (hit["key"], hit["text"], hit["meta"]) == (
        "99",
        "Wayne Enterprises",
        {"id": 99, "name": "Wayne Enterprises"},
    )
    assert memory.has_collection(PRODUCTS) and memory.collections() == [CUSTOMERS, PRODUCTS]


def test_concurrent_writers_and_readers(tmp_path: Path) -> None:
    memory = VectorMemory(tmp_path, hnsw_threshold=150)
    names = demo_products()
    errors: list[BaseException] = []

    def writer(offset: int) -> None:
        try:
            for i in range(offset, len(names), 4):
                memory.upsert("shared", [{"key": f"K{i}", "text": names[i]}])
                memory.upsert(f"memory:w{offset}", [{"key": f"K{i}", "text": names[i]}])
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    def reader() -> None:
        try:
            for name in names[:60]:
                for hit in memory.search("shared", name, k=3):
                    assert hit["text"] in names
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    threads += [threading.Thread(target=reader) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert memory.count("shared") == len(names)
    assert sum(memory.count(f"memory:w{n}") for n in range(4)) == len(names)
    reopened = VectorMemory(tmp_path, hnsw_threshold=150)
    assert reopened.count("shared") == len(names) and reopened.index_kind("shared") == "hnsw"
    assert reopened.suggest("shared", "tecaldo mecanico")[0]["text"] == "Teclado mecánico"

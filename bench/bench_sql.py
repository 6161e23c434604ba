"""SQL catalog benchmark: resolve_product / resolve_customer / check_stock latency on the demo DB (SQLite)."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python bench/bench_sql.py` as well as `python -m bench.bench_sql`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import machine
from tools.catalog.demo_data import demo_products
from tools.catalog.sql import SqlService

ROUNDS = 5
# The dialog phrases: exact, plural, several, typo (none) and unknown look-ups.
PHRASES = [
    "2 teclados", "ratón inalámbrico", "monitr 27 pulgadas", "grapadoras", "bolígrafos azules", "impresora laser",
    "sillas ergonómicas", "webcam hd", "paraguas", "unicornio dorado", "cable hdmi", "a4",
]  # fmt: skip


def _timed(call: Callable[[Any], Any], inputs: list[Any]) -> dict[str, float]:
    """p50 / p99 / mean in milliseconds of `call` over every input, ROUNDS times, after one warm-up pass."""
    for item in inputs:
        call(item)
    samples: list[float] = []
    for _ in range(ROUNDS):
        for item in inputs:
            start = time.perf_counter()
            call(item)
            samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 3),
        "p99_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.99))], 3),
        "mean_ms": round(statistics.fmean(samples), 3),
        "calls": len(samples),
    }


def main() -> dict[str, Any]:
    """Seed the demo DB in a temporary folder, time the catalog look-ups, print a table, return the figures."""
    with tempfile.TemporaryDirectory() as folder:
        service = SqlService(f"sqlite:///{Path(folder) / 'app.db'}")
        try:
            start = time.perf_counter()
            service.ensure_ready()
            seed_ms = (time.perf_counter() - start) * 1000
            names = [p["name"] for p in demo_products() if p["active"]]
            skus = [p["sku"] for p in demo_products() if p["active"]]
            customers = [c["name"] for c in service.list_customers()]
            results = {
                "resolve_product (every product name)": _timed(service.resolve_product, names),
                "resolve_product (dialog phrases)": _timed(service.resolve_product, PHRASES),
                "resolve_customer": _timed(service.resolve_customer, customers),
                "check_stock": _timed(lambda sku: service.check_stock(sku, 1), skus),
            }
        finally:
            service.dispose()
    figures: dict[str, Any] = {
        "backend": "sqlite (WAL, temporary file)",
        "products": len(names),
        "seed_ms": round(seed_ms, 1),
        "machine": f"{machine()['cpu_model']}, {os.cpu_count()} cores",
        "lookups": results,
    }
    print(f"SQL catalog look-ups — {figures['products']} active products, {figures['backend']}, {figures['machine']}")
    print(f"schema + demo seed: {figures['seed_ms']} ms")
    print(f"{'operation':40} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8} {'calls':>6}")
    for name, row in results.items():
        print(f"{name:40} {row['p50_ms']:8.3f} {row['p99_ms']:8.3f} {row['mean_ms']:8.3f} {row['calls']:6d}")
    return figures


if __name__ == "__main__":
    main()
